"""Reads of the guide workbench and of the store's claims page: a guide's credited orders, their
commissions by status and by month, their claims; the claims a store manager decides. Each is one
query (or two with the order lines), whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from guides.choices import ClaimStatus, CommissionStatus
from guides.models import Commission, CommissionClaim
from guides.selectors.commissions import list_claims
from o2o.errors import InvalidInput
from o2o.fields import MAX_ID
from o2o.models import Tenant
from o2o.money import round_money
from o2o.tenancy.actor import Actor
from orders.models import Order, OrderLine
from stores.models import StoreStaff

ROWS_SHOWN = 20
SOON_DAYS = 7  # a binding ending within this many days is highlighted


def days_left(until: dt.datetime, now: dt.datetime | None = None) -> int:
    """Whole days (rounded up) until `until`: 30 for a binding made now, 0 once it has ended."""
    now = now or timezone.now()
    return max(0, math.ceil((until - now).total_seconds() / 86400))


def guide_orders(*, tenant: Tenant, guide: StoreStaff) -> QuerySet[Order]:
    """The latest orders credited to `guide` (`Order.guide`), newest first."""
    return Order.objects.filter(tenant=tenant, guide=guide).order_by("-created_at", "-pk")[:ROWS_SHOWN]


@dataclass
class MonthRow:
    month: str  # YYYY-MM in the brand's time zone
    by_status: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal("0.00")


@dataclass
class CommissionTotals:
    by_status: list[tuple[str, str, Decimal]]  # (status, label, total), every status in lifecycle order
    months: list[MonthRow]  # newest first
    total: Decimal


def commission_totals(*, tenant: Tenant, guide: StoreStaff) -> CommissionTotals:
    """The guide's commissions summed by status and by the month their order completed in (the
    brand's time zone); reversed ones are counted under `reversed`. One query."""
    zone = ZoneInfo(tenant.timezone)
    rows = (
        Commission.objects.filter(tenant=tenant, guide=guide)
        .annotate(month=TruncMonth("completed_at", tzinfo=zone))
        .values("month", "status")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    by_status: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    months: dict[str, MonthRow] = {}
    for row in rows:
        row["amount"] = round_money(row["amount"])  # exact to the cent (SQLite sums in floats)
        key = row["month"].astimezone(zone).strftime("%Y-%m")
        month = months.setdefault(key, MonthRow(key))
        month.by_status[row["status"]] = month.by_status.get(row["status"], Decimal("0.00")) + row["amount"]
        month.total += row["amount"]
        by_status[row["status"]] += row["amount"]
    statuses = [(status.value, str(status.label), by_status[status.value]) for status in CommissionStatus]
    live = sum((amount for status, _label, amount in statuses if status != CommissionStatus.REVERSED), Decimal("0.00"))
    return CommissionTotals(statuses, sorted(months.values(), key=lambda m: m.month, reverse=True), live)


def guide_claims(*, tenant: Tenant, actor: Actor, guide: StoreStaff) -> list[CommissionClaim]:
    """The guide's own latest claims, newest first, with their order."""
    return list(list_claims(tenant=tenant, actor=actor, filters={}).filter(guide=guide)[:ROWS_SHOWN])


def order_id_named(*, tenant: Tenant, value: str) -> int:
    """The id of the brand's order named by its number (or, failing that, its id); InvalidInput
    naming `order` when none is."""
    value = value.strip()
    found = Order.objects.filter(tenant=tenant, number__iexact=value).values_list("pk", flat=True).first()
    if found is not None:
        return int(found)
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    raise InvalidInput("order", _("No order has this number."))


def claims_to_decide(*, tenant: Tenant, actor: Actor) -> tuple[list[CommissionClaim], list[CommissionClaim]]:
    """The claims of the manager's store's guides: the pending ones, oldest first, each with its
    order's lines (sku and product); and the latest decided ones. Three queries."""
    lines = Prefetch("order__lines", queryset=OrderLine.objects.select_related("sku__product").order_by("pk"))
    seen = list_claims(tenant=tenant, actor=actor, filters={})
    pending = list(
        seen.filter(status=ClaimStatus.PENDING).select_related("order__member").prefetch_related(lines).order_by("pk")
    )
    decided = list(seen.exclude(status=ClaimStatus.PENDING).order_by("-decided_at", "-pk")[:ROWS_SHOWN])
    return pending, decided
