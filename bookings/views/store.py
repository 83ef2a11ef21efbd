"""The store's booking pages (managers and guides of the store), thin: the day's bookings by hour
on the store's clock with check-in and no-show actions, check-in by the consumer's code, the
walk-ins and the no-shows of the day; and one booking's page with every action the reader may take
(`bookings.views.staff`). Who may act is `bookings.policies` (as through the API); what a booking's
buttons offer follows `bookings.rules`, the rules the services enforce on a click. A refused action
comes back to the page it came from with why, and nothing changed (the page error boundary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import policies, rules, selectors, services
from bookings.choices import SHOWN_STATUSES, BookingStatus
from bookings.forms import CheckInCodeForm
from bookings.models import Booking
from bookings.views.common import local_today, parse_day, zone_of
from bookings.views.staff import booking_page, perform
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores.models import Store
from stores.policies import staff_post

STORE_STAFF = (Role.STORE_MANAGER, Role.GUIDE)
ROW_DONE = {"check_in": gettext_lazy("Checked in."), "no_show": gettext_lazy("Marked as a no-show.")}


@dataclass
class StoreRow:
    """A booking on the store's page, with the actions its state allows now."""

    booking: Booking
    start: dt.datetime
    end: dt.datetime
    can_check_in: bool
    can_mark_no_show: bool
    error: str = ""
    done: str = ""


@dataclass
class HourGroup:
    hour: dt.datetime  # on the store's clock
    rows: list[StoreRow] = field(default_factory=list)


def _store_row(
    request: SignedInPortalRequest, booking: Booking, now: dt.datetime, *, error: str = "", done: str = ""
) -> StoreRow:
    """The row of `booking`; the buttons follow rules.md 2.5 (the service decides on a click)."""
    zone = zone_of(booking.store)
    return StoreRow(
        booking=booking,
        start=booking.start_at.astimezone(zone),
        end=booking.end_at.astimezone(zone),
        can_check_in=rules.may_check_in(tenant=request.tenant, booking=booking, now=now),
        can_mark_no_show=rules.may_mark_no_show(tenant=request.tenant, booking=booking, now=now),
        error=error,
        done=done,
    )


def _by_hour(rows: Iterable[StoreRow]) -> list[HourGroup]:
    groups: dict[dt.datetime, HourGroup] = {}
    for row in rows:
        hour = row.start.replace(minute=0, second=0, microsecond=0)
        groups.setdefault(hour, HourGroup(hour)).rows.append(row)
    return list(groups.values())


def _staff_store(request: SignedInPortalRequest) -> Store | None:
    """The store of the reader's post (read once per request with the actor), or None."""
    post = staff_post(request.actor)
    return post.store if post is not None else None


def _today_url(day: dt.date | None) -> str:
    url = reverse("store-today")
    return f"{url}?{urlencode({'date': day.isoformat()})}" if day else url


