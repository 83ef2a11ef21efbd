"""Reads of orders, with who may see which.

HQ (admin or staff) sees every order of the brand; a store manager or guide sees the orders
routed to their store now (an order that moved on after a rejection is no longer theirs); a
consumer sees their own. A person with several roles sees the union. A `get_*` raises NotFound
for a missing order, another brand's and one the caller may not see alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from o2o.choices import STORE_ROLES, Role
from o2o.days import on_days
from o2o.errors import NotFound
from o2o.fields import IdFilter
from o2o.models import Tenant, User
from orders.choices import Channel, Fulfilment, OrderStatus
from orders.models import Order, OrderEvent, OrderLine
from stores.access import is_hq, staff_post


@dataclass(frozen=True)
class OrderViewer:
    """What a caller may see of the brand's orders."""

    is_hq: bool
    store_id: int | None  # the store of their post (managers and guides)
    user_id: int | None  # set for consumers: their own orders

    def may_act_for_store(self, order: Order) -> bool:
        """HQ, or the staff of the store the order is routed to (store actions, staff cancel)."""
        return self.is_hq or (self.store_id is not None and order.store_id == self.store_id)


def order_viewer(*, tenant: Tenant, user: User, roles: Iterable[str]) -> OrderViewer:
    """The caller's view of orders (one query for store staff, none otherwise)."""
    roles = set(roles)
    if is_hq(roles):
        return OrderViewer(is_hq=True, store_id=None, user_id=None)
    store_id = None
    if roles & STORE_ROLES:
        post = staff_post(tenant=tenant, user=user)
        store_id = post.store_id if post is not None else None
    user_id = user.pk if Role.CONSUMER in roles and user.is_authenticated else None
    return OrderViewer(is_hq=False, store_id=store_id, user_id=user_id)


def _visible(*, tenant: Tenant, viewer: OrderViewer) -> QuerySet[Order]:
    orders = Order.objects.filter(tenant=tenant)
    if viewer.is_hq:
        return orders
    seen = Q(pk__in=[])
    if viewer.store_id is not None:
        seen |= Q(store_id=viewer.store_id)
    if viewer.user_id is not None:
        seen |= Q(member__user_id=viewer.user_id)
    return orders.filter(seen)


def _with_details(orders: QuerySet[Order], *, tenant: Tenant) -> QuerySet[Order]:
    """Everything the order output shows, in three queries for any number of orders."""
    lines = OrderLine.objects.filter(tenant=tenant).select_related("sku").order_by("pk")
    return orders.select_related("store", "booking").prefetch_related(
        Prefetch("lines", queryset=lines, to_attr="line_list")
    )


class OrderFilter(django_filters.FilterSet):
    """`status`, `store`, `fulfilment`, `channel`, `created_after` / `created_before` (dates in the
    brand's time zone, both inclusive), `q` (in the order number)."""

    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    store = IdFilter(field_name="store_id")
    fulfilment = django_filters.ChoiceFilter(choices=Fulfilment.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    created_after = django_filters.DateFilter(method="filter_created_after")
    created_before = django_filters.DateFilter(method="filter_created_before")
    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", max_length=32)

    class Meta:
        model = Order
        fields: list[str] = []

    def __init__(self, data: Mapping[str, Any], *, queryset: QuerySet[Order], tenant: Tenant) -> None:
        super().__init__(data, queryset=queryset)
        self.tenant = tenant

    def filter_created_after(self, queryset: QuerySet[Order], name: str, value: dt.date) -> QuerySet[Order]:
        return queryset.filter(on_days("created_at", ZoneInfo(self.tenant.timezone), first=value))

    def filter_created_before(self, queryset: QuerySet[Order], name: str, value: dt.date) -> QuerySet[Order]:
        return queryset.filter(on_days("created_at", ZoneInfo(self.tenant.timezone), last=value))


def list_orders(*, tenant: Tenant, user: User, roles: Iterable[str], filters: Mapping[str, Any]) -> QuerySet[Order]:
    """The orders of `tenant` that `user` may see, newest first, with their store, visit and lines
    (no N+1 when serialized). Raises ValidationError (400) for a bad filter."""
    viewer = order_viewer(tenant=tenant, user=user, roles=roles)
    filterset = OrderFilter(filters, queryset=_visible(tenant=tenant, viewer=viewer), tenant=tenant)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return _with_details(filterset.qs, tenant=tenant).order_by("-created_at", "-pk")


def get_order(*, tenant: Tenant, user: User, roles: Iterable[str], order_id: int) -> Order:
    """One order `user` may see, with its details; NotFound for a missing, foreign or hidden one."""
    viewer = order_viewer(tenant=tenant, user=user, roles=roles)
    order = _with_details(_visible(tenant=tenant, viewer=viewer), tenant=tenant).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def order_details(*, tenant: Tenant, order_id: int) -> Order:
    """One order of `tenant` with its details, for the answer to an action the caller was allowed
    (after a rejection the order may have left the caller's store)."""
    order = _with_details(Order.objects.filter(tenant=tenant, pk=order_id), tenant=tenant).first()
    if order is None:
        raise NotFound(_("No such order."))
    return order


def list_order_events(*, tenant: Tenant, order: Order) -> QuerySet[OrderEvent]:
    """The audit trail of `order`, oldest first."""
    return OrderEvent.objects.filter(tenant=tenant, order=order).select_related("by", "store").order_by("at", "pk")
