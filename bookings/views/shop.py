"""The consumer's booking pages (anyone; a guest gives a name and a phone, a signed-in consumer books
with their membership), thin: parse the request, call a selector or a service, render.

`/book/` picks a service, then a store near them offering it, then a day and a slot, then confirms;
the booking page shows the check-in code and its QR code, with cancel and reschedule. A guest's
bookings are remembered in their session, so they can come back to them; anyone else's booking is
a 404. `/bookings/` lists one's bookings. A walk-in: `/stores/<id>/visit/` (what the store's QR
code should target) records the visit, then shows the store page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bookings import rules, selectors, services, slots
from bookings.choices import BookingStatus
from bookings.forms import ContactForm, RescheduleForm, StoreSearchForm, parse_start, show_service_error
from bookings.models import Booking
from bookings.views.common import parse_day, zone_of
from bookings.views.slot_picker import slot_picker
from catalog.models import Service
from catalog.selectors import get_service
from members.models import Member
from members.services import join_brand
from o2o.api.permissions import PUBLIC
from o2o.errors import AppError, Conflict, NotFound
from o2o.models import Tenant, User
from o2o.portals.access import portal_page
from o2o.tenancy.request import PortalRequest
from o2o.visitors import visitor_id
from stores.geo import haversine_km
from stores.models import Store, StoreService
from stores.qr import make_qr
from stores.selectors import get_store

STORE_PAGE_SIZE = 10
GUEST_BOOKINGS = "bookings.guest_ids"  # session: ids of the bookings this browser made
CONFIRM_TOKENS = "bookings.confirm_tokens"  # session: confirm form token -> booking id
MAX_REMEMBERED = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


# --- what the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreOption:
    store: Store
    capacity: int
    distance_km: float | None


def _service_or_404(*, tenant: Tenant, service_id: int | None) -> Service:
    if service_id is None:
        raise Http404(_("No such service."))
    try:
        return get_service(tenant=tenant, service_id=service_id, include_inactive=False)
    except NotFound as error:
        raise Http404(error.detail) from error


def _offering_or_404(*, tenant: Tenant, service: Service, store_id: int | None) -> StoreService:
    offering = None
    if store_id is not None:
        offering = slots.find_offering(tenant=tenant, store_id=store_id, service_id=service.pk)
    if offering is None:
        raise Http404(_("This store does not offer this service."))
    return offering


def _membership(request: PortalRequest) -> Member | None:
    """The signed-in consumer's membership of the brand, or None (a guest, or not a member yet)."""
    return selectors.own_membership(tenant=request.tenant, user=request.user)


