"""Checkout: placing an order, routing it to a store and reserving its stock (rules.md 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from catalog.models import Sku
from catalog.selectors import PriceBook, skus_on_sale
from members.models import GuideBinding, Member
from members.services import join_brand, note_served
from o2o.db import first_row
from o2o.errors import InvalidInput
from o2o.events import record_event
from o2o.models import Tenant, User
from o2o.money import round_money
from orders.choices import Channel, EventReason, Exclusion, Fulfilment, GuideSource, OrderStatus
from orders.events import ORDER_PLACED
from orders.models import Order, OrderLine
from orders.pricing import price_line
from orders.routing import REACH_REQUIRED, Detail, Location, choose_store, shortage
from orders.services import stock
from orders.services.common import (
    NUMBER_ATTEMPTS,
    Customer,
    LineInput,
    SlotInput,
    check_fulfilment,
    log_order_event,
    new_number,
    new_pickup_code,
    now,
    resolve_store,
    routing_record,
    set_deadline,
    unavailable_for_service,
)
from orders.services.delivery import DeliveryInput, delivery_details
from orders.services.refusals import cannot_route
from orders.services.visits import active_service, book_slot
from stores.models import Store, StoreStaff

GUIDE_BINDING = GuideBinding._meta.db_table
STAFF = StoreStaff._meta.db_table
MAX_QUANTITY = 999


def merge_lines(lines: Sequence[LineInput]) -> dict[int, int]:
    """Quantities by SKU id, repeated SKUs merged, in the order first given. InvalidInput `lines`."""
    if not lines:
        raise InvalidInput("lines", _("Order at least one item."))
    quantities: dict[int, int] = {}
    for line in lines:
        if line.quantity < 1:
            raise InvalidInput("lines", _("A quantity is at least 1."))
        quantities[line.sku_id] = quantities.get(line.sku_id, 0) + line.quantity
        if quantities[line.sku_id] > MAX_QUANTITY:
            raise InvalidInput("lines", _("At most %(n)d of one item.") % {"n": MAX_QUANTITY})
    return quantities


def skus_for_sale(*, tenant: Tenant, sku_ids: Sequence[int]) -> tuple[dict[int, Sku], PriceBook]:
    """The SKUs of `sku_ids`, each an active SKU of an active product of the brand, with their
    prices in every region (two queries).

    InvalidInput naming `lines` for an unknown, foreign or inactive one.
    """
    skus, prices = skus_on_sale(tenant=tenant, sku_ids=sku_ids)
    missing = [str(sku_id) for sku_id in sku_ids if sku_id not in skus]
    if missing:
        raise InvalidInput("lines", _("No such SKU for sale: %(ids)s.") % {"ids": ", ".join(missing)})
    return skus, prices


@dataclass(frozen=True)
class OrderGuides:
    """The guides an order names or meets (rules.md 1.3c and 4.2).

    `store_id` is for routing: the store of the guide the member is bound to, else the named
    guide's. `guide_id` is the guide credited with the order, kept on it so that credit never
    depends on a later lookup: the guide the order names by `guide_code`, else the bound one.
    """

    store_id: int | None = None
    guide_id: int | None = None
    source: str = ""


def order_guides(*, tenant: Tenant, member: Member, guide_code: str, at: dt.datetime) -> OrderGuides:
    """The guides of an order the member places at `at` with `guide_code` (OrderGuides).

    A `guide_code`, when given, must be an active staff member's code in this brand, whether or not
    a binding wins the routing: else InvalidInput naming `guide_code` (an unknown code, another
    brand's and a former guide's look alike). Plain SQL (one query, two with a guide code): it runs
    for every order placed.
    """
    moment = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.store_id, g.id FROM {GUIDE_BINDING} b JOIN {STAFF} g ON g.id = b.guide_id "  # noqa: S608
            "WHERE b.tenant_id = %s AND b.member_id = %s AND b.bound_at <= %s AND b.bound_until > %s "
            "AND g.is_active ORDER BY b.bound_at DESC, b.id DESC LIMIT 1",
            [tenant.pk, member.pk, moment, moment],
        )
        bound = cursor.fetchone()
        if not guide_code:
            if bound is None:
                return OrderGuides()
            return OrderGuides(store_id=bound[0], guide_id=bound[1], source=GuideSource.BINDING)
        cursor.execute(
            f"SELECT store_id, id FROM {STAFF} WHERE tenant_id = %s AND code = %s AND is_active "  # noqa: S608
            "ORDER BY id LIMIT 1",
            [tenant.pk, guide_code],
        )
        named = cursor.fetchone()
    if named is None:
        raise InvalidInput("guide_code", _("No shopping guide has the code %(code)s.") % {"code": guide_code})
    store_id = bound[0] if bound is not None else named[0]
    return OrderGuides(store_id=store_id, guide_id=named[1], source=GuideSource.CODE)


# the unique indexes of the random values an order is given (PostgreSQL names the constraint,
# SQLite the columns)
DRAWN_VALUE_INDEXES = (
    "order_unique_number",
    "orders_order.number",
    "order_unique_open_pickup_code",
    "orders_order.pickup_code",
)


def _drawn_value_taken(exc: IntegrityError) -> bool:
    """The insert was refused because its random number or pick-up code was taken."""
    message = str(exc)
    return any(index in message for index in DRAWN_VALUE_INDEXES)


def _retrying_on_number(place: Callable[[], Order]) -> Order:
    """Run `place` in one savepoint; when its random order number (1 in ~10^9 per brand and day)
    or pick-up code (1 in 10^6 per open pick-up order of the brand) was taken, roll it back and
    run it again with new ones. The insert needs no savepoint of its own, so the common path pays
    for one savepoint only."""
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return place()
        except IntegrityError as exc:
            if not _drawn_value_taken(exc) or attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def place_order(
    *,
    tenant: Tenant,
    member: Member,
    lines: Sequence[LineInput],
    fulfilment: str,
    location: Location,
    chosen_store: Store | None,
    slot: SlotInput | None,
    delivery: DeliveryInput | None = None,
    guide_code: str = "",
    visitor_id: str = "",
    channel: str = Channel.O2O,
    by: User | None = None,
    full_routing_record: bool = False,
) -> Order:
    """Place an order, route it to a store (rules.md 1) and reserve its stock there.

    Repeated SKUs are merged. Prices are the fulfilling store's region prices (rules.md 1.7), never
    the client's. The stock is reserved under row locks: when a concurrent order took it between
    routing and locking, that store is excluded (`no_stock`) and the order routed again among the
    rest, so nothing is ever oversold. An experience order books its visit at the routed store in
    the same transaction (no order without its slot, no slot without its order).

    A delivery order keeps its recipient, phone and address (`delivery`, required for it and
    refused for the others: `orders.services.delivery`); a pick-up order gets a pick-up code.
    Ends `routed` with an accept deadline (beat's sweep re-routes the order once it passes);
    records `ORDER_PLACED`. Raises InvalidInput (400) naming `lines`, `fulfilment`, `location`,
    `slot` or `delivery` (or `guide_code`: no active staff member of the brand has it); Unprocessable (422)
    `store_cannot_serve` (the chosen store, why, the nearest
    alternatives) or `unroutable` (the routing record: every store considered only for
    `full_routing_record`, HQ's view); Conflict (409) `slot_full`. Nothing is
    written when it raises.
    """
    return _retrying_on_number(
        lambda: _place_order(
            tenant=tenant,
            member=member,
            lines=lines,
            fulfilment=fulfilment,
            location=location,
            chosen_store=chosen_store,
            slot=slot,
            delivery=delivery,
            guide_code=guide_code,
            visitor_id=visitor_id,
            channel=channel,
            by=by,
            full_routing_record=full_routing_record,
        )
    )


def _place_order(
    *,
    tenant: Tenant,
    member: Member,
    lines: Sequence[LineInput],
    fulfilment: str,
    location: Location,
    chosen_store: Store | None,
    slot: SlotInput | None,
    delivery: DeliveryInput | None = None,
    guide_code: str = "",
    visitor_id: str = "",
    channel: str = Channel.O2O,
    by: User | None = None,
    full_routing_record: bool = False,
) -> Order:
    """The body of `place_order`, without transaction handling (the caller's savepoint)."""
    fulfilment = check_fulfilment(fulfilment)
    if channel not in Channel.values:
        raise InvalidInput("channel", _("One of %(choices)s.") % {"choices": ", ".join(Channel.values)})
    quantities = merge_lines(lines)
    if fulfilment in REACH_REQUIRED and not (location.has_point or location.district):
        raise InvalidInput("location", _("Give your location for delivery or a visit."))
    if fulfilment == Fulfilment.EXPERIENCE and slot is None:
        raise InvalidInput("slot", _("Choose a visit slot for a try-in-store order."))
    if fulfilment != Fulfilment.EXPERIENCE and slot is not None:
        raise InvalidInput("slot", _("Only a try-in-store order books a visit."))
    delivery = delivery_details(fulfilment=fulfilment, delivery=delivery)
    service = active_service(tenant=tenant, service_id=slot.service_id) if slot is not None else None
    skus, price_book = skus_for_sale(tenant=tenant, sku_ids=list(quantities))
    codes = {pk: sku.code for pk, sku in skus.items()}
    at = now()
    guide_code = guide_code.strip().upper()
    guides = order_guides(tenant=tenant, member=member, guide_code=guide_code, at=at)
    guide_store = guides.store_id

    unavailable: dict[int, tuple[str, Detail]] = {}
    if service is not None:
        unavailable = unavailable_for_service(tenant=tenant, service_id=service.pk, service_name=service.name)
    while True:
        decision = choose_store(
            tenant=tenant,
            fulfilment=fulfilment,
            quantities=quantities,
            sku_codes=codes,
            location=location,
            chosen_store_id=chosen_store.pk if chosen_store is not None else None,
            guide_store_id=guide_store,
            unavailable=unavailable,
        )
        if decision.store_id is None:
            raise cannot_route(
                decision, guide_store=guide_store, chosen_store=chosen_store, full_record=full_routing_record
            )
        short = stock.reserve(tenant=tenant, store_id=decision.store_id, quantities=quantities)
        if not short:
            break
        # a concurrent order took the stock since routing read it: that store is out, route again
        unavailable[decision.store_id] = (Exclusion.NO_STOCK, shortage(short, codes))

    store = chosen_store or first_row(Store, "tenant_id = %s AND id = %s", [tenant.pk, decision.store_id])
    assert store is not None  # routing chose it among the brand's stores
    booking = None
    if service is not None and slot is not None:
        booking = book_slot(
            tenant=tenant,
            store=store,
            service=service,
            start_at=slot.start_at,
            member=member,
            visitor_id=visitor_id,
            by=by,
        )
    line_rows = []
    for sku_id, quantity in quantities.items():
        unit_price, amount = price_line(prices=price_book, sku_id=sku_id, quantity=quantity, region=store.region)
        line_rows.append(
            OrderLine(tenant=tenant, sku=skus[sku_id], quantity=quantity, unit_price=unit_price, total_amount=amount)
        )
    order = Order(
        tenant=tenant,
        member=member,
        store=store,
        fulfilment=fulfilment,
        channel=channel,
        status=OrderStatus.ROUTED,
        total_amount=round_money(sum((line.total_amount for line in line_rows), Decimal("0"))),
        lat=location.lat,
        lng=location.lng,
        district=location.district,
        chosen_store=chosen_store,
        guide_code=guide_code,
        guide_id=guides.guide_id,
        guide_source=guides.source,
        visitor_id=visitor_id,
        booking=booking,
        recipient=delivery.recipient if delivery else "",
        recipient_phone=delivery.phone if delivery else "",
        address=delivery.address if delivery else "",
        pickup_code=new_pickup_code() if fulfilment == Fulfilment.PICKUP else "",
        routing_rule=decision.rule,
        routing=routing_record(decision, guide_store_id=guide_store),
        created_by=by if by is not None and by.is_authenticated else None,
    )
    set_deadline(tenant=tenant, order=order, now=at)
    order.number = new_number(tenant=tenant, at=at)
    order.save(force_insert=True)  # a taken number or code raises IntegrityError: `_retrying_on_number`
    for line in line_rows:
        line.order = order
    order.line_list = OrderLine.objects.bulk_create(line_rows)  # type: ignore[attr-defined]
    log_order_event(
        tenant=tenant,
        order=order,
        from_status=OrderStatus.PLACED,
        by=order.created_by,
        reason=EventReason.ROUTED,
        rule=decision.rule,
    )
    note_served(tenant=tenant, member=member, store=store)
    record_event(tenant=tenant, name=ORDER_PLACED, order_id=order.pk)
    return order


def _member_for(*, tenant: Tenant, user: User | None, as_consumer: bool, customer: Customer | None) -> Member:
    if as_consumer and user is not None and user.is_authenticated:
        member = first_row(Member, "tenant_id = %s AND user_id = %s", [tenant.pk, user.pk])
        if member is not None:
            return member
        phone = (customer.phone if customer else "") or str(user.phone or "") or user.username
        return join_brand(tenant=tenant, phone=phone, name=(customer.name if customer else "") or user.name, user=user)
    if customer is None or not customer.phone.strip():
        raise InvalidInput("phone", _("Give a phone number to order without signing in."))
    if not customer.name.strip():
        raise InvalidInput("name", _("Give your name to order without signing in."))
    return join_brand(tenant=tenant, phone=customer.phone, name=customer.name.strip())


def checkout(
    *,
    tenant: Tenant,
    user: User | None,
    as_consumer: bool,
    customer: Customer | None,
    lines: Sequence[LineInput],
    fulfilment: str,
    location: Location,
    chosen_store_id: int | None,
    slot: SlotInput | None,
    delivery: DeliveryInput | None = None,
    guide_code: str = "",
    visitor_id: str = "",
    channel: str = Channel.O2O,
    full_routing_record: bool = False,
) -> Order:
    """`place_order` for the checkout endpoint: finds or creates the membership first.

    A signed-in consumer orders as their own membership (created from their phone when missing).
    Anyone else (not signed in, or staff ordering for a customer) orders by `customer` phone and
    name: the brand's membership of that phone is found or created (`members.join_brand`). All or
    nothing: a refused order leaves no new membership behind. Raises as `place_order`, and
    InvalidInput naming `phone`, `name` or `store`.
    """

    def place() -> Order:
        member = _member_for(tenant=tenant, user=user, as_consumer=as_consumer, customer=customer)
        chosen = resolve_store(tenant=tenant, store_id=chosen_store_id, field="store") if chosen_store_id else None
        return _place_order(
            tenant=tenant,
            member=member,
            lines=lines,
            fulfilment=fulfilment,
            location=location,
            chosen_store=chosen,
            slot=slot,
            delivery=delivery,
            guide_code=guide_code,
            visitor_id=visitor_id,
            channel=channel,
            by=user,
            full_routing_record=full_routing_record,
        )

    return _retrying_on_number(place)
