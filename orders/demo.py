"""Demo orders of each brand: a month of them, in every status, placed and moved on through the
orders services (never raw inserts), then dated back to when they would have happened.

For each brand, over its open stores and the members and stock of the earlier seeders:
- past orders (the last 30 days): mostly completed (every fourth of those partly refunded),
  some cancelled by the customer, some re-routed (the first store rejected them, the next one
  accepted and completed them), some from the B2C marketplace channel;
- today's orders: routed and waiting for their store (placed minutes ago, so their accept
  deadline is still ahead), accepted, ready, re-routed and accepted elsewhere, cancelled, and
  unroutable (every store that could serve them declined) on HQ's queue; and a try-in-store order
  with a visit booked for tomorrow where a store offers a service.

Pick-up, delivery (from where the customer is: near a store, in its district, to a recipient at
a Chinese address there: `orders.demo_recipients`) and try-in-store orders are mixed. The
services run at the real time; afterwards the order's dates (placed, each step of its audit
trail, completed, cancelled, refunded, and the day in its number) are moved back with queryset
updates. Deterministic (`random.Random` seeded by the brand) and idempotent: every
demo order carries a `demo-order-` visitor id, and a brand that has one is left as it is.

Stock comes from the stores seeder; a store that holds no stock row at all (no stores seeder has
run) is given some of every active SKU, so that the demo always has orders to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from catalog.models import Sku
from members.models import Member
from o2o.choices import Role
from o2o.demo import DemoBrand, register_seeder
from o2o.errors import AppError
from o2o.models import Tenant, User
from o2o.tenancy.rls import as_login_user
from orders import services
from orders.choices import Channel, Fulfilment, OrderStatus
from orders.demo_recipients import demo_delivery
from orders.models import Order, OrderEvent, Refund
from orders.routing import Location
from stores.choices import StaffRole
from stores.models import Stock, Store, StoreService, StoreStaff
from stores.services import StockLevel, set_stock

DEMO_MARK = "demo-order-"
PAST_DAYS = 30
PAST_ORDERS = 40
# what becomes of the n-th past order (n modulo 8)
PAST_FATES = (
    "completed",
    "completed",
    "refunded",
    "completed",
    "cancelled",
    "rerouted",
    "completed",
    "b2c",
)
# today's orders, in the order they are placed
TODAY_FATES = (
    "routed",
    "routed",
    "routed",
    "accepted",
    "accepted",
    "accepted",
    "ready",
    "ready",
    "rerouted_accepted",
    "cancelled",
    "unroutable",
    "unroutable",
    "experience",
)
# when each step of an order's audit trail happened, after it was placed (the n-th step)
STEP_AFTER = (
    dt.timedelta(0),
    dt.timedelta(minutes=6),
    dt.timedelta(minutes=11),
    dt.timedelta(hours=2),
    dt.timedelta(hours=26),
    dt.timedelta(hours=27),
    dt.timedelta(hours=28),
)
REFUND_AFTER = dt.timedelta(days=3)
FALLBACK_ON_HAND = (20, 60)
JITTER_DEG = 0.008  # customers within about a kilometre of a store


Step = Callable[[Order], "Order | None"]


@dataclass
class Shop:
    """What the demo places orders with."""

    tenant: Tenant
    rng: random.Random
    stores: list[Store]
    members: list[Member]
    skus: list[Sku]
    managers: dict[int, User]
    now: dt.datetime
    number: int = 0

    def manager(self, order: Order) -> User | None:
        return self.managers.get(order.store_id or 0)


def _ensure_stock(*, tenant: Tenant, stores: list[Store], skus: list[Sku], rng: random.Random) -> None:
    """Some of every SKU at a store that holds no stock row at all (no stores seeder has run)."""
    stocked = set(Stock.objects.filter(tenant=tenant).values_list("store_id", flat=True).distinct())
    for store in stores:
        if store.pk not in stocked:
            levels = [StockLevel(sku_id=sku.pk, on_hand=rng.randint(*FALLBACK_ON_HAND)) for sku in skus]
            set_stock(tenant=tenant, store=store, levels=levels)


def managers_by_store(*, tenant: Tenant) -> dict[int, User]:
    posts = StoreStaff.objects.filter(tenant=tenant, role=StaffRole.STORE_MANAGER, is_active=True)
    managers: dict[int, User] = {}
    for post in posts.select_related("user").order_by("pk"):
        managers.setdefault(post.store_id, post.user)
    return managers


def _location(shop: Shop, fulfilment: str, near: Store | None) -> Location:
    """Where the customer is: near `near`, else near one of the stores (that deliver, for a
    delivery), in its district."""
    stores = [s for s in shop.stores if s.offers_delivery] if fulfilment == Fulfilment.DELIVERY else shop.stores
    store = near or shop.rng.choice(stores or shop.stores)
    lat = store.lat + shop.rng.uniform(-JITTER_DEG, JITTER_DEG)
    lng = store.lng + shop.rng.uniform(-JITTER_DEG, JITTER_DEG)
    return Location(round(lat, 6), round(lng, 6), store.district if fulfilment != Fulfilment.PICKUP else "")


def _lines(shop: Shop, *, several: bool) -> list[services.LineInput]:
    """One to three SKUs; `several` items at least when a part of the order is to be refunded."""
    skus = shop.rng.sample(shop.skus, k=min(len(shop.skus), shop.rng.choice((1, 1, 2, 2, 3))))
    lines = [services.LineInput(sku_id=sku.pk, quantity=shop.rng.choice((1, 1, 1, 2))) for sku in skus]
    if several and sum(line.quantity for line in lines) < 2:
        lines[0] = services.LineInput(sku_id=lines[0].sku_id, quantity=2)
    return lines


def place_demo_order(
    shop: Shop, *, fulfilment: str, channel: str = Channel.O2O, several: bool = False, **extra: object
) -> Order | None:
    """One demo order, or None when no store can take it (the demo goes on with the next)."""
    shop.number += 1
    member = shop.rng.choice(shop.members)
    lines = _lines(shop, several=several)
    chosen = extra.get("chosen_store")
    location = _location(shop, fulfilment, chosen if isinstance(chosen, Store) else None)
    delivery = None
    if fulfilment == Fulfilment.DELIVERY:
        delivery = demo_delivery(shop.rng, member=member, district=location.district)
    try:
        with transaction.atomic():
            return services.place_order(
                tenant=shop.tenant,
                member=member,
                lines=lines,
                fulfilment=fulfilment,
                location=location,
                chosen_store=chosen,  # type: ignore[arg-type]
                slot=extra.get("slot"),  # type: ignore[arg-type]
                delivery=delivery,
                visitor_id=f"{DEMO_MARK}{shop.number:04d}",
                channel=channel,
                by=member.user,
            )
    except AppError:
        return None


def run_steps(shop: Shop, order: Order, steps: list[Step]) -> Order | None:
    """Move `order` on through `steps` (each a service call); None, and no change, when one is refused."""
    try:
        with transaction.atomic():
            for step in steps:
                order = step(order) or order
            return order
    except AppError:
        return None


def accept(shop: Shop) -> Step:
    return lambda order: services.accept_order(tenant=shop.tenant, order=order, by=shop.manager(order))


def ready(shop: Shop) -> Step:
    return lambda order: services.mark_ready(tenant=shop.tenant, order=order, by=shop.manager(order))


def complete(shop: Shop) -> Step:
    return lambda order: services.complete_order(tenant=shop.tenant, order=order, by=shop.manager(order))


def reject(shop: Shop, reason: str) -> Step:
    return lambda order: services.reject_order(tenant=shop.tenant, order=order, by=shop.manager(order), reason=reason)


def cancel(shop: Shop) -> Step:
    return lambda order: services.cancel_order(
        tenant=shop.tenant, order=order, by=order.member.user, as_staff=False, reason="changed my mind"
    )


def refund_some(shop: Shop) -> Step:
    """A refund of one item of the order's first line (a partial refund)."""

    def step(order: Order) -> None:
        line = order.lines.order_by("pk").first()
        assert line is not None
        services.refund_order(
            tenant=shop.tenant,
            order=order,
            lines=[services.RefundLineInput(line_id=line.pk, quantity=1)],
            by=shop.manager(order),
            reason="one item returned",
        )

    return step


