"""Portal pages of the bookings app, thin: parse the request, call a selector or a service, render.

- Consumers (anyone; a guest gives a name and a phone, a signed-in consumer books with their
  membership): `/book/` picks a service, then a store near them offering it, then a day and a
  slot, then confirms; the booking page shows the check-in code and its QR code, with cancel and
  reschedule. A guest's bookings are remembered in their session, so they can come back to them;
  anyone else's booking is a 404. `/bookings/` lists one's bookings.
- The store ("today", managers and guides of the store): the day's bookings by hour on the store's
  clock with check-in and no-show actions, check-in by the consumer's code, the walk-ins and the
  no-shows of the day.
- HQ: the brand's bookings with filters, and the show-up rate per store and per service.
- A walk-in: `/stores/<id>/visit/` (what the store's QR code should target) records the visit,
  then shows the store page.

Times are always shown on the clock of the booking's store.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bookings import selectors, services, slots
from bookings.choices import BookingStatus, VisitSource
from bookings.forms import (
    CheckInCodeForm,
    ContactForm,
    HqBookingFilterForm,
    RescheduleForm,
    StoreSearchForm,
    parse_start,
    show_service_error,
)
from bookings.models import Booking, StoreVisit
from catalog.models import Service
from catalog.selectors import get_service, list_services
from members.models import Member
from members.selectors import get_own_membership
from members.services import join_brand
from o2o.api.permissions import PUBLIC
from o2o.choices import Role
from o2o.days import on_days
from o2o.errors import AppError, Conflict, NotFound
from o2o.models import Tenant, User
from o2o.portals.access import portal_page
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest
from stores.access import staff_post
from stores.geo import haversine_km
from stores.models import Store, StoreService
from stores.qr import make_qr
from stores.selectors import get_store, list_stores

HQ = (Role.HQ_ADMIN, Role.HQ_STAFF)
STORE_STAFF = (Role.STORE_MANAGER, Role.GUIDE)
BOOKING_DAYS = 14  # the consumer picks a day among the next two weeks
STORE_PAGE_SIZE = 10
HQ_PAGE_SIZE = 50
HQ_DEFAULT_PAST_DAYS = 29  # HQ's range is the last 30 days ...
HQ_DEFAULT_NEXT_DAYS = 14  # ... and the next two weeks
GUEST_BOOKINGS = "bookings.guest_ids"  # session: ids of the bookings this browser made
CONFIRM_TOKENS = "bookings.confirm_tokens"  # session: confirm form token -> booking id
MAX_REMEMBERED = 50
VISITOR_COOKIE = "o2o_vid"
SHOWN = (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)


# --- time on the store's clock ------------------------------------------------------------------


def zone_of(store: Store) -> ZoneInfo:
    return ZoneInfo(store.timezone)


def local_today(store: Store, now: dt.datetime | None = None) -> dt.date:
    """Today's date on the store's clock."""
    return (now or timezone.now()).astimezone(zone_of(store)).date()


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


# --- what the consumer pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class SlotView:
    """A slot as the pages show it: times on the store's clock, places left, where picking it goes."""

    start: dt.datetime  # aware, on the store's clock
    end: dt.datetime
    remaining: int
    value: str  # the start as ISO 8601 UTC: what the forms post
    url: str = ""

    @property
    def is_full(self) -> bool:
        return self.remaining <= 0


@dataclass(frozen=True)
class DayTab:
    day: dt.date
    available: int  # slots with a place left
    selected: bool
    url: str


@dataclass
class SlotPicker:
    """The next `BOOKING_DAYS` days of a service at a store, and the slots of the selected day."""

    days: list[DayTab]
    day: dt.date | None
    slots: list[SlotView]


