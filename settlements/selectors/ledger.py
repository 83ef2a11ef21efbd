"""Reads of the ledger: balances per account over a period, set-based (one aggregate query)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet, Sum

from o2o.days import day_start
from o2o.models import Tenant
from settlements.models import Account, JournalEntry, Posting

ZERO = Decimal("0.00")


def balances(
    *, tenant: Tenant, start: dt.date | None = None, end: dt.date | None = None, run_id: int | None = None
) -> dict[int, Decimal]:
    """Each account's balance (sum of its postings), by account id, over the entries posted in
    `[start, end)` on the brand's clock (either side open when None), or of one run. One query."""
    zone = ZoneInfo(tenant.timezone)
    postings = Posting.objects.filter(tenant=tenant)
    if start is not None:
        postings = postings.filter(entry__posted_at__gte=day_start(start, zone))
    if end is not None:
        postings = postings.filter(entry__posted_at__lt=day_start(end, zone))
    if run_id is not None:
        postings = postings.filter(entry__run_id=run_id)
    rows = postings.values("account_id").annotate(balance=Sum("amount")).order_by("account_id")
    return {row["account_id"]: Decimal(row["balance"]) for row in rows}


def list_accounts(*, tenant: Tenant) -> QuerySet[Account]:
    """The brand's accounts with their balance (all time), owners loaded."""
    return (
        Account.objects.filter(tenant=tenant)
        .select_related("store", "guide__user")
        .annotate(balance=Sum("postings__amount"))
        .order_by("kind", "store_id", "guide_id", "pk")
    )


def list_entries(*, tenant: Tenant) -> QuerySet[JournalEntry]:
    """The brand's entries, newest first, with their postings."""
    return JournalEntry.objects.filter(tenant=tenant).prefetch_related("postings").order_by("-posted_at", "-pk")
