"""Demo settlement of each brand (issue 13 item 8): last month settled (and closed, in `lumen`), a
statement disputed, and the current month open for HQ's preview.

The two brands show the two ends of a run's life: `lumen`'s last month is closed (its guides'
commissions paid); `clearview`'s is done and reconciled, waiting for HQ to close it (its
commissions payable until then), so that the demo's HQ can close a month too, and every commission
status is in the demo (`payable` exists only between a run and its closing).

For each brand, after the orders, attribution and guides seeders:
- last month (the previous calendar month on the brand's clock) settled by a real run, executed as
  the worker does (`execute_run` with the guides' commissions the period makes payable), reconciled,
  and closed in the brands of `CLOSED_BRANDS`: a statement for every store, of the three kinds,
  with its sales, share, the TAC of the campaigns' spend credited to it and its guides'
  commissions;
- before the run, each store kind and each staffed franchise store (a manager to confirm or
  dispute) has a completed order in last month: where it has none (the demo's orders fall over the
  last 30 days), one is placed at it through the orders services and dated back into last month;
- the manager of one staffed franchise store (`DISPUTED`, or the first other one) disputed its
  statement with a note; HQ has not answered yet;
- the current month previewed by a dry run (HQ can preview it again, or under other rules on the
  what-if page).

Idempotent: a brand that has a real run of last month is left as it is (the walkthrough lines are
printed again); the preview is made only when the current month has none.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from catalog.models import Sku
from members.models import Member
from o2o.choices import Role
from o2o.demo import DemoBrand, register_seeder
from o2o.demo.kernel import demo_user
from o2o.errors import AppError
from o2o.models import Tenant, User
from o2o.services import grant_role
from o2o.tenancy.actor import Actor
from orders.choices import Channel, Fulfilment
from orders.demo import Shop, accept, complete, date_back, managers_by_store, place_demo_order, ready, run_steps
from orders.models import Order
from settlements.commissions import commissions_for_run
from settlements.models import RunStatus, SettlementRun, Statement, StatementStatus
from settlements.services.reconciliation import reconcile_run
from settlements.services.runs import close_run, execute_run, start_run
from settlements.services.statements import dispute_statement
from stores.choices import StaffRole, StoreKind
from stores.models import Store, StoreStaff

CLOSED_BRANDS = frozenset({"lumen"})  # the others' last month waits for HQ to close it
DISPUTED = "SH04"  # the franchise store whose manager disputes last month's statement
NOTE = "上月有一笔退货未计入；TAC seems high for a month with no campaign at our store. 请核对。"
FIRST_DEMO_NUMBER = 900  # the orders this seeder places: visitor ids demo-order-0901...
ATTEMPTS = 5


def month_bounds(tenant: Tenant, now: dt.datetime) -> tuple[dt.date, dt.date, dt.date]:
    """The first day of last month, of this month and of next month, on the brand's clock."""
    today = now.astimezone(ZoneInfo(tenant.timezone)).date()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    return last_month, this_month, next_month


def staffed_franchise(tenant: Tenant) -> list[tuple[Store, User]]:
    """The brand's open franchise stores with a manager, and the manager, by store code."""
    posts = (
        StoreStaff.objects.filter(
            tenant=tenant,
            role=StaffRole.STORE_MANAGER,
            is_active=True,
            store__kind=StoreKind.FRANCHISE,
            store__is_active=True,
        )
        .select_related("store", "user")
        .order_by("store__code", "pk")
    )
    found: dict[int, tuple[Store, User]] = {}
    for post in posts:
        found.setdefault(post.store_id, (post.store, post.user))
    return list(found.values())


def _sold_in(tenant: Tenant, start: dt.datetime, end: dt.datetime) -> set[int]:
    return set(
        Order.objects.filter(tenant=tenant, completed_at__gte=start, completed_at__lt=end, store__isnull=False)
        .exclude(channel=Channel.B2C)
        .values_list("store_id", flat=True)
    )


def _sell_last_month(*, tenant: Tenant, brand: DemoBrand, now: dt.datetime, first: dt.date, after: dt.date) -> None:
    """A completed order in last month at each staffed franchise store and in each store kind that
    has none there: a pick-up placed at the store, completed, dated back to the 10th of last month
    (the next days for the next stores)."""
    zone = ZoneInfo(tenant.timezone)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(after, dt.time(), tzinfo=zone)
    sold = _sold_in(tenant, start, end)
    stores = list(Store.objects.filter(tenant=tenant, is_active=True).order_by("code"))
    wanted = [store for store, _ in staffed_franchise(tenant) if store.pk not in sold]
    for kind in StoreKind.values:
        of_kind = [store for store in stores if store.kind == kind]
        if of_kind and not any(store.pk in sold for store in of_kind) and of_kind[0] not in wanted:
            wanted.append(of_kind[0])
    members = list(Member.objects.filter(tenant=tenant).select_related("user").order_by("pk"))
    skus = list(Sku.objects.filter(tenant=tenant, is_active=True, product__is_active=True).order_by("code"))
    if not (wanted and members and skus):
        return
    rng = random.Random(f"o2o-demo-settlements-{brand.slug}")
    shop = Shop(tenant, rng, stores, members, skus, managers_by_store(tenant=tenant), now, number=FIRST_DEMO_NUMBER)
    for index, store in enumerate(wanted):
        placed_at = start + dt.timedelta(days=9 + index, hours=15)
        for _attempt in range(ATTEMPTS):  # a store short of a drawn SKU passes the order on: draw again
            order = place_demo_order(shop, fulfilment=Fulfilment.PICKUP, chosen_store=store)
            if order is None:
                continue
            if run_steps(shop, order, [accept(shop), ready(shop), complete(shop)]) is not None:
                date_back(shop, order, placed_at)
            if order.store_id == store.pk:
                break


