"""The store's "today" page (managers and guides of the store), thin: the day's bookings by hour on
the store's clock with check-in and no-show actions, check-in by the consumer's code, the walk-ins
and the no-shows of the day. What a booking's buttons offer follows `bookings.rules`, the rules the
services enforce on a click.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import rules, selectors, services
from bookings.choices import SHOWN_STATUSES, BookingStatus
from bookings.forms import CheckInCodeForm
from bookings.models import Booking
from bookings.views.common import local_today, parse_day, zone_of
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.models import Tenant
from o2o.portals.access import portal_page
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest
from stores.access import staff_post
from stores.models import Store

STORE_STAFF = (Role.STORE_MANAGER, Role.GUIDE)


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


def _store_row(*, tenant: Tenant, booking: Booking, now: dt.datetime, error: str = "", done: str = "") -> StoreRow:
    """The row of `booking`; the buttons follow rules.md 2.5 (the service decides on a click)."""
    zone = zone_of(booking.store)
    return StoreRow(
        booking=booking,
        start=booking.start_at.astimezone(zone),
        end=booking.end_at.astimezone(zone),
        can_check_in=rules.may_check_in(tenant=tenant, booking=booking, now=now),
        can_mark_no_show=rules.may_mark_no_show(tenant=tenant, booking=booking, now=now),
        error=error,
        done=done,
    )


def _by_hour(rows: Iterable[StoreRow]) -> list[HourGroup]:
    groups: dict[dt.datetime, HourGroup] = {}
    for row in rows:
        hour = row.start.replace(minute=0, second=0, microsecond=0)
        groups.setdefault(hour, HourGroup(hour)).rows.append(row)
    return list(groups.values())


def _staff_store(request: PortalRequest) -> Store | None:
    post = staff_post(tenant=request.tenant, user=request.user)
    return post.store if post is not None else None


def _store_booking_or_404(request: PortalRequest, booking_id: int) -> tuple[Store, Booking]:
    """The booking of the staff member's own store, else 404 (another store's, brand's, or none)."""
    store = _staff_store(request)
    if store is None:
        raise Http404(_("You work in no store."))
    try:
        booking = selectors.get_booking(
            tenant=request.tenant, user=request.user, roles=request.roles.names, booking_id=booking_id
        )
    except NotFound as error:
        raise Http404(error.detail) from error
    if booking.store_id != store.pk:
        raise Http404(_("No such booking."))
    return store, booking


def _today_url(day: dt.date | None) -> str:
    url = reverse("store-today")
    return f"{url}?{urlencode({'date': day.isoformat()})}" if day else url


@portal_page(*STORE_STAFF)
def store_today(request: SignedInPortalRequest) -> HttpResponse:
    """The store's day (`?date=`, default today on the store's clock): its bookings by hour with
    check-in and no-show buttons, the check-in by code, the walk-ins and the no-shows.

    POST: check in the booking holding the code typed in (or read from the consumer's QR code) at
    this store; then back here with what happened.
    """
    tenant = request.tenant
    store = _staff_store(request)
    if store is None:
        return render(request, "store/bookings/today.html", {"portal": "store", "store": None})
    now = timezone.now()
    today = local_today(store, now)
    day = parse_day(request.GET.get("date")) or today
    code_form = CheckInCodeForm()
    status = 200
    if request.method == "POST":
        code_form = CheckInCodeForm(request.POST)
        if code_form.is_valid():
            try:
                booking = selectors.get_booking_by_code(tenant=tenant, code=code_form.cleaned_data["code"])
                if booking.store_id != store.pk:
                    raise NotFound(_("This code is of a booking at another store."))
                booking = services.check_in(tenant=tenant, booking=booking, by=request.user)
            except AppError as error:
                code_form.add_error("code", error.detail)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("%(name)s is checked in for %(service)s.")
                    % {"name": booking.name, "service": booking.service.name},
                )
                return redirect(_today_url(day if day != today else None))
        else:
            status = 400
    bookings = selectors.list_bookings(
        tenant=tenant,
        user=request.user,
        roles=request.roles.names,
        filters={"store": store.pk, "date": day.isoformat()},
    )
    rows = [_store_row(tenant=tenant, booking=b, now=now) for b in sorted(bookings, key=lambda b: (b.start_at, b.pk))]
    context = {
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
            for v in selectors.list_walk_ins(tenant=tenant, store=store, day=day)
        ],
        "code_form": code_form,
        "counts": {
            "booked": sum(1 for r in rows if r.booking.status == BookingStatus.BOOKED),
            "shown": sum(1 for r in rows if r.booking.status in SHOWN_STATUSES),
        },
    }
    return render(request, "store/bookings/today.html", context, status=status)


def _store_action(request: PortalRequest, booking_id: int, *, action: str) -> HttpResponse:
    """GET: the booking's row (htmx). POST: check in or mark no-show, then the row with the result
    (htmx) or back to the day's page with a message."""
    tenant = request.tenant
    _store, booking = _store_booking_or_404(request, booking_id)
    error, done = "", ""
    status = 200
    if request.method == "POST":
        try:
            if action == "check_in":
                booking = services.check_in(tenant=tenant, booking=booking, by=request.user)
                done = _("Checked in.")
            else:
                booking = services.mark_no_show(tenant=tenant, booking=booking, by=request.user)
                done = _("Marked as a no-show.")
        except AppError as error_:
            error, status = error_.detail, error_.status_code
        if not request.htmx:
            if error:
                messages.error(request, f"{booking.name}: {error}")
            else:
                messages.success(request, f"{booking.name}: {done}")
            return redirect(_today_url(booking.start_at.astimezone(zone_of(booking.store)).date()))
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    row = _store_row(tenant=tenant, booking=booking, now=timezone.now(), error=error, done=done)
    # htmx swaps only 2xx answers by default: the refusal is shown in the row itself
    return render(request, "store/bookings/_row.html", {"row": row}, status=200 if request.htmx else status)


@portal_page(*STORE_STAFF)
def store_booking_check_in(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """Check a booking of the store in (the staff member's click); records the store visit."""
    return _store_action(request, booking_id, action="check_in")


store_booking_check_in.resource_model = Booking  # type: ignore[attr-defined]


@portal_page(*STORE_STAFF)
def store_booking_no_show(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """Mark a booking of the store a no-show (allowed once its slot ended plus the grace period)."""
    return _store_action(request, booking_id, action="no_show")


store_booking_no_show.resource_model = Booking  # type: ignore[attr-defined]