def reject_everywhere(shop: Shop) -> Step:
    """Every store that could serve the order declines it in turn: it ends unroutable."""

    def step(order: Order) -> Order:
        for _ in range(len(shop.stores)):
            if order.status != OrderStatus.ROUTED:
                break
            order = services.reject_order(
                tenant=shop.tenant, order=order, by=shop.manager(order), reason="short of staff today"
            )
        return order

    return step


def fulfilment_of(number: int) -> str:
    return Fulfilment.DELIVERY if number % 3 == 2 else Fulfilment.PICKUP


def _opening_time(shop: Shop, *, days_ago: int) -> dt.datetime:
    """A moment in a store's day (10:00-20:59 on its clock), `days_ago` days before now."""
    zone = ZoneInfo(shop.stores[0].timezone)
    day = shop.now.astimezone(zone).date() - dt.timedelta(days=days_ago)
    at = dt.datetime.combine(day, dt.time(shop.rng.randint(10, 20), shop.rng.randint(0, 59)), tzinfo=zone)
    return min(at, shop.now - dt.timedelta(hours=1))


def date_back(shop: Shop, order: Order, placed_at: dt.datetime) -> None:
    """Move the order's dates to when it was placed (`placed_at`) and its steps after it."""
    tenant = shop.tenant
    events = list(
        OrderEvent.objects.filter(tenant=tenant, order=order).order_by("at", "pk").values_list("pk", "to_status")
    )
    times: dict[str, dt.datetime] = {}
    with as_login_user():  # order events are insert-only for the application role
        for index, (pk, to_status) in enumerate(events):
            at = placed_at + STEP_AFTER[min(index, len(STEP_AFTER) - 1)] + dt.timedelta(minutes=index)
            OrderEvent.objects.filter(tenant=tenant, pk=pk).update(at=at)
            times[to_status] = at
    fresh = Order.objects.get(tenant=tenant, pk=order.pk)
    day = placed_at.astimezone(ZoneInfo(tenant.timezone)).strftime("%y%m%d")
    changes: dict[str, object] = {"created_at": placed_at, "number": f"{day}-{fresh.number.split('-', 1)[1]}"}
    if fresh.accept_by is not None:
        last_routed = max((at for status, at in times.items() if status == OrderStatus.ROUTED), default=placed_at)
        changes["accept_by"] = last_routed + dt.timedelta(minutes=tenant.accept_within_minutes)
    completed_at = times.get(OrderStatus.COMPLETED, placed_at) if fresh.completed_at is not None else None
    if completed_at is not None:
        changes["completed_at"] = completed_at
    if fresh.cancelled_at is not None:
        changes["cancelled_at"] = times.get(OrderStatus.CANCELLED, placed_at)
    Order.objects.filter(tenant=tenant, pk=order.pk).update(**changes)
    if completed_at is not None:
        Refund.objects.filter(tenant=tenant, order=order).update(created_at=completed_at + REFUND_AFTER)


