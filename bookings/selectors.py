"""Reads of the bookings app: who sees which bookings (`bookings.policies.booking_scope`), the
stores one may book at, the day's walk-ins, and HQ's show-up rates.

Visibility: HQ (admin or staff) sees every booking of the brand; a store manager or a guide sees
their store's; anyone signed in sees their own (their membership's). Anything else, a foreign
booking included, is NotFound, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from bookings.choices import SHOWN_STATUSES, BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from bookings.policies import as_consumer, booking_scope, can_see_booking
from bookings.rules import is_check_in_code
from catalog.models import Service
from catalog.selectors import get_service, list_services
from members.models import Member
from o2o.days import on_days
from o2o.errors import NotFound
from o2o.fields import MAX_ID, IdFilter
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from stores.geo import haversine_km
from stores.models import Store, StoreService
from stores.policies import visible_store_ids
from stores.selectors import get_active_store


def _visible(*, tenant: Tenant, actor: Actor) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(tenant=tenant)
    scope = booking_scope(actor)
    return bookings if scope is None else bookings.filter(scope)


class BookingFilter(django_filters.FilterSet):
    """`store`, `service` (ids), `status`, `date` (the day of the start, YYYY-MM-DD).

    `date` is a day on the calendar of the store named by `store` when given, else of the brand's
    time zone.
    """

    store = IdFilter(field_name="store_id")
    service = IdFilter(field_name="service_id")
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices)
    date = django_filters.DateFilter(method="filter_date")

    class Meta:
        model = Booking
        fields: list[str] = []

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def filter_date(self, queryset: QuerySet[Booking], name: str, value: dt.date) -> QuerySet[Booking]:
        return queryset.filter(on_days("start_at", self.zone, value, value))


def _calendar_zone(*, tenant: Tenant, filters: Mapping[str, Any]) -> ZoneInfo:
    store_id = str(filters.get("store") or "")
    if filters.get("date") and store_id.isascii() and store_id.isdigit() and int(store_id) <= MAX_ID:
        timezone = Store.objects.filter(tenant=tenant, pk=int(store_id)).values_list("timezone", flat=True).first()
        if timezone:
            return ZoneInfo(timezone)
    return ZoneInfo(tenant.timezone)


def list_bookings(*, tenant: Tenant, actor: Actor, filters: Mapping[str, Any]) -> QuerySet[Booking]:
    """The bookings `actor` may see matching `filters`, latest start first, with store and service.

    Raises ValidationError (400) naming a bad filter.
    """
    data = {key: value for key, value in filters.items() if value not in (None, "")}
    queryset = _visible(tenant=tenant, actor=actor)
    filterset = BookingFilter(data, queryset=queryset, zone=_calendar_zone(tenant=tenant, filters=data))
    if not filterset.is_valid():
        raise ValidationError({field: [str(m) for m in messages] for field, messages in filterset.errors.items()})
    return filterset.qs.select_related("store", "service").order_by("-start_at", "-pk")


def _one(bookings: QuerySet[Booking], booking_id: int) -> Booking:
    booking = bookings.filter(pk=booking_id).select_related("store", "service").first()
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def get_booking(*, tenant: Tenant, actor: Actor, booking_id: int) -> Booking:
    """One booking `actor` may see, with store and service; NotFound for any other (foreign alike)."""
    return _one(_visible(tenant=tenant, actor=actor), booking_id)


def get_store_booking(*, tenant: Tenant, actor: Actor, booking_id: int) -> Booking:
    """One booking of a store the actor works for (any store for HQ), with store and service, for
    the store's and HQ's pages; NotFound for any other (their own booking elsewhere included)."""
    bookings = Booking.objects.filter(tenant=tenant)
    store_ids = visible_store_ids(actor)
    if store_ids is not None:
        bookings = bookings.filter(store_id__in=store_ids)
    return _one(bookings, booking_id)


def get_booking_for_check_in(*, tenant: Tenant, actor: Actor, booking_id: int, code: str) -> Booking:
    """The booking to check in: one `actor` may see, or the one `code` belongs to (anyone holding the
    code, signed in or not). NotFound otherwise, so a wrong code tells nothing about the id."""
    booking = Booking.objects.filter(tenant=tenant, pk=booking_id).select_related("store", "service").first()
    if booking is not None and (is_check_in_code(booking=booking, code=code) or can_see_booking(actor, booking)):
        return booking
    raise NotFound(_("No such booking."))


def get_booking_by_code(*, tenant: Tenant, code: str, store_id: int | None = None) -> Booking:
    """The booking holding check-in `code` (case-insensitive), with store and service; NotFound when
    none, or (`store_id` given: a store's counter) when it is a booking at another store."""
    booking = (
        Booking.objects.filter(tenant=tenant, check_in_code=code.strip().upper())
        .select_related("store", "service")
        .first()
    )
    if booking is None:
        raise NotFound(_("No booking has this check-in code."))
    if store_id is not None and booking.store_id != store_id:
        raise NotFound(_("This code is of a booking at another store."))
    return booking


def own_membership(actor: Actor) -> Member | None:
    """The membership of the signed-in actor in the brand (loaded once per request); None for a
    guest or a user without one."""
    return cast(Member | None, actor.membership)


def get_bookable_store(*, tenant: Tenant, store_id: int) -> Store:
    """An active store of the brand (no related rows loaded); NotFound for a missing, closed or
    foreign one."""
    store = get_active_store(tenant=tenant, store_id=store_id)
    if store is None:
        raise NotFound(_("No such store."))
    return store


def list_bookings_between(
    *, tenant: Tenant, actor: Actor, filters: Mapping[str, Any], first_day: dt.date, last_day: dt.date
) -> QuerySet[Booking]:
    """`list_bookings` starting on the days `first_day` to `last_day` (both included) of the
    brand's calendar. Raises ValidationError (400) naming a bad filter."""
    bookings = list_bookings(tenant=tenant, actor=actor, filters=filters)
    return bookings.filter(on_days("start_at", ZoneInfo(tenant.timezone), first_day, last_day))


def list_own_bookings(*, tenant: Tenant, actor: Actor, remembered_ids: Iterable[int]) -> QuerySet[Booking]:
    """The bookings of the actor's own membership, and those of `remembered_ids` (the ones this
    browser made), latest first, with store and service.

    Asked as a consumer on purpose (`policies.as_consumer`): the shop's pages show one's own
    bookings only, whatever else the person's roles let them see on the store or HQ pages.
    """
    own = booking_scope(as_consumer(actor)) or Q(pk__in=[])
    remembered = Q(pk__in=[pk for pk in remembered_ids if isinstance(pk, int)])
    return (
        Booking.objects.filter(tenant=tenant)
        .filter(own | remembered)
        .select_related("store", "service")
        .order_by("-start_at", "-pk")
    )


def get_own_booking(*, tenant: Tenant, actor: Actor, booking_id: int, remembered_ids: Iterable[int]) -> Booking:
    """One of `list_own_bookings`, with store and service; NotFound for any other."""
    return _one(list_own_bookings(tenant=tenant, actor=actor, remembered_ids=remembered_ids), booking_id)


def bookable_offerings(*, tenant: Tenant) -> QuerySet[StoreService]:
    """The brand's offerings one may book: an active service at an open store with the `services`
    capability."""
    return StoreService.objects.filter(
        tenant=tenant, store__is_active=True, store__offers_services=True, service__is_active=True
    )


def get_bookable_service(*, tenant: Tenant, service_id: int | None) -> Service:
    """An active service of the brand (`service_id` None: missing or malformed); NotFound else."""
    if service_id is None:
        raise NotFound(_("No such service."))
    return get_service(tenant=tenant, service_id=service_id, include_inactive=False)


def list_offerings(*, tenant: Tenant, service: Service) -> QuerySet[StoreService]:
    """The bookable offerings of `service`, by store code, with the store."""
    return (
        bookable_offerings(tenant=tenant).filter(service=service).select_related("store").order_by("store__code", "pk")
    )


@dataclass(frozen=True)
class StoreOption:
    """A store offering a service, as the booking steps list it."""

    store: Store
    capacity: int
    distance_km: float | None


def rank_offerings(
    offerings: Iterable[StoreService], *, city: str = "", lat: float | None = None, lng: float | None = None
) -> list[StoreOption]:
    """The offerings (with their store) of `city` when named, nearest first from (`lat`, `lng`)
    when given (ties by store id), else in their order."""
    chosen = [o for o in offerings if not city or o.store.city == city]
    if lat is None or lng is None:
        return [StoreOption(o.store, o.capacity, None) for o in chosen]
    ranked = sorted((haversine_km(lat, lng, o.store.lat, o.store.lng), o.store.pk, o) for o in chosen)
    return [StoreOption(o.store, o.capacity, distance) for distance, _pk, o in ranked]


def list_offered_services(*, tenant: Tenant) -> list[Service]:
    """The brand's active services (by name) with one bookable offering at least."""
    offered = set(bookable_offerings(tenant=tenant).values_list("service_id", flat=True))
    active = list_services(tenant=tenant, filters={}, include_inactive=False)
    return [service for service in active if service.pk in offered]


def list_walk_ins(*, tenant: Tenant, store: Store, day: dt.date) -> QuerySet[StoreVisit]:
    """The walk-in visits of `store` on `day` (its own calendar), in time order, with the member."""
    return (
        StoreVisit.objects.filter(
            on_days("visited_at", ZoneInfo(store.timezone), day, day),
            tenant=tenant,
            store=store,
            source=VisitSource.WALK_IN,
        )
        .select_related("member")
        .order_by("visited_at", "pk")
    )


# --- HQ's show-up rates -------------------------------------------------------------------------


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

    @classmethod
    def none(cls) -> ShowUpRates:
        """The rates of no booking at all."""
        return cls([], [], RateRow(0, _("All"), 0, 0))


def show_up_rates(*, tenant: Tenant, bookings: QuerySet[Booking]) -> ShowUpRates:
    """The show-up rate per store and per service of `bookings` (a filtered queryset), in ONE
    aggregate query grouped by (store, service), rolled up here. Bookings neither shown nor
    no-show (booked, cancelled) do not count."""
    grouped = (
        bookings.filter(tenant=tenant, status__in=(*SHOWN_STATUSES, BookingStatus.NO_SHOW))
        .order_by()
        .values("store_id", "store__code", "store__name", "service_id", "service__name")
        .annotate(
            shown=Count("pk", filter=Q(status__in=SHOWN_STATUSES)),
            no_shows=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
        )
    )
    stores: dict[int, list[Any]] = {}
    services: dict[int, list[Any]] = {}
    for row in grouped:
        store = stores.setdefault(row["store_id"], [f"{row['store__code']} {row['store__name']}", 0, 0])
        service = services.setdefault(row["service_id"], [row["service__name"], 0, 0])
        for target in (store, service):
            target[1] += row["shown"]
            target[2] += row["no_shows"]

    def rows(table: dict[int, list[Any]]) -> list[RateRow]:
        return sorted((RateRow(key, *values) for key, values in table.items()), key=lambda r: (r.label, r.key))

    by_store = rows(stores)
    return ShowUpRates(
        by_store=by_store,
        by_service=rows(services),
        total=RateRow(0, _("All"), sum(r.shown for r in by_store), sum(r.no_shows for r in by_store)),
    )
