"""HQ's bookings page, thin: the brand's bookings with filters, and the show-up rate per store and
per service (`selectors.show_up_rates`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from bookings import selectors
from bookings.forms import HqBookingFilterForm
from bookings.models import Booking
from bookings.views.common import zone_of
from catalog.selectors import list_services
from o2o.choices import Role
from o2o.models import Tenant
from o2o.portals.access import portal_page
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


def _bookings_between(
    request: SignedInPortalRequest, form: HqBookingFilterForm, filters: dict[str, Any]
) -> QuerySet[Booking]:
    """The bookings matching `filters` in the form's date range."""
    return selectors.list_bookings_between(
        tenant=request.tenant,
        user=request.user,
        roles=request.roles.names,
        filters=filters,
        first_day=form.cleaned_data["date_from"],
        last_day=form.cleaned_data["date_to"],
    )


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
    errors: list[str] = []
    bookings = Booking.objects.none()
    rates = selectors.ShowUpRates.none()
    if form.is_valid():
        filters = {key: form.cleaned_data[key] for key in ("store", "service") if form.cleaned_data[key]}
        try:
            in_range = _bookings_between(request, form, filters)
        except ValidationError as error:
            errors = [f"{key}: {' '.join(problems)}" for key, problems in error.message_dict.items()]
        else:
            rates = selectors.show_up_rates(tenant=tenant, bookings=in_range)
            status = form.cleaned_data["status"]
            bookings = _bookings_between(request, form, {**filters, "status": status}) if status else in_range
    else:
        errors = [str(error) for problems in form.errors.values() for error in problems]
    page = Paginator(bookings, HQ_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "portal": "hq",
        "form": form,
        "errors": errors,
        "page": page,
        "rows": [(b, b.start_at.astimezone(zone_of(b.store))) for b in page.object_list],
        "rates": rates,
    }
    return render(request, "hq/bookings/list.html", context, status=400 if errors else 200)