def _past_orders(shop: Shop) -> None:
    for n in range(PAST_ORDERS):
        fate = PAST_FATES[n % len(PAST_FATES)]
        days_ago = PAST_DAYS - (n * (PAST_DAYS - 2)) // PAST_ORDERS
        channel = Channel.B2C if fate == "b2c" else (Channel.STORE if n % 11 == 10 else Channel.O2O)
        order = place_demo_order(shop, fulfilment=fulfilment_of(n), channel=channel, several=fate == "refunded")
        if order is None:
            continue
        steps: list[Step] = {
            "completed": [accept(shop), ready(shop), complete(shop)],
            "b2c": [accept(shop), ready(shop), complete(shop)],
            "refunded": [accept(shop), ready(shop), complete(shop), refund_some(shop)],
            "cancelled": [cancel(shop)],
            "rerouted": [reject(shop, "the item on display is damaged"), accept(shop), complete(shop)],
        }[fate]
        if run_steps(shop, order, steps) is not None:
            date_back(shop, order, _opening_time(shop, days_ago=days_ago))


def _experience(shop: Shop) -> Order | None:
    """A try-in-store order with a visit tomorrow at a store offering a service, if one does."""
    from bookings.slots import list_slots

    offering = (
        StoreService.objects.filter(
            tenant=shop.tenant, store__in=shop.stores, service__is_active=True, store__offers_services=True
        )
        .select_related("store", "service")
        .order_by("store__code", "service__name")
        .first()
    )
    if offering is None:
        return None
    store, service = offering.store, offering.service
    day = shop.now.astimezone(ZoneInfo(store.timezone)).date() + dt.timedelta(days=1)
    try:
        slots = [
            slot
            for slot in list_slots(tenant=shop.tenant, store=store, service=service, day=day, now=shop.now)
            if slot.remaining
        ]
    except AppError:
        return None
    if not slots:
        return None
    slot = slots[shop.rng.randrange(len(slots))]
    return place_demo_order(
        shop,
        fulfilment=Fulfilment.EXPERIENCE,
        chosen_store=store,
        slot=services.SlotInput(service_id=service.pk, start_at=slot.start),
    )