def _slot_picker(
    *,
    tenant: Tenant,
    store: Store,
    service: Service,
    wanted_day: dt.date | None,
    base_url: str,
    params: dict[str, Any],
    confirm_url: str = "",
    now: dt.datetime,
) -> SlotPicker:
    """The day tabs (links to `base_url` with `params` and `day`) and the selected day's slots.

    Without a (valid) wanted day, the first day with a free place is selected. Each slot links to
    `confirm_url` with `params` and its `start` when `confirm_url` is given.
    """
    zone = zone_of(store)
    first_day = local_today(store, now)
    found = slots.list_slots_range(
        tenant=tenant, store=store, service=service, first_day=first_day, days=BOOKING_DAYS, now=now
    )
    by_day: dict[dt.date, list[slots.Slot]] = OrderedDict(
        (first_day + dt.timedelta(days=n), []) for n in range(BOOKING_DAYS)
    )
    for slot in found:
        by_day.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    if wanted_day not in by_day:
        wanted_day = next((day for day, day_slots in by_day.items() if any(s.remaining for s in day_slots)), None)
    days = [
        DayTab(
            day=day,
            available=sum(1 for slot in day_slots if slot.remaining > 0),
            selected=day == wanted_day,
            url=f"{base_url}?{urlencode({**params, 'day': day.isoformat()})}",
        )
        for day, day_slots in by_day.items()
    ]
    views = []
    for slot in by_day.get(wanted_day, []) if wanted_day else []:
        value = slot.start.astimezone(dt.UTC).isoformat()
        url = f"{confirm_url}?{urlencode({**params, 'start': value})}" if confirm_url else ""
        views.append(SlotView(slot.start.astimezone(zone), slot.end.astimezone(zone), slot.remaining, value, url))
    return SlotPicker(days=days, day=wanted_day, slots=views)


@dataclass(frozen=True)
class StoreOption:
    store: Store
    capacity: int
    distance_km: float | None


def _stores_offering(*, tenant: Tenant, service: Service) -> QuerySet[StoreService]:
    """The offerings of `service` at the brand's open stores that take bookings, by store code."""
    return (
        StoreService.objects.filter(tenant=tenant, service=service, store__is_active=True, store__offers_services=True)
        .select_related("store")
        .order_by("store__code", "pk")
    )


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
        offering = _stores_offering(tenant=tenant, service=service).filter(store_id=store_id).first()
    if offering is None:
        raise Http404(_("This store does not offer this service."))
    return offering


def _membership(request: PortalRequest) -> Member | None:
    """The signed-in consumer's membership of the brand, or None (a guest, or not a member yet)."""
    if not request.user.is_authenticated:
        return None
    try:
        return get_own_membership(tenant=request.tenant, user=request.user)
    except NotFound:
        return None


def _remember(request: PortalRequest, booking: Booking) -> None:
    """Let this browser open the booking's page again (a guest has no account to find it by)."""
    ids = [pk for pk in request.session.get(GUEST_BOOKINGS, []) if pk != booking.pk]
    request.session[GUEST_BOOKINGS] = [booking.pk, *ids][:MAX_REMEMBERED]


def _remembered_ids(request: PortalRequest) -> list[int]:
    return [pk for pk in request.session.get(GUEST_BOOKINGS, []) if isinstance(pk, int)]


def _own_bookings(request: PortalRequest) -> QuerySet[Booking]:
    """The bookings of the signed-in user's membership, and those this browser made, latest first.

    The selector is asked with no roles on purpose: a consumer's pages show their own bookings
    only, whatever else the person's roles let them see on the store or HQ pages.
    """
    remembered = Q(pk__in=_remembered_ids(request))
    if request.user.is_authenticated:
        own = selectors.list_bookings(tenant=request.tenant, user=request.user, roles=(), filters={})
        return (
            (own | Booking.objects.filter(remembered, tenant=request.tenant))
            .distinct()
            .select_related("store", "service")
            .order_by("-start_at", "-pk")
        )
    return (
        Booking.objects.filter(remembered, tenant=request.tenant)
        .select_related("store", "service")
        .order_by("-start_at", "-pk")
    )


def _own_booking_or_404(request: PortalRequest, booking_id: int) -> Booking:
    booking = _own_bookings(request).filter(pk=booking_id).first()
    if booking is None:
        raise Http404(_("No such booking."))
    return booking


def _qr_svg(data: str) -> SafeString:
    """The QR code of `data` as an inline SVG element (no extra request, nothing to cache)."""
    svg = make_qr(data).svg_inline(scale=6, border=2, light="#fff", omitsize=True, svgclass="qr-code")
    return mark_safe(svg)  # noqa: S308 - segno's own output, `data` is escaped by segno


def change_deadline(*, tenant: Tenant, booking: Booking) -> dt.datetime:
    """Until when a consumer may cancel or reschedule (rules.md 2.4; the service decides)."""
    return booking.start_at - dt.timedelta(minutes=tenant.cancel_cutoff_minutes)


def _booking_context(request: PortalRequest, booking: Booking, **extra: Any) -> dict[str, Any]:
    zone = zone_of(booking.store)
    deadline = change_deadline(tenant=request.tenant, booking=booking)
    return {
        "portal": "shop",
        "booking": booking,
        "start": booking.start_at.astimezone(zone),
        "end": booking.end_at.astimezone(zone),
        "deadline": deadline.astimezone(zone),
        "can_change": booking.status == BookingStatus.BOOKED and timezone.now() <= deadline,
        "qr": _qr_svg(booking.check_in_code) if booking.status == BookingStatus.BOOKED else None,
        **extra,
    }


