"""Reads of the bookings app: who sees which bookings, the stores one may book at, the day's
walk-ins, and HQ's show-up rates.

Visibility: HQ (admin or staff) sees every booking of the brand; a store manager or a guide sees
their store's; anyone signed in sees their own (their membership's). Anything else, a foreign
booking included, is NotFound, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from bookings.choices import SHOWN_STATUSES, BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from catalog.models import Service
from catalog.selectors import list_services
from members.models import Member
from o2o.choices import STORE_ROLES
from o2o.days import on_days
from o2o.errors import NotFound
from o2o.fields import MAX_ID, IdFilter
from o2o.models import Tenant, User
from o2o.tenancy.selectors import roles_of
from stores.access import is_hq, staff_post
from stores.models import Store, StoreService
from stores.selectors import get_active_store


def acts_for_store(
    *, tenant: Tenant, user: User | AnonymousUser | None, store_id: int, roles: Iterable[str] | None = None
) -> bool:
    """Whether `user` works for the store: HQ (any store), or its manager or guide (an active post).

    `roles` are the user's roles in `tenant` when the caller has them already (else one query).
    """
    if not isinstance(user, User):  # nobody, or signed out
        return False
    held = set(roles) if roles is not None else set(roles_of(tenant=tenant, user=user))
    if is_hq(held):
        return True
    if not held & STORE_ROLES:
        return False
    post = staff_post(tenant=tenant, user=user)
    return post is not None and post.store_id == store_id


def _visible(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str]) -> Q | None:
    """The condition on the bookings `user` may see; None for every booking of the brand (HQ)."""
    held = set(roles)
    if is_hq(held):
        return None
    if not isinstance(user, User):
        return Q(pk__in=[])
    condition = Q(member__user_id=user.pk)
    if held & STORE_ROLES:
        post = staff_post(tenant=tenant, user=user)
        if post is not None:
            condition |= Q(store_id=post.store_id)
    return condition


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


def list_bookings(
    *, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str], filters: Mapping[str, Any]
) -> QuerySet[Booking]:
    """The bookings `user` may see matching `filters`, latest start first, with store and service.

    Raises ValidationError (400) naming a bad filter.
    """
    queryset = Booking.objects.filter(tenant=tenant)
    visible = _visible(tenant=tenant, user=user, roles=roles)
    if visible is not None:
        queryset = queryset.filter(visible)
    data = {key: value for key, value in filters.items() if value not in (None, "")}
    filterset = BookingFilter(data, queryset=queryset, zone=_calendar_zone(tenant=tenant, filters=data))
    if not filterset.is_valid():
        raise ValidationError({field: [str(m) for m in messages] for field, messages in filterset.errors.items()})
    return filterset.qs.select_related("store", "service").order_by("-start_at", "-pk")


def get_booking(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str], booking_id: int) -> Booking:
    """One booking `user` may see, with store and service; NotFound for any other (foreign alike)."""
    queryset = Booking.objects.filter(tenant=tenant, pk=booking_id)
    visible = _visible(tenant=tenant, user=user, roles=roles)
    if visible is not None:
        queryset = queryset.filter(visible)
    booking = queryset.select_related("store", "service").first()
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def get_booking_for_check_in(
    *, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str], booking_id: int, code: str
) -> Booking:
    """The booking to check in: one `user` may see, or the one `code` belongs to (anyone holding the
    code, signed in or not). NotFound otherwise, so a wrong code tells nothing about the id."""
    booking = Booking.objects.filter(tenant=tenant, pk=booking_id).select_related("store", "service").first()
    if booking is not None:
        if code and constant_time_compare(code.strip().upper(), booking.check_in_code):
            return booking
        visible = _visible(tenant=tenant, user=user, roles=roles)
        if visible is None or Booking.objects.filter(visible, tenant=tenant, pk=booking_id).exists():
            return booking
    raise NotFound(_("No such booking."))


def get_booking_by_code(*, tenant: Tenant, code: str) -> Booking:
    """The booking holding check-in `code` (case-insensitive); NotFound when none."""
    booking = (
        Booking.objects.filter(tenant=tenant, check_in_code=code.strip().upper())
        .select_related("store", "service")
        .first()
    )
    if booking is None:
        raise NotFound(_("No booking has this check-in code."))
    return booking


def own_membership(*, tenant: Tenant, user: User | AnonymousUser) -> Member | None:
    """The membership of the signed-in `user` in the brand; None for a guest or a user without one."""
    if not isinstance(user, User):
        return None
    return Member.objects.filter(tenant=tenant, user=user).first()


def get_bookable_store(*, tenant: Tenant, store_id: int) -> Store:
    """An active store of the brand (no related rows loaded); NotFound for a missing, closed or
    foreign one."""
    store = get_active_store(tenant=tenant, store_id=store_id)
    if store is None:
        raise NotFound(_("No such store."))
    return store


def list_bookings_between(
    *,
    tenant: Tenant,
    user: User | AnonymousUser,
    roles: Iterable[str],
    filters: Mapping[str, Any],
    first_day: dt.date,
    last_day: dt.date,
) -> QuerySet[Booking]:
    """`list_bookings` starting on the days `first_day` to `last_day` (both included) of the
    brand's calendar. Raises ValidationError (400) naming a bad filter."""
    bookings = list_bookings(tenant=tenant, user=user, roles=roles, filters=filters)
    return bookings.filter(on_days("start_at", ZoneInfo(tenant.timezone), first_day, last_day))


def list_own_bookings(
    *, tenant: Tenant, user: User | AnonymousUser, remembered_ids: Iterable[int]
) -> QuerySet[Booking]:
    """The bookings of the signed-in `user`'s membership, and those of `remembered_ids` (the ones
    this browser made), latest first, with store and service.

    `list_bookings` is asked with no roles on purpose: a consumer's pages show their own bookings
    only, whatever else the person's roles let them see on the store or HQ pages.
    """
    remembered = Booking.objects.filter(tenant=tenant, pk__in=list(remembered_ids))
    if isinstance(user, User):
        own = list_bookings(tenant=tenant, user=user, roles=(), filters={})
        return (own | remembered).distinct().select_related("store", "service").order_by("-start_at", "-pk")
    return remembered.select_related("store", "service").order_by("-start_at", "-pk")


def bookable_offerings(*, tenant: Tenant) -> QuerySet[StoreService]:
    """The brand's offerings one may book: an active service at an open store with the `services`
    capability."""
    return StoreService.objects.filter(
        tenant=tenant, store__is_active=True, store__offers_services=True, service__is_active=True
    )


def list_offerings(*, tenant: Tenant, service: Service) -> QuerySet[StoreService]:
    """The bookable offerings of `service`, by store code, with the store."""
    return (
        bookable_offerings(tenant=tenant).filter(service=service).select_related("store").order_by("store__code", "pk")
    )


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