def _todays_orders(shop: Shop) -> None:
    for n, fate in enumerate(TODAY_FATES):
        if fate == "experience":
            order = _experience(shop)
            steps: list[Step] = [accept(shop)]
        else:
            order = place_demo_order(shop, fulfilment=Fulfilment.DELIVERY if fate == "unroutable" else fulfilment_of(n))
            steps = {
                "routed": [],
                "accepted": [accept(shop)],
                "ready": [accept(shop), ready(shop)],
                "rerouted_accepted": [reject(shop, "no one to pack it this morning"), accept(shop)],
                "cancelled": [cancel(shop)],
                "unroutable": [reject_everywhere(shop)],
            }[fate]
        if order is None or run_steps(shop, order, steps) is None:
            continue
        if fate == "routed":  # minutes ago: the store still has time to accept
            placed_at = shop.now - dt.timedelta(minutes=2 + 3 * n)
        else:
            placed_at = shop.now - dt.timedelta(hours=1 + n % 5, minutes=shop.rng.randint(0, 50))
        if fate != "experience":
            date_back(shop, order, placed_at)


def seed_orders_for(*, tenant: Tenant, brand: DemoBrand) -> int:
    """Seed the brand's demo orders once; returns how many were placed (0 when it has them)."""
    if Order.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK).exists():
        return 0
    rng = random.Random(f"o2o-demo-orders-{brand.slug}")
    stores = list(Store.objects.filter(tenant=tenant, is_active=True).order_by("code"))
    members = list(Member.objects.filter(tenant=tenant).select_related("user").order_by("pk"))
    skus = list(Sku.objects.filter(tenant=tenant, is_active=True, product__is_active=True).order_by("code"))
    if not (stores and members and skus):
        return 0
    _ensure_stock(tenant=tenant, stores=stores, skus=skus, rng=rng)
    shop = Shop(tenant, rng, stores, members, skus, managers_by_store(tenant=tenant), timezone.now())
    _past_orders(shop)
    _todays_orders(shop)
    _orders_to_accept(shop, brand)
    return Order.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK).count()


def _orders_to_accept(shop: Shop, brand: DemoBrand) -> None:
    """Each store manager the demo lists finds an order to accept on /store/orders/: a pick-up
    placed at their store three minutes ago, well within the time the brand gives to accept."""
    listed = {username for username, role, _ in brand.logins if role == Role.STORE_MANAGER}
    stores = {store.pk: store for store in shop.stores}
    for store_id, manager in sorted(shop.managers.items()):
        if manager.username not in listed or store_id not in stores:
            continue
        if Order.objects.filter(tenant=shop.tenant, store_id=store_id, status=OrderStatus.ROUTED).exists():
            continue
        for _attempt in range(5):  # lines are drawn at random: when the store lacks one, the order goes
            # to another store (one more to accept there) and another draw is made
            order = place_demo_order(shop, fulfilment=Fulfilment.PICKUP, chosen_store=stores[store_id])
            if order is not None and order.store_id == store_id:
                date_back(shop, order, shop.now - dt.timedelta(minutes=3))
                break


@register_seeder(40, "orders")
def seed_orders(tenant: Tenant, brand: DemoBrand) -> None:
    seed_orders_for(tenant=tenant, brand=brand)