# --- consumers: booking a visit -----------------------------------------------------------------


@portal_page(PUBLIC)
def book_service(request: PortalRequest) -> HttpResponse:
    """Step 1: the brand's active services, each offered at one store at least."""
    offered = set(
        StoreService.objects.filter(
            tenant=request.tenant, store__is_active=True, store__offers_services=True
        ).values_list("service_id", flat=True)
    )
    services_ = [s for s in list_services(tenant=request.tenant, filters={}, include_inactive=False) if s.pk in offered]
    return render(request, "shop/bookings/service.html", {"portal": "shop", "services": services_})


@portal_page(PUBLIC)
def book_store(request: PortalRequest) -> HttpResponse:
    """Step 2: the stores offering the service, nearest first by the browser's position (with the
    distance), or those of a city. An htmx request gets the results only."""
    tenant = request.tenant
    service = _service_or_404(tenant=tenant, service_id=_int(request.GET.get("service")))
    offerings = list(_stores_offering(tenant=tenant, service=service))
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
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@portal_page(PUBLIC)
def book_slots(request: PortalRequest) -> HttpResponse:
    """Step 3: a day among the next two weeks (with how many slots have room), and that day's slots
    with the places left; a full slot cannot be picked. An htmx request gets the picker only."""
    tenant = request.tenant
    service = _service_or_404(tenant=tenant, service_id=_int(request.GET.get("service")))
    offering = _offering_or_404(tenant=tenant, service=service, store_id=_int(request.GET.get("store")))
    store = offering.store
    params = {"service": service.pk, "store": store.pk}
    picker = _slot_picker(
        tenant=tenant,
        store=store,
        service=service,
        wanted_day=_parse_day(request.GET.get("day")),
        base_url=reverse("book-slots"),
        params=params,
        confirm_url=reverse("book-confirm"),
        now=timezone.now(),
    )
    context = {"portal": "shop", "service": service, "store": store, "picker": picker, "mode": "link"}
    template = "shop/bookings/_slot_picker.html" if request.htmx else "shop/bookings/slots.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
        visitor_id=request.COOKIES.get(VISITOR_COOKIE, "")[:64],
        created_by=request.user if request.user.is_authenticated else None,
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
        user = request.user if request.user.is_authenticated else None
        form = ContactForm(
            initial={
                "name": (member.name if member else "") or (getattr(user, "name", "") or ""),
                "phone": str(member.phone) if member else (getattr(user, "phone", "") or ""),
                "start": start.astimezone(dt.UTC).isoformat(),
                "token": secrets.token_urlsafe(16),
            }
        )
    zone = zone_of(store)
    local_start = start.astimezone(zone)
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


