"""Reads of orders, with who may see which (`orders.policies.order_scope`), and the checkout's
store picker.

HQ (admin or staff) sees every order of the brand; a store manager or guide sees the orders
routed to their store now (an order that moved on after a rejection is no longer theirs); a
consumer sees their own. A person with several roles sees the union. A `get_*` raises NotFound
for a missing order, another brand's and one the caller may not see alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Service
from catalog.selectors import skus_on_sale
from o2o.days import on_days
from o2o.errors import InvalidInput, NotFound
from o2o.fields import IdFilter
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from orders.choices import OPEN_STATUSES, Channel, Fulfilment, OrderStatus
from orders.models import Order, OrderEvent, OrderLine
from orders.policies import order_scope, sees_customer_details, sees_routing_record
from orders.pricing import cart_total
from orders.routing import Detail, Location, choose_store, store_entry_only
from orders.services.common import unavailable_for_service
from stores.models import Store

PICKER_SIZE = 8  # stores shown in the checkout's store picker, nearest first
UNROUTABLE_SHOWN = 5  # the latest unroutable orders on the HQ dashboard


def _visible(*, tenant: Tenant, actor: Actor) -> QuerySet[Order]:
    orders = Order.objects.filter(tenant=tenant)
    scope = order_scope(actor)
    return orders if scope is None else orders.filter(scope)


def _with_lines(orders: QuerySet[Order], *, tenant: Tenant) -> QuerySet[Order]:
    """The orders with their lines and SKUs (`line_list`), in one more query for any number."""
    lines = OrderLine.objects.filter(tenant=tenant).select_related("sku").order_by("pk")
    return orders.prefetch_related(Prefetch("lines", queryset=lines, to_attr="line_list"))


def _with_details(orders: QuerySet[Order], *, tenant: Tenant) -> QuerySet[Order]:
    """Everything the order output and the order pages show (store, customer, visit, lines), in
    two queries for any number of orders."""
    return _with_lines(orders.select_related("store", "member", "booking"), tenant=tenant)


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


def list_orders(*, tenant: Tenant, actor: Actor, filters: Mapping[str, Any], details: bool = True) -> QuerySet[Order]:
    """The orders of `tenant` that `actor` may see, newest first, with their store, customer, visit
    and lines (no N+1 when serialized); with their store only when not `details` (a list of rows).
    Raises ValidationError (400) for a bad filter."""
    filterset = OrderFilter(filters, queryset=_visible(tenant=tenant, actor=actor), tenant=tenant)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    orders = _with_details(filterset.qs, tenant=tenant) if details else filterset.qs.select_related("store")
    return orders.order_by("-created_at", "-pk")


def list_unroutable_orders(*, tenant: Tenant, actor: Actor) -> QuerySet[Order]:
    """The unroutable orders `actor` may see (HQ's queue), newest first, with their lines only
    (they have no store and no visit any more)."""
    orders = _visible(tenant=tenant, actor=actor).filter(status=OrderStatus.UNROUTABLE)
    return _with_lines(orders, tenant=tenant).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class DayOrders:
    """The brand's orders placed on a day: how many, their revenue (the totals of those not
    cancelled) and how many are in each status now."""

    day: dt.date
    count: int
    revenue: Decimal
    by_status: list[StatusCount]


def orders_of_day(*, tenant: Tenant, day: dt.date) -> DayOrders:
    """The brand's orders placed on `day` (its time zone), B2C marketplace orders left out. One
    query, by the (tenant, status, created_at) index."""
    zone = ZoneInfo(tenant.timezone)
    rows = (
        Order.objects.filter(on_days("created_at", zone, day, day), tenant=tenant, status__in=OrderStatus.values)
        .exclude(channel=Channel.B2C)
        .values("status")
        .annotate(count=Count("pk"), amount=Sum("total_amount"))
        .order_by()
    )
    found = {row["status"]: row for row in rows}
    by_status = [
        StatusCount(status=status.value, label=str(status.label), count=found[status]["count"])
        for status in OrderStatus
        if status in found
    ]
    revenue = sum((row["amount"] for status, row in found.items() if status != OrderStatus.CANCELLED), Decimal("0.00"))
    return DayOrders(day=day, count=sum(row.count for row in by_status), revenue=revenue, by_status=by_status)


@dataclass(frozen=True)
class Unroutable:
    """The brand's unroutable queue: how many, and the latest few (number, total, when)."""

    count: int
    latest: list[Order]