def _day_page(
    request: SignedInPortalRequest,
    day: dt.date | None = None,
    *,
    code_form: CheckInCodeForm | None = None,
    row_error: tuple[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The store's day (`day`, else `?date=`, else today on its clock). `code_form`: the check-in by
    code as typed; `row_error`: (booking id, why) of a refused action on a row."""
    store = _staff_store(request)
    if store is None:
        return render(request, "store/bookings/today.html", {"portal": "store", "store": None}, status=status)
    now = timezone.now()
    today = local_today(store, now)
    day = day or parse_day(request.GET.get("date")) or today
    bookings = selectors.list_bookings(
        tenant=request.tenant, actor=request.actor, filters={"store": store.pk, "date": day.isoformat()}
    )
    errors = dict([row_error]) if row_error else {}
    rows = [
        _store_row(request, b, now, error=errors.get(b.pk, ""))
        for b in sorted(bookings, key=lambda b: (b.start_at, b.pk))
    ]
    context: dict[str, Any] = {
        "portal": "store",
        "store": store,
        "day": day,
        "is_today": day == today,
        "previous_url": _today_url(day - dt.timedelta(days=1)) if day > dt.date.min else None,
        "next_url": _today_url(day + dt.timedelta(days=1)) if day < dt.date.max else None,
        "today_url": _today_url(None),
        "groups": _by_hour(r for r in rows if r.booking.status not in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW)),
        "no_shows": [r for r in rows if r.booking.status == BookingStatus.NO_SHOW],
        "cancelled": sum(1 for r in rows if r.booking.status == BookingStatus.CANCELLED),
        "walk_ins": [
            (v, v.visited_at.astimezone(zone_of(store)))
            for v in selectors.list_walk_ins(tenant=request.tenant, store=store, day=day)
        ],
        "code_form": code_form or CheckInCodeForm(),
        "counts": {
            "booked": sum(1 for r in rows if r.booking.status == BookingStatus.BOOKED),
            "shown": sum(1 for r in rows if r.booking.status in SHOWN_STATUSES),
        },
    }
    return render(request, "store/bookings/today.html", context, status=status)


def _code_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The day again, with the code as typed and why next to it (nobody was checked in)."""
    form = CheckInCodeForm(request.POST)
    show_error(form, error, fields={"check_in_code": "code"})
    return _day_page(request, code_form=form)


@portal_page(*STORE_STAFF, on_error=_code_refused)
def store_today(request: SignedInPortalRequest) -> HttpResponse:
    """The store's day (`?date=`, default today on the store's clock): its bookings by hour with
    check-in and no-show buttons, the check-in by code, the walk-ins and the no-shows.

    POST: check in the booking holding the code typed in (or read from the consumer's QR code) at
    this store; then back here with what happened. Another store's code is refused (404): the
    visit would be recorded at the booking's store, not where the consumer stands.
    """
    store = _staff_store(request)
    if request.method != "POST" or store is None:
        return _day_page(request)
    code = validated(CheckInCodeForm(request.POST))["code"]
    booking = selectors.get_booking_by_code(tenant=request.tenant, code=code, store_id=store.pk)
    policies.authorize("check_in", request.actor, booking, code=code)
    booking = services.check_in(tenant=request.tenant, booking=booking, code=code, by=request.user)
    done = _("%(name)s is checked in for %(service)s.") % {"name": booking.name, "service": booking.service.name}
    messages.success(request, done)
    day = parse_day(request.GET.get("date"))
    return redirect(_today_url(day if day != local_today(store) else None))


# --- a row's actions ----------------------------------------------------------------------------


def _row_refused(request: SignedInPortalRequest, error: AppError, booking_id: int) -> HttpResponse:
    """The booking's row (htmx), or its day, with why on the row; nothing changed."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    booking = selectors.get_store_booking(tenant=request.tenant, actor=request.actor, booking_id=booking_id)
    if request.htmx:
        row = _store_row(request, booking, timezone.now(), error=error.detail)
        return render(request, "store/bookings/_row.html", {"row": row})
    day = booking.start_at.astimezone(zone_of(booking.store)).date()
    return _day_page(request, day, row_error=(booking.pk, error.detail))


def _row_action(request: SignedInPortalRequest, booking_id: int, *, action: str) -> HttpResponse:
    """GET: the booking's row (htmx). POST: take `action`, then the row with the result (htmx) or
    back to the booking's day with a message."""
    booking = selectors.get_store_booking(tenant=request.tenant, actor=request.actor, booking_id=booking_id)
    if request.method == "GET":
        return render(request, "store/bookings/_row.html", {"row": _store_row(request, booking, timezone.now())})
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    booking, message = perform(request, booking, {"action": action})
    if request.htmx:
        row = _store_row(request, booking, timezone.now(), done=str(ROW_DONE[action]))
        return render(request, "store/bookings/_row.html", {"row": row})
    messages.success(request, message)
    return redirect(_today_url(booking.start_at.astimezone(zone_of(booking.store)).date()))


@portal_page(*STORE_STAFF, on_error=_row_refused)
def store_booking_check_in(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """Check a booking of the store in (the staff member's click); records the store visit."""
    return _row_action(request, booking_id, action="check_in")


store_booking_check_in.resource_model = Booking  # type: ignore[attr-defined]


@portal_page(*STORE_STAFF, on_error=_row_refused)
def store_booking_no_show(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """Mark a booking of the store a no-show (allowed once its slot ended plus the grace period)."""
    return _row_action(request, booking_id, action="no_show")


store_booking_no_show.resource_model = Booking  # type: ignore[attr-defined]


# --- one booking --------------------------------------------------------------------------------


def _get(request: SignedInPortalRequest, booking_id: int) -> Booking:
    """A booking of the reader's store; NotFound for any other."""
    return selectors.get_store_booking(tenant=request.tenant, actor=request.actor, booking_id=booking_id)


def _page(request: SignedInPortalRequest, booking: Booking, error: AppError | None = None) -> HttpResponse:
    day = booking.start_at.astimezone(zone_of(booking.store)).date()
    return booking_page(
        request,
        booking,
        portal="store",
        page_url=reverse("store-booking-detail", args=[booking.pk]),
        action_url=reverse("store-booking-action", args=[booking.pk]),
        back_url=_today_url(day),
        error=error,
    )


@portal_page(*STORE_STAFF)
def store_booking_detail(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """One booking of the store, with the actions the reader may take (and, to reschedule it, the
    slots of the next two weeks: `?day=`)."""
    return _page(request, _get(request, booking_id))


store_booking_detail.resource_model = Booking  # type: ignore[attr-defined]


def _action_refused(request: SignedInPortalRequest, error: AppError, booking_id: int) -> HttpResponse:
    if isinstance(error, NotFound):
        return error_page(request, error)
    return _page(request, _get(request, booking_id), error)


@portal_page(*STORE_STAFF, on_error=_action_refused)
def store_booking_action(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """POST `action` (check_in, no_show, cancel, reschedule with `start`) on a booking of the store;
    then back to its page. A refusal is shown there with its status, and nothing changed: 403 (the
    policy), 404 (not the store's booking), 409 (its status, the clock, a full slot), 400."""
    booking = _get(request, booking_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    booking, message = perform(request, booking, request.POST)
    messages.success(request, message)
    return redirect("store-booking-detail", booking_id=booking.pk)


store_booking_action.resource_model = Booking  # type: ignore[attr-defined]
