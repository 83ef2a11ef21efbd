"""Demo guides of each brand (issue 12 item 8): customers bound to guides (by their share link, by
serving them in store), commission rules, commissions in every status, a pending claim and a
rejected one, and one customer to follow from the share link to the commission.

For each brand, after the orders and attribution seeders, over the guides of the stores seeder:
- rules: a store rule for the walkthrough guide's store (4%) and a category rule (5%) for the first
  product's category, dated back so that the demo's older orders use them;
- the walkthrough: a customer follows the walkthrough guide's store share link six days ago (a
  touchpoint of the link, their visitor id stitched to them, which binds them: the real path),
  and orders five days ago: the order is credited to the guide by the binding, its commission
  pending (the return window is not over);
- every guide serves two customers in store (`record_served`: bound by serving), who order (by
  the binding): two days ago (pending) and nine days ago (approved);
- orders naming the guide's code, 15, 25, 40 and 50 days ago: approved, for settlement's demo
  (seeder order 70) to settle: its real run of last month makes them payable, and closing it (in
  `lumen`; `clearview`'s run waits for HQ's close) makes them paid;
- after settlement (`seed_clawbacks`, order 75): one item of a paid (else payable) commission's
  order returned, which adds a negative claw-back; a full refund of a pending one, which reverses
  it;
- claims on unguided orders of the walkthrough guide's store: one pending, one rejected by the
  store's manager with a reason.

Orders go through the orders services and are dated back as `orders.demo` does; commissions are
made by `credit_order` and `apply_refund` right away (the events' handlers, delivered after the
brand's transaction, find them made and change nothing). Deterministic and idempotent: every demo
order of this seeder carries a `demo-guide-` visitor id, and a brand that has one is left as it is
(the walkthrough line is printed again).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from attribution.choices import Channel, StitchSource, TouchKind
from attribution.demo_walkthrough import WALK_MEMBER_INDEX as POSTER_MEMBER_INDEX
from attribution.models import Touchpoint
from attribution.services.identity import stitch
from catalog.models import Product
from guides.choices import CommissionKind, CommissionStatus
from guides.models import Commission, CommissionRule, CommissionRuleVersion
from guides.services import claims as claim_services
from guides.services import commissions as commission_services
from guides.services import rules as rule_services
from guides.services.links import guide_link
from members.binding import record_served
from members.masking import mask_phone
from members.models import Member
from members.selectors import get_current_binding
from o2o.choices import Role
from o2o.demo import DemoBrand, register_seeder
from o2o.errors import AppError
from o2o.models import Tenant
from orders import services as order_services
from orders.choices import Fulfilment, OrderStatus
from orders.demo import Shop, accept, complete, date_back, managers_by_store, ready
from orders.models import Order
from orders.routing import Location
from stores.choices import StaffRole
from stores.models import Stock, StoreStaff

MARK = "demo-guide-"
WALK_VISITOR = "demo-guide-walkthrough"
WALK_MEMBER_INDEX = 12  # the walker: the first member from the n-th (by id) bound to nobody
RULES_SINCE = dt.timedelta(days=120)
BOUND_ORDER_DAYS = (2, 9)
CODE_ORDER_DAYS = (15, 25)
SETTLED_DAYS = (40, 50)


@dataclass
class Seed:
    tenant: Tenant
    brand: DemoBrand
    shop: Shop
    number: int = 0


def _guides(tenant: Tenant) -> list[StoreStaff]:
    return list(
        StoreStaff.objects.filter(tenant=tenant, role=StaffRole.GUIDE, is_active=True)
        .select_related("user", "store")
        .order_by("store__code", "pk")
    )


def _walk_guide(brand: DemoBrand, guides: list[StoreStaff]) -> StoreStaff | None:
    wanted = f"{brand.slug}-sh01-guide1"
    return next((g for g in guides if g.user.username == wanted), guides[0] if guides else None)


def _rules(seed: Seed, guide: StoreStaff) -> None:
    tenant = seed.tenant
    product = Product.objects.filter(tenant=tenant, category__isnull=False).order_by("pk").first()
    for store_id, category_id, rate in (
        (guide.store_id, None, Decimal("0.0400")),
        (None, product.category_id if product else None, Decimal("0.0500")),
    ):
        if store_id is None and category_id is None:
            continue
        rule = rule_services.create_rule(tenant=tenant, store_id=store_id, category_id=category_id, rate=rate, by=None)
        since = seed.shop.now - RULES_SINCE
        CommissionRule.objects.filter(tenant=tenant, pk=rule.pk).update(created_at=since)
        CommissionRuleVersion.objects.filter(tenant=tenant, rule=rule).update(valid_from=since)


def _order(
    seed: Seed, *, member: Member, guide: StoreStaff, days_ago: int, code: bool, visitor_id: str = ""
) -> Order | None:
    """A completed pick-up at the guide's store, naming the guide's code or not (then credited by
    the binding, or by nobody), dated back `days_ago` days; its commissions made."""
    shop, store = seed.shop, guide.store
    seed.number += 1
    available = list(
        Stock.objects.filter(tenant=seed.tenant, store=store, on_hand__gt=F("reserved"), sku__is_active=True)
        .order_by("sku__code")
        .values_list("sku_id", flat=True)
    )
    if not available:
        return None
    try:
        with transaction.atomic():
            order = order_services.place_order(
                tenant=seed.tenant,
                member=member,
                lines=[order_services.LineInput(sku_id=shop.rng.choice(available), quantity=1)],
                fulfilment=Fulfilment.PICKUP,
                location=Location(store.lat, store.lng, ""),
                chosen_store=store,
                slot=None,
                guide_code=guide.code if code else "",
                visitor_id=visitor_id or f"{MARK}{seed.number:04d}",
                by=member.user,
            )
            for step in (accept(shop), ready(shop), complete(shop)):
                order = step(order) or order
    except AppError:
        return None
    placed = shop.now - dt.timedelta(days=days_ago, hours=shop.rng.randint(1, 5))
    date_back(shop, order, placed)
    commission_services.credit_order(tenant=seed.tenant, order_id=order.pk)
    return Order.objects.get(tenant=seed.tenant, pk=order.pk)


def _walkthrough(seed: Seed, guide: StoreStaff, member: Member) -> None:
    """The customer follows the guide's store link six days ago, is bound by it, orders next day."""
    link = guide_link(tenant=seed.tenant, guide=guide, target="store")
    at = seed.shop.now - dt.timedelta(days=6)
    Touchpoint.objects.create(
        tenant=seed.tenant,
        at=at,
        visitor_id=WALK_VISITOR,
        kind=TouchKind.CLICK,
        link=link,
        store_id=link.store_id,
        guide=guide,
        channel=Channel.WECHAT,
        client_event_id="demo-guide-walkthrough-click",
    )
    stitch(
        tenant=seed.tenant,
        visitor_id=WALK_VISITOR,
        member=member,
        source=StitchSource.LOG_IN,
        at=at + dt.timedelta(minutes=4),
    )
    _order(seed, member=member, guide=guide, days_ago=5, code=False, visitor_id=WALK_VISITOR)


