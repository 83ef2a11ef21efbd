"""HQ's bookings pages, thin: the brand's bookings with filters and the show-up rate per store and
per service (`selectors.show_up_rates`); one booking's page with every action HQ may take on it
(`bookings.views.staff`, the same answers as the API's: `bookings.policies`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from bookings import selectors
from bookings.forms import HqBookingFilterForm
from bookings.models import Booking
from bookings.views.common import zone_of
from bookings.views.staff import booking_page, perform
from catalog.selectors import list_services
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.models import Tenant
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.tenancy.request import SignedInPortalRequest
from stores.selectors import list_stores, tenant_today

HQ = (Role.HQ_ADMIN, Role.HQ_STAFF)
HQ_PAGE_SIZE = 50
HQ_DEFAULT_PAST_DAYS = 29  # HQ's range is the last 30 days ...
HQ_DEFAULT_NEXT_DAYS = 14  # ... and the next two weeks


def _hq_choices(tenant: Tenant) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    stores = [(s.pk, f"{s.code} {s.name}") for s in list_stores(tenant=tenant, filters={})]
    services_ = [(s.pk, s.name) for s in list_services(tenant=tenant, filters={}, include_inactive=True)]
    return stores, services_


@portal_page(*HQ)
def hq_booking_list(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's bookings filtered by store, service, status and a date range (days of the start on
    the brand's calendar; default the last 30 days and the next 14), 50 a page; and the show-up
    rate per store and per service over the same filters (the status filter aside)."""
    tenant = request.tenant
    today = tenant_today(tenant=tenant)
    defaults = {
        "date_from": (today - dt.timedelta(days=HQ_DEFAULT_PAST_DAYS)).isoformat(),
        "date_to": (today + dt.timedelta(days=HQ_DEFAULT_NEXT_DAYS)).isoformat(),
    }
    data = {**defaults, **{key: value for key, value in request.GET.items() if value}}
    stores, services_ = _hq_choices(tenant)
    form = HqBookingFilterForm(data, stores=stores, services=services_)
    rates, rows = selectors.ShowUpRates.none(), []
    page: Page[Booking] = Paginator(list[Booking](), HQ_PAGE_SIZE).get_page(1)
    errors = [str(error) for problems in form.errors.values() for error in problems]
    if not errors:  # the filters are the form's choices: the selector takes them as they are
        values = form.cleaned_data
        filters = {key: values[key] for key in ("store", "service") if values[key]}

        def between(filters: dict[str, Any]) -> QuerySet[Booking]:
            return selectors.list_bookings_between(
                tenant=tenant,
                actor=request.actor,
                filters=filters,
                first_day=values["date_from"],
                last_day=values["date_to"],
            )

        in_range = between(filters)
        rates = selectors.show_up_rates(tenant=tenant, bookings=in_range)
        listed = between({**filters, "status": values["status"]}) if values["status"] else in_range
        page = Paginator(listed, HQ_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(b, b.start_at.astimezone(zone_of(b.store))) for b in page.object_list]
    context = {"portal": "hq", "form": form, "errors": errors, "page": page, "rows": rows, "rates": rates}
    return render(request, "hq/bookings/list.html", context, status=400 if errors else 200)


def _page(request: SignedInPortalRequest, booking: Booking, error: AppError | None = None) -> HttpResponse:
    return booking_page(
        request,
        booking,
        portal="hq",
        page_url=reverse("hq-booking-detail", args=[booking.pk]),
        action_url=reverse("hq-booking-action", args=[booking.pk]),
        back_url=reverse("hq-booking-list"),
        error=error,
    )


def _get(request: SignedInPortalRequest, booking_id: int) -> Booking:
    return selectors.get_store_booking(tenant=request.tenant, actor=request.actor, booking_id=booking_id)


@portal_page(*HQ)
def hq_booking_detail(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """One booking of the brand, with the actions HQ may take (and, to reschedule it, the slots of
    the next two weeks: `?day=`)."""
    return _page(request, _get(request, booking_id))


hq_booking_detail.resource_model = Booking  # type: ignore[attr-defined]


def _action_refused(request: SignedInPortalRequest, error: AppError, booking_id: int) -> HttpResponse:
    if isinstance(error, NotFound):
        return error_page(request, error)
    return _page(request, _get(request, booking_id), error)


@portal_page(*HQ, on_error=_action_refused)
def hq_booking_action(request: SignedInPortalRequest, booking_id: int) -> HttpResponse:
    """POST `action` (check_in, no_show, cancel, reschedule with `start`) on a booking of the brand;
    then back to its page. A refusal is shown there with its status, and nothing changed."""
    booking = _get(request, booking_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    booking, message = perform(request, booking, request.POST)
    messages.success(request, message)
    return redirect("hq-booking-detail", booking_id=booking.pk)


hq_booking_action.resource_model = Booking  # type: ignore[attr-defined]
