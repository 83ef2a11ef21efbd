"""The consumer's own bookings (anyone: a signed-in consumer's membership's, and those this browser
made), thin: parse the request, call a selector or a service, render.

The booking page shows the check-in code and its QR code, with cancel and reschedule while the
cut-off allows (`bookings.rules`, the rules the services enforce; `bookings.policies`, who may).
The shop acts as a consumer whatever other roles the reader holds (`policies.as_consumer`): the
cut-off applies to everyone here. Anyone else's booking is a 404. A walk-in:
`/stores/<id>/visit/` (what the store's QR code should target) records the visit, then shows the
store page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bookings import policies, rules, selectors, services, slots
from bookings.choices import BookingStatus
from bookings.forms import RescheduleForm
from bookings.models import Booking
from bookings.views.common import parse_day, remembered_ids, zone_of
from bookings.views.slot_picker import slot_picker
from o2o.api.permissions import PUBLIC
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import validated
from o2o.tenancy.actor import Actor
from o2o.tenancy.request import PortalRequest
from o2o.visitors import visitor_id
from stores.models import Store
from stores.qr import make_qr
from stores.selectors import get_store

LIST_SIZE = 100


def _consumer(request: PortalRequest) -> Actor:
    return policies.as_consumer(request.actor)


def _own_booking(request: PortalRequest, booking_id: int) -> Booking:
    """The reader's own booking, or one this browser made; NotFound for any other."""
    return selectors.get_own_booking(
        tenant=request.tenant, actor=_consumer(request), booking_id=booking_id, remembered_ids=remembered_ids(request)
    )


def _authorize(action: str, request: PortalRequest, booking: Booking) -> None:
    made_here = booking.pk in remembered_ids(request)
    policies.authorize(action, _consumer(request), booking, made_here=made_here)


def _qr_svg(data: str) -> SafeString:
    """The QR code of `data` as an inline SVG element (no extra request, nothing to cache)."""
    svg = make_qr(data).svg_inline(scale=6, border=2, light="#fff", omitsize=True, svgclass="qr-code")
    return mark_safe(svg)  # noqa: S308 - segno's own output, `data` is escaped by segno


def _booking_context(request: PortalRequest, booking: Booking, **extra: Any) -> dict[str, Any]:
    """What the booking's pages show: its times on the store's clock, and what the consumer may
    still change (the cut-off of `bookings.rules`; the visit of an order is cancelled with it)."""
    zone = zone_of(booking.store)
    booked = booking.status == BookingStatus.BOOKED
    can_change = booked and rules.may_change(tenant=request.tenant, booking=booking, now=timezone.now())
    return {
        "portal": "shop",
        "booking": booking,
        "start": booking.start_at.astimezone(zone),
        "end": booking.end_at.astimezone(zone),
        "deadline": rules.change_deadline(tenant=request.tenant, booking=booking).astimezone(zone),
        "can_change": can_change,
        "can_cancel": can_change and rules.cancellable_alone(booking=booking),
        "held_by_order": not rules.cancellable_alone(booking=booking),
        "qr": _qr_svg(booking.check_in_code) if booked else None,
        **extra,
    }


@portal_page(PUBLIC)
def booking_list(request: PortalRequest) -> HttpResponse:
    """One's bookings (the membership's when signed in, and those made in this browser), latest first."""
    bookings = selectors.list_own_bookings(
        tenant=request.tenant, actor=_consumer(request), remembered_ids=remembered_ids(request)
    )
    rows = [(b, b.start_at.astimezone(zone_of(b.store))) for b in bookings[:LIST_SIZE]]
    return render(request, "shop/bookings/list.html", {"portal": "shop", "rows": rows})


def _detail_page(request: PortalRequest, booking: Booking, error: AppError | None = None) -> HttpResponse:
    context = _booking_context(request, booking, action_error=error.detail if error else "")
    return render(request, "shop/bookings/detail.html", context, status=error.status_code if error else 200)


@portal_page(PUBLIC)
def booking_detail(request: PortalRequest, booking_id: int) -> HttpResponse:
    """The booking page: store, service, time on the store's clock, status, the check-in code as
    text and as a QR code, and cancel / reschedule while the cut-off allows."""
    return _detail_page(request, _own_booking(request, booking_id))


booking_detail.resource_model = Booking  # type: ignore[attr-defined]