def _settle_last_month(*, tenant: Tenant, first: dt.date, after: dt.date, close: bool) -> SettlementRun | None:
    """Last month's real run, executed, reconciled and, if `close`, closed (None when HQ settled an
    overlapping period otherwise)."""
    try:
        run, _ = start_run(tenant=tenant, period_start=first, period_end=after)
    except AppError:
        return None
    commissions = commissions_for_run(tenant=tenant, run=run)
    run = execute_run(tenant=tenant, run_id=run.pk, commissions=commissions.totals, commission_ids=commissions.ids)
    if run.reconciled_at is None:
        run = reconcile_run(tenant=tenant, run=run)
    return close_run(tenant=tenant, run=run) if close else run


def _dispute(*, tenant: Tenant, run: SettlementRun) -> None:
    """The manager of `DISPUTED` (or of the first staffed franchise store) disputes its statement."""
    staffed = staffed_franchise(tenant)
    chosen = next((pair for pair in staffed if pair[0].code == DISPUTED), staffed[0] if staffed else None)
    if chosen is None:
        return
    store, manager = chosen
    statement = Statement.objects.filter(tenant=tenant, run=run, store=store).select_related("run").first()
    if statement is None or statement.status != StatementStatus.OPEN:
        return
    dispute_statement(tenant=tenant, statement=statement, actor=Actor(tenant=tenant, user=manager), note=NOTE)


def _preview_this_month(*, tenant: Tenant, first: dt.date, after: dt.date) -> None:
    """A dry run of the current month, unless one is there already."""
    period = {"tenant": tenant, "period_start": first, "period_end": after, "dry_run": True}
    if SettlementRun.objects.filter(**period, status__in=[RunStatus.DONE, RunStatus.CLOSED]).exists():
        return
    run, _ = start_run(tenant=tenant, period_start=first, period_end=after, dry_run=True)
    commissions = commissions_for_run(tenant=tenant, run=run)
    run = execute_run(tenant=tenant, run_id=run.pk, commissions=commissions.totals)
    reconcile_run(tenant=tenant, run=run)


def seed_settlements_for(*, tenant: Tenant, brand: DemoBrand, now: dt.datetime | None = None) -> None:
    """Seed the brand's demo settlement once, and print the walkthrough's lines."""
    now = now or timezone.now()
    if not Store.objects.filter(tenant=tenant, is_active=True).exists():
        return
    last_month, this_month, next_month = month_bounds(tenant, now)
    if not SettlementRun.objects.filter(
        tenant=tenant, dry_run=False, period_start=last_month, period_end=this_month
    ).exists():
        _sell_last_month(tenant=tenant, brand=brand, now=now, first=last_month, after=this_month)
        run = _settle_last_month(tenant=tenant, first=last_month, after=this_month, close=brand.slug in CLOSED_BRANDS)
        if run is not None:
            _dispute(tenant=tenant, run=run)
    _preview_this_month(tenant=tenant, first=this_month, after=next_month)
    _walkthrough_lines(tenant=tenant, brand=brand)


def _walkthrough_lines(*, tenant: Tenant, brand: DemoBrand) -> None:
    """HQ's settlement pages, and a franchise store's manager (not the disputing one) with last
    month's statement to confirm or dispute."""
    # HQ's finance clerk (HQ staff: runs are HQ's), a login of their own: each login is printed once
    finance = demo_user(username=f"{brand.slug}-finance", name=f"{brand.name} finance")
    grant_role(tenant=tenant, user=finance, role=Role.HQ_STAFF)
    what = "last month closed; reconcile, what-if" if brand.slug in CLOSED_BRANDS else "close last month; what-if"
    brand.logins.append((finance.username, Role.HQ_STAFF, f"settlements /hq/settlements/ ({what})"))
    disputed = Statement.objects.filter(
        tenant=tenant, run__dry_run=False, status=StatementStatus.DISPUTED, answered_at__isnull=True
    ).values_list("store__code", flat=True)
    codes = sorted(disputed)
    others = [(store, manager) for store, manager in staffed_franchise(tenant) if store.code not in codes]
    if not others:
        return
    store, manager = others[0]
    which = f"; {', '.join(codes)}'s is disputed" if codes else ""
    brand.logins.append(
        (
            manager.username,
            Role.STORE_MANAGER,
            f"statements /store/statements/ (last month's at {store.code}: confirm or dispute{which})",
        )
    )


@register_seeder(70, "settlements")
def seed_settlements(tenant: Tenant, brand: DemoBrand) -> None:
    seed_settlements_for(tenant=tenant, brand=brand)