def unroutable_summary(*, tenant: Tenant, latest: int = UNROUTABLE_SHOWN) -> Unroutable:
    """How many of the brand's orders are unroutable and the `latest` of them: two queries."""
    orders = Order.objects.filter(tenant=tenant, status=OrderStatus.UNROUTABLE)
    shown = list(orders.only("pk", "number", "total_amount", "created_at").order_by("-created_at", "-pk")[:latest])
    return Unroutable(count=orders.count(), latest=shown)


@dataclass(frozen=True)
class Shown:
    """What a reader may read of an order beyond its row (`as_seen_by`)."""

    routing: Mapping[str, Any]
    delivery: Mapping[str, str] | None
    pickup_code: str | None


def as_seen_by(actor: Actor, orders: Iterable[Order], *, placed_by_reader: bool = False) -> list[Order]:
    """The orders (that `actor` may see), each with `shown`, what the actor may read of it
    (`orders.policies`): the whole routing record for HQ, else the rule and the chosen store's
    entry; a delivery order's recipient, phone and address and a pick-up order's code for HQ, the
    order's store and its customer, else None. `placed_by_reader`: the answer to the checkout that
    placed them, whose caller reads what they gave, signed in or not."""
    full_record = sees_routing_record(actor)
    seen = list(orders)
    for order in seen:
        record = order.routing or {}
        details = placed_by_reader or sees_customer_details(actor, order)
        delivery = {"recipient": order.recipient, "phone": order.recipient_phone, "address": order.address}
        order.shown = Shown(  # type: ignore[attr-defined]
            routing=record if full_record else store_entry_only(record),
            delivery=delivery if details and order.fulfilment == Fulfilment.DELIVERY else None,
            pickup_code=order.pickup_code if details and order.pickup_code else None,
        )
    return seen


def get_order(*, tenant: Tenant, actor: Actor, order_id: int, details: bool = True) -> Order:
    """One order `actor` may see, with its details (its row alone when not `details`: an action
    locks and reads it again); NotFound for a missing, foreign or hidden one."""
    orders = _visible(tenant=tenant, actor=actor)
    order = (_with_details(orders, tenant=tenant) if details else orders).filter(pk=order_id).first()
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


def list_order_lines(*, tenant: Tenant, order: Order) -> list[OrderLine]:
    """The lines of `order` with their SKUs, in order (one query)."""
    return list(OrderLine.objects.filter(tenant=tenant, order=order).select_related("sku").order_by("pk"))


def list_order_events(*, tenant: Tenant, order: Order) -> QuerySet[OrderEvent]:
    """The audit trail of `order`, oldest first."""
    return OrderEvent.objects.filter(tenant=tenant, order=order).select_related("by", "store").order_by("at", "pk")


def list_store_queue(*, tenant: Tenant, actor: Actor, store_id: int) -> list[Order]:
    """The open orders (routed, accepted, ready) of the store that `actor` may see, with their
    details, oldest first: the store's queue."""
    orders = _with_details(_visible(tenant=tenant, actor=actor), tenant=tenant)
    return list(orders.filter(store_id=store_id, status__in=OPEN_STATUSES).order_by("created_at", "pk"))


def stores_by_id(*, tenant: Tenant, ids: Collection[int]) -> dict[int, Store]:
    """The brand's stores of `ids` (active or not), by id, in one query."""
    return {store.pk: store for store in Store.objects.filter(tenant=tenant, pk__in=list(ids))}


def list_order_stores(*, tenant: Tenant, active_only: bool = False) -> list[Store]:
    """The brand's stores by code (the active ones only: where HQ may send an order by hand)."""
    stores = Store.objects.filter(tenant=tenant)
    if active_only:
        stores = stores.filter(is_active=True)
    return list(stores.order_by("code", "pk"))


# --- the checkout's store picker --------------------------------------------------------------


@dataclass(frozen=True)
class Cart:
    """What the store picker is asked about: a cart, how it reaches the consumer, from where."""

    fulfilment: str
    quantities: Mapping[int, int]  # sku id -> quantity, at least one
    sku_codes: Mapping[int, str]
    location: Location
    chosen_store_id: int | None = None
    service: Service | None = None  # the visit of a try-in-store order
    visit_date: dt.date | None = None


