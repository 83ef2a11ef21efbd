"""Reconciliation of a settlement run (issue 13, item 6): recompute, compare, store the result.

Four checks, each `{"name", "ok", "expected", "found", "detail"}` (amounts as strings), stored on
the run as `{"ok": all of them, "checks": [...]}` with `reconciled_at`:

- `statements`: the run's period recomputed now from the orders, refunds, spend and credits
  (`gather_inputs` + `compute_statements`, with the commissions the run made payable, read from its
  commission lines) against the stored statements, line by line: zero drift per store and line.
  A refund recorded in the period after the run, a credit recomputed since, shows here exactly.
- `ledger`: what the stored statements must have posted (`settlements.services.posting`) against
  the balances of the run's entries, per account: zero drift per store and clearing account. An
  entry added to the run behind the application's back shows here. A dry run posts nothing.
- `tac_allocations`: per campaign of the period, the TAC the stored statements allocated plus what
  stays with HQ (the cap's excess; the whole spend of a campaign nobody was credited for) equals
  its spend recomputed now, exactly.
- `entries_balance`: every journal entry of the brand sums to zero (the database's deferred
  trigger holds it on PostgreSQL; this says so on the run's page).

A constant number of queries, whatever the number of orders, stores or entries.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.errors import Conflict
from o2o.models import Tenant
from settlements.computation import compute_statements, money
from settlements.models import (
    AccountKind,
    JournalEntry,
    LineKind,
    Posting,
    RunStatus,
    SettlementRun,
    StatementLine,
)
from settlements.selectors.inputs import gather_inputs
from settlements.services.posting import CLEARING

ZERO = Decimal("0.00")
FINISHED = (RunStatus.DONE, RunStatus.CLOSED)


def _check(name: str, *, expected: Any, found: Any, detail: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "ok": not detail, "expected": expected, "found": found, "detail": detail}


def _stored_lines(tenant: Tenant, run: SettlementRun) -> dict[int, dict[str, StatementLine]]:
    lines: dict[int, dict[str, StatementLine]] = defaultdict(dict)
    for line in StatementLine.objects.filter(tenant=tenant, statement__run=run).select_related("statement"):
        lines[line.statement.store_id][line.kind] = line
    return lines


def check_statements(stored: dict[int, dict[str, StatementLine]], recomputed: dict[int, dict[str, Decimal]]) -> dict:
    """Recomputed lines against stored ones, per store and kind (a store missing on one side
    drifts by all its lines)."""
    detail = []
    for store_id in sorted(set(stored) | set(recomputed)):
        for kind in LineKind.values:
            expected = recomputed.get(store_id, {}).get(kind, ZERO)
            line = stored.get(store_id, {}).get(kind)
            found = line.amount if line is not None else ZERO
            if expected != found:
                detail.append(
                    {
                        "store": store_id,
                        "line": kind,
                        "expected": money(expected),
                        "found": money(found),
                        "drift": money(found - expected),
                    }
                )
    expected_net = sum(
        (amount for lines in recomputed.values() for kind, amount in lines.items() if kind != LineKind.SALES), ZERO
    )
    found_net = sum(
        (line.amount for lines in stored.values() for line in lines.values() if line.kind != LineKind.SALES), ZERO
    )
    return _check("statements", expected=money(expected_net), found=money(found_net), detail=detail)


def expected_postings(stored: dict[int, dict[str, StatementLine]]) -> dict[tuple[str, int | None], Decimal]:
    """What the stored statements post, per (account kind, store id)."""
    expected: dict[tuple[str, int | None], Decimal] = defaultdict(lambda: ZERO)
    for store_id, lines in stored.items():
        for kind, line in lines.items():
            if not line.counts or kind not in CLEARING:
                continue
            expected[(AccountKind.STORE_OPERATOR, store_id)] += line.amount
            expected[(CLEARING[LineKind(kind)], None)] -= line.amount
    return expected


def check_ledger(tenant: Tenant, run: SettlementRun, stored: dict[int, dict[str, StatementLine]]) -> dict:
    """The balances of the run's entries against what its statements post, per account."""
    expected = {} if run.dry_run else expected_postings(stored)
    rows = (
        Posting.objects.filter(tenant=tenant, entry__run=run)
        .values("account__kind", "account__store_id", "account__guide_id")
        .annotate(balance=Sum("amount"))
        .order_by()
    )
    found: dict[tuple[str, int | None], Decimal] = {
        (row["account__kind"], row["account__store_id"] or row["account__guide_id"]): Decimal(row["balance"])
        for row in rows
    }
    detail = []
    for key in sorted(set(expected) | set(found), key=lambda key: (key[0], key[1] or 0)):
        want, got = expected.get(key, ZERO), found.get(key, ZERO)
        if want != got:
            detail.append(
                {
                    "account": key[0],
                    "store": key[1],
                    "expected": money(want),
                    "found": money(got),
                    "drift": money(got - want),
                }
            )
    moved = sum((amount for amount in expected.values() if amount > 0), ZERO)
    posted = sum((amount for amount in found.values() if amount > 0), ZERO)
    return _check("ledger", expected=money(moved), found=money(posted), detail=detail)