def _free_members(seed: Seed, members: list[Member], taken: set[int]) -> list[Member]:
    """Members bound to nobody now (a demo touch of attribution's may have bound some)."""
    return [m for m in members if m.pk not in taken and get_current_binding(tenant=seed.tenant, member=m) is None]


def _served_and_ordered(seed: Seed, guides: list[StoreStaff], members: list[Member], taken: set[int]) -> None:
    free = iter(_free_members(seed, members, taken))
    for guide in guides:
        for days_ago, served_days_ago in zip(BOUND_ORDER_DAYS, (3, 12), strict=True):
            member = next(free, None)
            if member is None:
                return
            taken.add(member.pk)
            at = seed.shop.now - dt.timedelta(days=served_days_ago)
            record_served(tenant=seed.tenant, guide=guide, phone=str(member.phone), at=at)
            _order(seed, member=member, guide=guide, days_ago=days_ago, code=False)
        for days_ago in (*CODE_ORDER_DAYS, *SETTLED_DAYS):
            member = seed.shop.rng.choice(members)  # whoever holds them: the code beats the binding
            _order(seed, member=member, guide=guide, days_ago=days_ago, code=True)


def _claims(seed: Seed, guides: list[StoreStaff], guide: StoreStaff, members: list[Member], taken: set[int]) -> None:
    """Two unguided orders at the guide's store: one claimed (pending), one claimed and rejected."""
    colleagues = [g for g in guides if g.store_id == guide.store_id]
    claimers = [guide, colleagues[-1]]
    manager = seed.shop.managers.get(guide.store_id)
    for n, (claimer, days_ago) in enumerate(zip(claimers, (1, 4), strict=True)):
        member = next(iter(_free_members(seed, members, taken)), None)
        if member is None:
            return
        taken.add(member.pk)
        order = _order(seed, member=member, guide=claimer, days_ago=days_ago, code=False)
        if order is None or order.guide_id is not None:
            continue
        note = "顾客在店里试戴后回家下单" if n == 0 else "我接待过这位顾客"
        try:
            with transaction.atomic():
                claim = claim_services.submit_claim(tenant=seed.tenant, guide=claimer, order_id=order.pk, note=note)
                if n == 1:
                    claim_services.reject_claim(
                        tenant=seed.tenant, claim=claim, reason="顾客由同事全程接待 (served by a colleague)", by=manager
                    )
        except AppError:
            continue