def _cancel_refused(request: PortalRequest, error: AppError, booking_id: int) -> HttpResponse:
    """The booking page again, as it is (nothing changed), with why: past the cut-off, not booked,
    the visit of an order (409)."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    return _detail_page(request, _own_booking(request, booking_id), error)


@portal_page(PUBLIC, on_error=_cancel_refused)
def booking_cancel(request: PortalRequest, booking_id: int) -> HttpResponse:
    """POST: cancel the booking (frees its place), until the cut-off; then back to its page."""
    booking = _own_booking(request, booking_id)
    if request.method != "POST":
        return redirect("shop-booking-detail", booking_id=booking.pk)
    _authorize("cancel", request, booking)
    # the consumer's own cancel: the cut-off applies, whatever other roles the reader holds
    services.cancel_booking(tenant=request.tenant, booking=booking, by=request.actor.signed_in_user)
    messages.success(request, _("Your booking is cancelled."))
    return redirect("shop-booking-detail", booking_id=booking.pk)


booking_cancel.resource_model = Booking  # type: ignore[attr-defined]


def _reschedule_page(request: PortalRequest, booking: Booking, error: AppError | None = None) -> HttpResponse:
    """The booking's slot picker (the next two weeks at its store); the fragment alone for htmx."""
    url = reverse("shop-booking-reschedule", args=[booking.pk])
    picker, message = None, error.detail if error else ""
    if booking.status == BookingStatus.BOOKED:
        offering = slots.find_offering(tenant=request.tenant, store_id=booking.store_id, service_id=booking.service_id)
        if offering is None:
            message = message or _("This store does not offer this service.")
        else:
            wanted = parse_day(request.GET.get("day")) or booking.start_at.astimezone(zone_of(booking.store)).date()
            picker = slot_picker(
                tenant=request.tenant, offering=offering, wanted_day=wanted, base_url=url, params={}, now=timezone.now()
            )
    context = _booking_context(
        request, booking, store=booking.store, picker=picker, action_error=message, mode="post", post_url=url
    )
    fragment = request.htmx and request.method == "GET"
    template = "shop/bookings/_slot_picker.html" if fragment else "shop/bookings/reschedule.html"
    response = render(request, template, context, status=error.status_code if error else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _reschedule_refused(request: PortalRequest, error: AppError, booking_id: int) -> HttpResponse:
    """The picker again, over the booking as it is (it keeps its place), with why: the new slot is
    full, past the cut-off (409), not a slot (400)."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    return _reschedule_page(request, _own_booking(request, booking_id), error)


@portal_page(PUBLIC, on_error=_reschedule_refused)
def booking_reschedule(request: PortalRequest, booking_id: int) -> HttpResponse:
    """Pick another slot of the same service at the same store (GET), move the booking there (POST).

    The move is atomic: a full slot, or the cut-off, shows the service's message (409) and the
    booking keeps its place.
    """
    booking = _own_booking(request, booking_id)
    if request.method == "GET":
        return _reschedule_page(request, booking)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    _authorize("reschedule", request, booking)
    start = validated(RescheduleForm(request.POST), detail=_("Pick a time slot."))["start"]
    services.reschedule_booking(tenant=request.tenant, booking=booking, start_at=start, by=request.actor.signed_in_user)
    messages.success(request, _("Your booking is moved."))
    return redirect("shop-booking-detail", booking_id=booking.pk)


booking_reschedule.resource_model = Booking  # type: ignore[attr-defined]


# --- walk-ins -----------------------------------------------------------------------------------


@portal_page(PUBLIC)
def store_walk_in(request: PortalRequest, store_id: int) -> HttpResponse:
    """A consumer scanned the store's QR code in the store: record the walk-in visit (with their
    membership when signed in, and the device's visitor id when known), then show the store page.

    A closed store records nothing: its page says it is closed. The same person scanning again that
    day is one visit.
    """
    store = get_store(tenant=request.tenant, store_id=store_id)
    if store.is_active:
        member = selectors.own_membership(request.actor)
        services.record_walk_in(tenant=request.tenant, store=store, member=member, visitor_id=visitor_id(request))
        messages.success(request, _("Welcome to %(store)s!") % {"store": store.name})
    response = redirect("shop-store-detail", store_id=store.pk)
    response["Cache-Control"] = "no-store"  # every scan must reach the server
    return response


store_walk_in.resource_model = Store  # type: ignore[attr-defined]
