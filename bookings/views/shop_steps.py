"""Booking a visit, step by step (anyone; a guest gives a name and a phone, a signed-in consumer
books with their membership), thin: parse the request, call a selector or a service, render.

`/book/` picks a service, then a store near them offering it, then a day and a slot, then confirms.
The choices so far travel in the query string (the confirmation's form posts them again). A refused
booking (the slot filled up, too soon now, a wrong phone) comes back to the confirmation with what
was typed and the reason, and nothing of it is kept (the page error boundary rolls it back).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from bookings import selectors, services, slots
from bookings.forms import ContactForm, StoreSearchForm, parse_start
from bookings.views.common import parse_day, parse_id, remember, zone_of
from bookings.views.slot_picker import slot_picker
from o2o.api.permissions import PUBLIC
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import PortalRequest
from o2o.visitors import visitor_id
from stores.models import StoreService

STORE_PAGE_SIZE = 10
CONFIRM_TOKENS = "bookings.confirm_tokens"  # session: confirm form token -> booking id
MAX_TOKENS = 50


def _htmx_aware(response: HttpResponse) -> HttpResponse:
    """`response`, told to caches that an htmx request gets another body."""
    patch_vary_headers(response, ["HX-Request"])
    return response


@portal_page(PUBLIC)
def book_service(request: PortalRequest) -> HttpResponse:
    """Step 1: the brand's active services, each offered at one store at least."""
    services_ = selectors.list_offered_services(tenant=request.tenant)
    return render(request, "shop/bookings/service.html", {"portal": "shop", "services": services_})


@portal_page(PUBLIC)
def book_store(request: PortalRequest) -> HttpResponse:
    """Step 2: the stores offering the service, nearest first by the browser's position (with the
    distance), or those of a city. An htmx request gets the results only."""
    tenant = request.tenant
    service = selectors.get_bookable_service(tenant=tenant, service_id=parse_id(request.GET.get("service")))
    offerings = list(selectors.list_offerings(tenant=tenant, service=service))
    form = StoreSearchForm(request.GET, cities=sorted({o.store.city for o in offerings if o.store.city}))
    options: list[selectors.StoreOption] = []
    searched, page_number = False, 1
    if form.is_valid():  # a bad position or city shows the form's errors above all the stores
        data = form.cleaned_data
        page_number, searched = data["page"], form.has_search()
        options = selectors.rank_offerings(offerings, city=data["city"], lat=data["lat"], lng=data["lng"])
    page = Paginator(options, STORE_PAGE_SIZE).get_page(page_number)
    context = {
        "portal": "shop",
        "service": service,
        "form": form,
        "page": page,
        "options": page.object_list,
        "searched": searched,
        "total": len(options),
        "slots_url": reverse("book-slots"),
    }
    template = "shop/bookings/_store_results.html" if request.htmx else "shop/bookings/store.html"
    return _htmx_aware(render(request, template, context, status=400 if form.errors else 200))


def _offering(request: PortalRequest, source: Any) -> StoreService:
    """The offering the step's `service` and `store` name (with its store and service); NotFound."""
    return slots.get_bookable_offering(
        tenant=request.tenant, store_id=parse_id(source.get("store")), service_id=parse_id(source.get("service"))
    )


@portal_page(PUBLIC)
def book_slots(request: PortalRequest) -> HttpResponse:
    """Step 3: a day among the next two weeks (with how many slots have room), and that day's slots
    with the places left; a full slot cannot be picked. An htmx request gets the picker only."""
    offering = _offering(request, request.GET)
    params = {"service": offering.service_id, "store": offering.store_id}
    picker = slot_picker(
        tenant=request.tenant,
        offering=offering,
        wanted_day=parse_day(request.GET.get("day")),
        base_url=reverse("book-slots"),
        params=params,
        confirm_url=reverse("book-confirm"),
        now=timezone.now(),
    )
    context = {
        "portal": "shop",
        "service": offering.service,
        "store": offering.store,
        "picker": picker,
        "mode": "link",
    }
    template = "shop/bookings/_slot_picker.html" if request.htmx else "shop/bookings/slots.html"
    return _htmx_aware(render(request, template, context))


def _confirm_page(
    request: PortalRequest, form: ContactForm, offering: StoreService, start: dt.datetime, *, status: int = 200
) -> HttpResponse:
    store, service = offering.store, offering.service
    local_start = start.astimezone(zone_of(store))
    back = {"service": service.pk, "store": store.pk, "day": local_start.date().isoformat()}
    context = {
        "portal": "shop",
        "form": form,
        "service": service,
        "store": store,
        "start": local_start,
        "end": local_start + dt.timedelta(minutes=service.duration_minutes),
        "back_url": f"{reverse('book-slots')}?{urlencode(back)}",
        "is_member": selectors.own_membership(request.actor) is not None,
    }
    return render(request, "shop/bookings/confirm.html", context, status=status)


def _booking_refused(request: PortalRequest, error: AppError) -> HttpResponse:
    """The confirmation again, with what was typed and why (at its field, else above the form):
    a full slot (409), a time no longer bookable or a bad name or phone (400)."""
    if isinstance(error, NotFound):  # the service or the store is gone: nothing to confirm
        return error_page(request, error)
    offering = _offering(request, request.POST)
    form = ContactForm(request.POST)
    show_error(form, error)
    return _confirm_page(request, form, offering, parse_start(request.POST.get("start", "")) or timezone.now())


@portal_page(PUBLIC, on_error=_booking_refused)
def book_confirm(request: PortalRequest) -> HttpResponse:
    """Step 4: who the booking is for (prefilled for a member), then the booking page.

    The booking is the service's (`services.book_visit`, with the membership rules). A refusal stays
    here with what was typed (`_booking_refused`); the form's token makes a second submit of the
    same form show the booking made by the first.
    """
    source = request.POST if request.method == "POST" else request.GET
    offering = _offering(request, source)
    start = parse_start(source.get("start", ""))
    if start is None:
        params = {"service": offering.service_id, "store": offering.store_id}
        return redirect(f"{reverse('book-slots')}?{urlencode(params)}")
    member, user = selectors.own_membership(request.actor), request.actor.signed_in_user
    if request.method != "POST":
        initial = {
            "name": (member.name if member else "") or (user.name if user else ""),
            "phone": str(member.phone) if member else (str(user.phone or "") if user else ""),
            "start": start.astimezone(dt.UTC).isoformat(),
            "token": secrets.token_urlsafe(16),
        }
        return _confirm_page(request, ContactForm(initial=initial), offering, start)
    tokens: dict[str, int] = request.session.get(CONFIRM_TOKENS, {})
    token = request.POST.get("token", "")
    if token in tokens:  # submitted twice: the first submit booked
        return redirect("shop-booking-detail", booking_id=tokens[token])
    data = validated(ContactForm(request.POST))
    booking = services.book_visit(
        tenant=request.tenant,
        store=offering.store,
        service=offering.service,
        start_at=data["start"],
        member=member,
        name=data["name"],
        phone=data["phone"],
        visitor_id=visitor_id(request),
        created_by=user,
    )
    remember(request, booking)
    request.session[CONFIRM_TOKENS] = dict(list({**tokens, token: booking.pk}.items())[-MAX_TOKENS:])
    messages.success(request, _("Your visit is booked."))
    return redirect("shop-booking-detail", booking_id=booking.pk)
