"""Reads of the bookings app: who sees which bookings, and the stores one may book at.

Visibility: HQ (admin or staff) sees every booking of the brand; a store manager or a guide sees
their store's; anyone signed in sees their own (their membership's). Anything else, a foreign
booking included, is NotFound, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from bookings.choices import BookingStatus
from bookings.models import Booking
from members.models import Member
from o2o.choices import STORE_ROLES
from o2o.days import on_days
from o2o.errors import NotFound
from o2o.fields import MAX_ID, IdFilter
from o2o.models import Tenant, User
from o2o.tenancy.selectors import roles_of
from stores.access import is_hq, staff_post
from stores.models import Store


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
    store = Store.objects.filter(tenant=tenant, pk=store_id, is_active=True).first()
    if store is None:
        raise NotFound(_("No such store."))
    return store