def _user(request: PortalRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _remember(request: PortalRequest, booking: Booking) -> None:
    """Let this browser open the booking's page again (a guest has no account to find it by)."""
    ids = [pk for pk in request.session.get(GUEST_BOOKINGS, []) if pk != booking.pk]
    request.session[GUEST_BOOKINGS] = [booking.pk, *ids][:MAX_REMEMBERED]


def _own_bookings(request: PortalRequest) -> QuerySet[Booking]:
    """The bookings of the signed-in user's membership, and those this browser made, latest first."""
    remembered = [pk for pk in request.session.get(GUEST_BOOKINGS, []) if isinstance(pk, int)]
    return selectors.list_own_bookings(tenant=request.tenant, user=request.user, remembered_ids=remembered)


def _own_booking_or_404(request: PortalRequest, booking_id: int) -> Booking:
    booking = _own_bookings(request).filter(pk=booking_id).first()
    if booking is None:
        raise Http404(_("No such booking."))
    return booking


def _qr_svg(data: str) -> SafeString:
    """The QR code of `data` as an inline SVG element (no extra request, nothing to cache)."""
    svg = make_qr(data).svg_inline(scale=6, border=2, light="#fff", omitsize=True, svgclass="qr-code")
    return mark_safe(svg)  # noqa: S308 - segno's own output, `data` is escaped by segno


def _booking_context(request: PortalRequest, booking: Booking, **extra: Any) -> dict[str, Any]:
    zone = zone_of(booking.store)
    booked = booking.status == BookingStatus.BOOKED
    return {
        "portal": "shop",
        "booking": booking,
        "start": booking.start_at.astimezone(zone),
        "end": booking.end_at.astimezone(zone),
        "deadline": rules.change_deadline(tenant=request.tenant, booking=booking).astimezone(zone),
        "can_change": booked and rules.may_change(tenant=request.tenant, booking=booking, now=timezone.now()),
        "qr": _qr_svg(booking.check_in_code) if booked else None,
        **extra,
    }


def _htmx_aware(response: HttpResponse) -> HttpResponse:
    """`response`, told to caches that an htmx request gets another body."""
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- booking a visit ----------------------------------------------------------------------------


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
    service = _service_or_404(tenant=tenant, service_id=_int(request.GET.get("service")))
    offerings = list(selectors.list_offerings(tenant=tenant, service=service))
    cities = sorted({offering.store.city for offering in offerings if offering.store.city})
    form = StoreSearchForm(request.GET, cities=cities)
    options: list[StoreOption] = []
    searched = False
    page_number = 1
    if form.is_valid():
        data = form.cleaned_data
        page_number, searched = data["page"], form.has_search()
        if data["city"]:
            offerings = [offering for offering in offerings if offering.store.city == data["city"]]
        if data["lat"] is not None:
            ranked = sorted(
                (haversine_km(data["lat"], data["lng"], o.store.lat, o.store.lng), o.store.pk, o) for o in offerings
            )
            options = [StoreOption(o.store, o.capacity, distance) for distance, _pk, o in ranked]
        else:
            options = [StoreOption(o.store, o.capacity, None) for o in offerings]
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
    status = 400 if form.errors else 200
    return _htmx_aware(render(request, template, context, status=status))


@portal_page(PUBLIC)
def book_slots(request: PortalRequest) -> HttpResponse:
    """Step 3: a day among the next two weeks (with how many slots have room), and that day's slots
    with the places left; a full slot cannot be picked. An htmx request gets the picker only."""
    tenant = request.tenant
    service = _service_or_404(tenant=tenant, service_id=_int(request.GET.get("service")))
    offering = _offering_or_404(tenant=tenant, service=service, store_id=_int(request.GET.get("store")))
    store = offering.store
    params = {"service": service.pk, "store": store.pk}
    picker = slot_picker(
        tenant=tenant,
        store=store,
        service=service,
        wanted_day=parse_day(request.GET.get("day")),
        base_url=reverse("book-slots"),
        params=params,
        confirm_url=reverse("book-confirm"),
        now=timezone.now(),
    )
    context = {"portal": "shop", "service": service, "store": store, "picker": picker, "mode": "link"}
    template = "shop/bookings/_slot_picker.html" if request.htmx else "shop/bookings/slots.html"
    return _htmx_aware(render(request, template, context))


def _book(request: PortalRequest, *, store: Store, service: Service, form: ContactForm) -> Booking:
    """Book through the service: a member books as themself; a signed-in person who is not a
    member yet joins the brand with the phone they gave (their account linked), a guest gets the
    membership of that phone."""
    data = form.cleaned_data
    member = _membership(request)
    if member is None and request.user.is_authenticated:
        member = join_brand(tenant=request.tenant, phone=data["phone"], name=data["name"], user=request.user)
        if member.user_id != request.user.pk:  # another person's phone: booked for them, as a guest would
            member = None
    return services.book_visit(
        tenant=request.tenant,
        store=store,
        service=service,
        start_at=data["start"],
        member=member,
        name=data["name"],
        phone=data["phone"],
        visitor_id=visitor_id(request),
        created_by=_user(request),
    )


@portal_page(PUBLIC)
def book_confirm(request: PortalRequest) -> HttpResponse:
    """Step 4: who the booking is for (prefilled for a member), then the booking page.

    A full slot shows the service's message (409) with the way back to the slots; the form's token
    makes a second submit of the same form show the booking made by the first.
    """
    tenant = request.tenant
    source = request.POST if request.method == "POST" else request.GET
    service = _service_or_404(tenant=tenant, service_id=_int(source.get("service")))
    offering = _offering_or_404(tenant=tenant, service=service, store_id=_int(source.get("store")))
    store = offering.store
    start = parse_start(source.get("start", ""))
    if start is None:
        return redirect(f"{reverse('book-slots')}?{urlencode({'service': service.pk, 'store': store.pk})}")
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        tokens: dict[str, int] = request.session.get(CONFIRM_TOKENS, {})
        token = request.POST.get("token", "")
        if token in tokens:  # submitted twice: the first submit booked
            return redirect("shop-booking-detail", booking_id=tokens[token])
        if form.is_valid():
            try:
                booking = _book(request, store=store, service=service, form=form)
            except AppError as error:
                show_service_error(form, error)
                status = error.status_code
            else:
                _remember(request, booking)
                request.session[CONFIRM_TOKENS] = dict(list({**tokens, token: booking.pk}.items())[-MAX_REMEMBERED:])
                messages.success(request, _("Your visit is booked."))
                return redirect("shop-booking-detail", booking_id=booking.pk)
        else:
            status = 400
    else:
        member = _membership(request)
        user = _user(request)
        form = ContactForm(
            initial={
                "name": (member.name if member else "") or (getattr(user, "name", "") or ""),
                "phone": str(member.phone) if member else (getattr(user, "phone", "") or ""),
                "start": start.astimezone(dt.UTC).isoformat(),
                "token": secrets.token_urlsafe(16),
            }
        )
    local_start = start.astimezone(zone_of(store))
    context = {
        "portal": "shop",
        "form": form,
        "service": service,
        "store": store,
        "start": local_start,
        "end": local_start + dt.timedelta(minutes=service.duration_minutes),
        "back_url": f"{reverse('book-slots')}?"
        + urlencode({"service": service.pk, "store": store.pk, "day": local_start.date().isoformat()}),
        "is_member": _membership(request) is not None,
    }
    return render(request, "shop/bookings/confirm.html", context, status=status)


# --- their bookings -----------------------------------------------------------------------------


@portal_page(PUBLIC)
def booking_list(request: PortalRequest) -> HttpResponse:
    """One's bookings (the membership's when signed in, and those made in this browser), latest first."""
    bookings = list(_own_bookings(request)[:100])
    rows = [(b, b.start_at.astimezone(zone_of(b.store))) for b in bookings]
    return render(request, "shop/bookings/list.html", {"portal": "shop", "rows": rows})


@portal_page(PUBLIC)
def booking_detail(request: PortalRequest, booking_id: int) -> HttpResponse:
    """The booking page: store, service, time on the store's clock, status, the check-in code as
    text and as a QR code, and cancel / reschedule while the cut-off allows."""
    booking = _own_booking_or_404(request, booking_id)
    return render(request, "shop/bookings/detail.html", _booking_context(request, booking))


booking_detail.resource_model = Booking  # type: ignore[attr-defined]


@portal_page(PUBLIC)
def booking_cancel(request: PortalRequest, booking_id: int) -> HttpResponse:
    """POST: cancel the booking (frees its place). After the cut-off, the booking page shows why
    not (409) and nothing changes."""
    booking = _own_booking_or_404(request, booking_id)
    if request.method != "POST":
        return redirect("shop-booking-detail", booking_id=booking.pk)
    try:
        booking = services.cancel_booking(tenant=request.tenant, booking=booking, by=_user(request))
    except Conflict as error:
        context = _booking_context(request, booking, action_error=error.detail)
        return render(request, "shop/bookings/detail.html", context, status=error.status_code)
    messages.success(request, _("Your booking is cancelled."))
    return redirect("shop-booking-detail", booking_id=booking.pk)


booking_cancel.resource_model = Booking  # type: ignore[attr-defined]


@portal_page(PUBLIC)
def booking_reschedule(request: PortalRequest, booking_id: int) -> HttpResponse:
    """Pick another slot of the same service at the same store (GET), move the booking there (POST).

    The move is atomic: a full slot, or the cut-off, shows the service's message (409) and the
    booking keeps its place.
    """
    tenant = request.tenant
    booking = _own_booking_or_404(request, booking_id)
    error_message, status = "", 200
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                services.reschedule_booking(
                    tenant=tenant, booking=booking, start_at=form.cleaned_data["start"], by=_user(request)
                )
            except AppError as error:
                error_message, status = error.detail, error.status_code
            else:
                messages.success(request, _("Your booking is moved."))
                return redirect("shop-booking-detail", booking_id=booking.pk)
        else:
            error_message, status = _("Pick a time slot."), 400
        booking = _own_booking_or_404(request, booking_id)
    url = reverse("shop-booking-reschedule", args=[booking.pk])
    picker = None
    if booking.status == BookingStatus.BOOKED:
        try:
            picker = slot_picker(
                tenant=tenant,
                store=booking.store,
                service=booking.service,
                wanted_day=parse_day(request.GET.get("day"))
                or booking.start_at.astimezone(zone_of(booking.store)).date(),
                base_url=url,
                params={},
                now=timezone.now(),
            )
        except AppError as error:  # the store no longer offers the service
            error_message = error_message or error.detail
    context = _booking_context(
        request, booking, store=booking.store, picker=picker, action_error=error_message, mode="post", post_url=url
    )
    template = (
        "shop/bookings/_slot_picker.html"
        if request.htmx and request.method == "GET"
        else "shop/bookings/reschedule.html"
    )
    return _htmx_aware(render(request, template, context, status=status))


booking_reschedule.resource_model = Booking  # type: ignore[attr-defined]


# --- walk-ins -----------------------------------------------------------------------------------


@portal_page(PUBLIC)
def store_walk_in(request: PortalRequest, store_id: int) -> HttpResponse:
    """A consumer scanned the store's QR code in the store: record the walk-in visit (with their
    membership when signed in, and the device's visitor id when known), then show the store page.

    A closed store records nothing. The same person scanning again that day is one visit.
    """
    try:
        store = get_store(tenant=request.tenant, store_id=store_id)
    except NotFound as error:
        raise Http404(error.detail) from error
    try:
        services.record_walk_in(
            tenant=request.tenant, store=store, member=_membership(request), visitor_id=visitor_id(request)
        )
    except AppError:
        pass  # a closed store: nothing to record, its page says it is closed
    else:
        messages.success(request, _("Welcome to %(store)s!") % {"store": store.name})
    response = redirect("shop-store-detail", store_id=store.pk)
    response["Cache-Control"] = "no-store"  # every scan must reach the server
    return response


store_walk_in.resource_model = Store  # type: ignore[attr-defined]