def seed_guides_for(*, tenant: Tenant, brand: DemoBrand) -> None:
    """Seed the brand's guides demo once, then print the walkthrough line."""
    guides = _guides(tenant)
    walk_guide = _walk_guide(brand, guides)
    members = list(Member.objects.filter(tenant=tenant).select_related("user").order_by("pk"))
    if walk_guide is None or len(members) <= WALK_MEMBER_INDEX:
        return
    if not Order.objects.filter(tenant=tenant, visitor_id__startswith=MARK).exists():
        rng = random.Random(f"o2o-demo-guides-{brand.slug}")
        shop = Shop(tenant, rng, [], members, [], managers_by_store(tenant=tenant), timezone.now())
        seed = Seed(tenant, brand, shop)
        _rules(seed, walk_guide)
        # the poster walkthrough's member (attribution's) left alone; the walker bound to nobody yet
        pool = [m for i, m in enumerate(members) if i != POSTER_MEMBER_INDEX]
        walker = next(iter(_free_members(seed, pool[WALK_MEMBER_INDEX:], set())), None)
        taken = {walker.pk} if walker is not None else set()
        if walker is not None:
            _walkthrough(seed, walk_guide, walker)
        _served_and_ordered(seed, guides, pool, taken)
        _claims(seed, guides, walk_guide, pool, taken)
        commission_services.approve_due(tenant=tenant, at=shop.now)
    _walkthrough_line(tenant=tenant, brand=brand)


def _walkthrough_line(*, tenant: Tenant, brand: DemoBrand) -> None:
    """The guide's login line names the customer, their order and its commission."""
    order = (
        Order.objects.filter(tenant=tenant, visitor_id=WALK_VISITOR, guide__isnull=False)
        .select_related("member", "guide__user", "guide__store")
        .first()
    )
    if order is None or order.guide is None:
        return
    member, guide = order.member, order.guide
    amount = sum(
        Commission.objects.filter(tenant=tenant, order=order)
        .exclude(status=CommissionStatus.REVERSED)
        .values_list("amount", flat=True),
        Decimal("0.00"),
    )
    who = f"{member.name} {mask_phone(str(member.phone))}".strip()
    story = (
        f"customer {who} followed your store link 6 days ago and is bound to you; their order {order.number} "
        f"earned you {amount} (pending until the return window ends): see /guide/"
    )
    manager = f"{brand.slug}-{guide.store.code.lower()}-manager"
    told = {
        guide.user.username: story,
        manager: f"the guides' customers, orders and commission, and re-binding {member.name}: /store/guides/",
    }
    for index, (username, role, what) in enumerate(brand.logins):
        if username in told:
            brand.logins[index] = (username, role, f"{what}; {told.pop(username)}")
    if guide.user.username in told:
        brand.logins.append((guide.user.username, Role.GUIDE, story))


@register_seeder(60, "guides")
def seed_guides(tenant: Tenant, brand: DemoBrand) -> None:
    seed_guides_for(tenant=tenant, brand=brand)


# --- after settlement: a claw-back and a reversal ----------------------------------------------


def seed_clawbacks_for(*, tenant: Tenant) -> None:
    """One item of a paid (else payable) commission's order returned: a negative claw-back; a
    pending commission's order refunded in full: reversed. Once (a claw-back exists: nothing)."""
    demo = Commission.objects.filter(
        tenant=tenant, order__visitor_id__startswith=MARK, kind=CommissionKind.SALE
    ).exclude(order__visitor_id=WALK_VISITOR)  # the walkthrough's commission stays pending
    if not demo.exists() or Commission.objects.filter(tenant=tenant, kind=CommissionKind.CLAWBACK).exists():
        return
    managers = managers_by_store(tenant=tenant)
    for statuses in ((CommissionStatus.PAID, CommissionStatus.PAYABLE), (CommissionStatus.PENDING,)):
        row = demo.filter(status__in=statuses).select_related("order", "line").order_by("completed_at", "pk").first()
        if row is None or row.order.status != OrderStatus.COMPLETED:
            continue
        try:
            with transaction.atomic():
                refund = order_services.refund_order(
                    tenant=tenant,
                    order=row.order,
                    lines=[order_services.RefundLineInput(line_id=row.line_id, quantity=row.line.quantity)],
                    by=managers.get(row.order.store_id or 0),
                    reason="returned: wrong colour" if statuses[0] == CommissionStatus.PAID else "returned in store",
                )
                commission_services.apply_refund(tenant=tenant, order_id=row.order_id, refund_id=refund.pk)
        except AppError:
            continue


@register_seeder(75, "guides-clawbacks")
def seed_clawbacks(tenant: Tenant, brand: DemoBrand) -> None:
    seed_clawbacks_for(tenant=tenant)