@dataclass(frozen=True)
class PickerRow:
    """A store as the checkout's picker shows it."""

    store: Store
    distance_km: float | None
    can_serve: bool
    why: str  # why it cannot serve this cart ("" when it can)
    total: Decimal | None  # the cart at the store's prices
    recommended: bool


@dataclass(frozen=True)
class SlotChoice:
    value: str  # the start, ISO 8601 with its offset
    label: str  # the start on the store's clock
    remaining: int


@dataclass
class Picker:
    rows: list[PickerRow] = field(default_factory=list)
    recommended: PickerRow | None = None
    rule: str = ""  # the routing rule that recommends (`RoutingRule`), "" for none
    prompt: str = ""  # what the consumer must give first (items, a location)
    slot_store: Store | None = None
    slots: list[SlotChoice] = field(default_factory=list)
    slot_problem: str = ""


def _slots(*, tenant: Tenant, cart: Cart, store: Store) -> tuple[list[SlotChoice], str]:
    """The bookable times of the cart's service at `store` on its day, or why there are none."""
    from bookings.slots import list_slots  # the bookings app (a lower layer) computes slots

    if cart.service is None or cart.visit_date is None:
        return [], _("Choose a service and a day to see the visit times.")
    try:
        slots = list_slots(tenant=tenant, store=store, service=cart.service, day=cart.visit_date, now=timezone.now())
    except InvalidInput as refusal:  # the store does not offer the service: the row says why
        return [], refusal.detail
    zone = ZoneInfo(store.timezone)
    choices = [
        SlotChoice(slot.start.isoformat(), slot.start.astimezone(zone).strftime("%H:%M"), slot.remaining)
        for slot in slots
    ]
    if not choices:
        return [], _("No visit times left that day at %(store)s.") % {"store": store.name}
    return choices, ""


def store_picker(*, tenant: Tenant, cart: Cart) -> Picker:
    """The stores that could serve `cart`, nearest first (the first `PICKER_SIZE`, and the chosen
    and the recommended ones), each with the cart's total at its prices, and the store routing
    would pick; for a try-in-store cart, the visit times at the chosen (else the recommended) store.

    Uses the routing rule itself (rules.md 1.1-1.3), so that what the picker recommends is where
    the order goes when the consumer leaves the choice to us, and the price book checkout prices
    an order with (rules.md 1.7). Queries: routing's, one for the stores shown, two for the prices
    (whatever the number of regions), and the slots' when asked.
    """
    unavailable: dict[int, tuple[str, Detail]] = {}
    if cart.fulfilment == Fulfilment.EXPERIENCE and cart.service is not None:
        unavailable = unavailable_for_service(tenant=tenant, service_id=cart.service.pk, service_name=cart.service.name)
    decision = choose_store(
        tenant=tenant,
        fulfilment=cart.fulfilment,
        quantities=cart.quantities,
        sku_codes=cart.sku_codes,
        location=cart.location,
        unavailable=unavailable,
    )
    wanted = {cart.chosen_store_id, decision.store_id}
    first = decision.considered[:PICKER_SIZE] + [c for c in decision.considered[PICKER_SIZE:] if c.store in wanted]
    stores = {
        store.pk: store
        for store in Store.objects.filter(tenant=tenant, is_active=True, pk__in=[c.store for c in first])
    }
    _skus, prices = skus_on_sale(tenant=tenant, sku_ids=list(cart.quantities))
    rows = [
        PickerRow(
            store=stores[considered.store],
            distance_km=considered.distance_km,
            can_serve=considered.excluded is None,
            why=considered.why(),
            total=cart_total(prices=prices, quantities=cart.quantities, region=stores[considered.store].region),
            recommended=considered.store == decision.store_id,
        )
        for considered in first
        if considered.store in stores
    ]
    picker = Picker(rows=rows, recommended=next((row for row in rows if row.recommended), None))
    picker.rule = decision.rule if decision.store_id else ""
    if cart.fulfilment == Fulfilment.EXPERIENCE:
        slot_store = stores.get(cart.chosen_store_id) if cart.chosen_store_id else None
        slot_store = slot_store or (picker.recommended.store if picker.recommended else None)
        if slot_store is not None:
            picker.slot_store = slot_store
            picker.slots, picker.slot_problem = _slots(tenant=tenant, cart=cart, store=slot_store)
    return picker