def check_tac(spend: dict[int, Decimal], stored: dict[int, dict[str, StatementLine]]) -> dict:
    """Per campaign: allocated (after the cap) + kept by HQ = spend, exactly."""
    allocated: dict[int, Decimal] = defaultdict(lambda: ZERO)
    before_cap: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for lines in stored.values():
        tac = lines.get(LineKind.TAC)
        for part in tac.data.get("campaigns", []) if tac is not None else []:
            allocated[part["campaign"]] += Decimal(part["amount"])
            before_cap[part["campaign"]] += Decimal(part["before_cap"])
    detail = []
    for campaign_id in sorted(set(spend) | set(allocated)):
        want = spend.get(campaign_id, ZERO)
        kept = before_cap[campaign_id] - allocated[campaign_id] if campaign_id in before_cap else want
        got = allocated[campaign_id] + kept
        if got != want or kept < 0:
            detail.append(
                {
                    "campaign": campaign_id,
                    "expected": money(want),
                    "found": money(got),
                    "allocated": money(allocated[campaign_id]),
                    "kept_by_hq": money(kept),
                    "drift": money(got - want),
                }
            )
    total_kept = sum(
        (before_cap[c] - allocated[c] if c in before_cap else spend.get(c, ZERO) for c in set(spend) | set(allocated)),
        ZERO,
    )
    found = sum(allocated.values(), ZERO) + total_kept
    return _check("tac_allocations", expected=money(sum(spend.values(), ZERO)), found=money(found), detail=detail)


def check_entries_balance(tenant: Tenant) -> dict:
    """Every entry of the brand sums to zero (one aggregate query)."""
    unbalanced = (
        JournalEntry.objects.filter(tenant=tenant)
        .annotate(total=Sum("postings__amount"))
        .exclude(total=0)
        .exclude(total__isnull=True)
        .values_list("pk", "total")
        .order_by("pk")
    )
    detail = [{"entry": pk, "sum": money(Decimal(total))} for pk, total in unbalanced[:50]]
    return _check("entries_balance", expected=0, found=len(detail), detail=detail)


def reconcile_run(*, tenant: Tenant, run: SettlementRun) -> SettlementRun:
    """Reconcile the finished run `run` (Conflict `run_not_done` otherwise) and store the result
    on it (`reconciliation`, `reconciled_at`). Reads only, then one UPDATE; safe to run again."""
    if run.status not in FINISHED:
        raise Conflict(_("Only a finished settlement run can be reconciled."), code="run_not_done")
    stored = _stored_lines(tenant, run)
    commissions = {
        store_id: Decimal(lines[LineKind.COMMISSION].data.get("payable", "0"))
        for store_id, lines in stored.items()
        if LineKind.COMMISSION in lines and Decimal(lines[LineKind.COMMISSION].data.get("payable", "0")) != 0
    }
    inputs = gather_inputs(tenant=tenant, start=run.period_start, end=run.period_end, commissions=commissions)
    recomputed = {
        statement.store_id: {line.kind: line.amount for line in statement.lines}
        for statement in compute_statements(inputs)
    }
    checks = [
        check_statements(stored, recomputed),
        check_ledger(tenant, run, stored),
        check_tac({c.id: c.spend for c in inputs.campaigns.values()}, stored),
        check_entries_balance(tenant),
    ]
    result = {"ok": all(check["ok"] for check in checks), "checks": checks}
    with transaction.atomic():
        SettlementRun.objects.filter(tenant=tenant, pk=run.pk).update(
            reconciliation=result, reconciled_at=timezone.now()
        )
    run.refresh_from_db(fields=["reconciliation", "reconciled_at"])
    return run


__all__ = ["reconcile_run"]