# --- consumers: their bookings ------------------------------------------------------------------


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
            picker = _slot_picker(
                tenant=tenant,
                store=booking.store,
                service=booking.service,
                wanted_day=_parse_day(request.GET.get("day"))
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
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


booking_reschedule.resource_model = Booking  # type: ignore[attr-defined]


def _user(request: PortalRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


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
            tenant=request.tenant,
            store=store,
            member=_membership(request),
            visitor_id=request.COOKIES.get(VISITOR_COOKIE, "")[:64],
        )
    except AppError:
        pass  # a closed store: nothing to record, its page says it is closed
    else:
        messages.success(request, _("Welcome to %(store)s!") % {"store": store.name})
    response = redirect("shop-store-detail", store_id=store.pk)
    response["Cache-Control"] = "no-store"  # every scan must reach the server
    return response


store_walk_in.resource_model = Store  # type: ignore[attr-defined]


# --- the store: today ---------------------------------------------------------------------------


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
    booked = booking.status == BookingStatus.BOOKED
    opens = booking.start_at - dt.timedelta(minutes=tenant.check_in_early_minutes)
    closes = services.end_of_local_day(moment=booking.start_at, timezone_name=booking.store.timezone)
    no_show_from = booking.end_at + dt.timedelta(minutes=tenant.no_show_grace_minutes)
    return StoreRow(
        booking=booking,
        start=booking.start_at.astimezone(zone),
        end=booking.end_at.astimezone(zone),
        can_check_in=booking.status in services.CHECK_IN_FROM and opens <= now < closes,
        can_mark_no_show=booked and now >= no_show_from,
        error=error,
        done=done,
    )


def _by_hour(rows: Iterable[StoreRow]) -> list[HourGroup]:
    groups: dict[dt.datetime, HourGroup] = {}
    for row in rows:
        hour = row.start.replace(minute=0, second=0, microsecond=0)
        groups.setdefault(hour, HourGroup(hour)).rows.append(row)
    return list(groups.values())


def _walk_ins(*, tenant: Tenant, store: Store, day: dt.date) -> QuerySet[StoreVisit]:
    """The walk-in visits of `store` on `day` (its own calendar), in time order, with the member."""
    return (
        StoreVisit.objects.filter(
            on_days("visited_at", zone_of(store), day, day), tenant=tenant, store=store, source=VisitSource.WALK_IN
        )
        .select_related("member")
        .order_by("visited_at", "pk")
    )


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
    day = _parse_day(request.GET.get("date")) or today
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
            (v, v.visited_at.astimezone(zone_of(store))) for v in _walk_ins(tenant=tenant, store=store, day=day)
        ],
        "code_form": code_form,
        "counts": {
            "booked": sum(1 for r in rows if r.booking.status == BookingStatus.BOOKED),
            "shown": sum(1 for r in rows if r.booking.status in SHOWN),
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


# --- HQ -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    """Show-ups over a period: `shown` = checked in or completed; the rate is shown / (shown + no-shows)."""

    key: int
    label: str
    shown: int
    no_shows: int

    @property
    def rate(self) -> Decimal | None:
        """The show-up rate as a percentage with one decimal (half up), None without a show-up or no-show."""
        total = self.shown + self.no_shows
        if not total:
            return None
        return (Decimal(self.shown * 100) / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ShowUpRates:
    by_store: list[RateRow]
    by_service: list[RateRow]
    total: RateRow


def show_up_rates(*, tenant: Tenant, bookings: QuerySet[Booking]) -> ShowUpRates:
    """The show-up rate per store and per service of `bookings` (a filtered queryset), in ONE
    aggregate query grouped by (store, service), rolled up here. Bookings neither shown nor
    no-show (booked, cancelled) do not count."""
    grouped = (
        bookings.filter(tenant=tenant, status__in=(*SHOWN, BookingStatus.NO_SHOW))
        .order_by()
        .values("store_id", "store__code", "store__name", "service_id", "service__name")
        .annotate(
            shown=Count("pk", filter=Q(status__in=SHOWN)),
            no_shows=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
        )
    )
    stores: dict[int, list[Any]] = {}
    services_: dict[int, list[Any]] = {}
    for row in grouped:
        store = stores.setdefault(row["store_id"], [f"{row['store__code']} {row['store__name']}", 0, 0])
        service = services_.setdefault(row["service_id"], [row["service__name"], 0, 0])
        for target in (store, service):
            target[1] += row["shown"]
            target[2] += row["no_shows"]

    def rows(table: dict[int, list[Any]]) -> list[RateRow]:
        return sorted((RateRow(key, *values) for key, values in table.items()), key=lambda r: (r.label, r.key))

    by_store = rows(stores)
    return ShowUpRates(
        by_store=by_store,
        by_service=rows(services_),
        total=RateRow(0, _("All"), sum(r.shown for r in by_store), sum(r.no_shows for r in by_store)),
    )


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
    today = timezone.now().astimezone(ZoneInfo(tenant.timezone)).date()
    defaults = {
        "date_from": (today - dt.timedelta(days=HQ_DEFAULT_PAST_DAYS)).isoformat(),
        "date_to": (today + dt.timedelta(days=HQ_DEFAULT_NEXT_DAYS)).isoformat(),
    }
    data = {**defaults, **{key: value for key, value in request.GET.items() if value}}
    stores, services_ = _hq_choices(tenant)
    form = HqBookingFilterForm(data, stores=stores, services=services_)
    errors: list[str] = []
    bookings = Booking.objects.none()
    rates = ShowUpRates([], [], RateRow(0, _("All"), 0, 0))
    if form.is_valid():
        filters = {key: form.cleaned_data[key] for key in ("store", "service") if form.cleaned_data[key]}
        try:
            base = selectors.list_bookings(tenant=tenant, user=request.user, roles=request.roles.names, filters=filters)
        except ValidationError as error:
            errors = [f"{key}: {' '.join(problems)}" for key, problems in error.message_dict.items()]
        else:
            zone = ZoneInfo(tenant.timezone)
            in_range = base.filter(
                on_days("start_at", zone, form.cleaned_data["date_from"], form.cleaned_data["date_to"])
            )
            rates = show_up_rates(tenant=tenant, bookings=in_range)
            status = form.cleaned_data["status"]
            bookings = in_range.filter(status=status) if status else in_range
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
