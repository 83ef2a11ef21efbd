"""Where settlement meets the guides' commissions (rules.md 4.5 and 5.4).

A run takes the commissions as an input: `commissions_for_run` reads the ones its period makes
payable (guides' `settleable_commissions`) and sums them per store (the guide's store); the
statements and postings are computed from those totals alone. A real run marks exactly those
commissions payable in its posting transaction (`make_payable`), so a run that fails or is killed
leaves them as they were; closing the run marks them paid (`mark_commissions_paid`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from guides.selectors.commissions import settleable_commissions
from guides.services.commissions import mark_paid, mark_payable
from o2o.models import Tenant
from settlements.models import SettlementRun
from settlements.selectors.inputs import period_bounds

CommissionTotals = dict[int, Decimal]


@dataclass(frozen=True)
class RunCommissions:
    """The commissions a run includes: their ids, and their amounts summed per store."""

    ids: tuple[int, ...] = ()
    totals: CommissionTotals = field(default_factory=dict)


def commissions_for_run(*, tenant: Tenant, run: SettlementRun, at: dt.datetime | None = None) -> RunCommissions:
    """The guides' commissions a run of `run`'s period makes payable when made at `at` (now):
    every commission whose order completed before the period's end and whose return window has
    passed, or approved already, plus the negative ones not yet settled (rules.md 4.5); summed per
    store. One query."""
    _, before = period_bounds(tenant, run.period_start, run.period_end)
    rows = settleable_commissions(tenant=tenant, before=before, at=at or timezone.now())
    totals: defaultdict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in rows:
        totals[row.store_id] += row.amount
    return RunCommissions(ids=tuple(row.commission_id for row in rows), totals=dict(totals))


def make_payable(*, tenant: Tenant, run: SettlementRun, ids: tuple[int, ...]) -> None:
    """Called by the run's posting transaction: the commissions it included become payable."""
    if ids:
        mark_payable(tenant=tenant, commission_ids=ids, run_id=run.pk)


def mark_commissions_paid(*, tenant: Tenant, run: SettlementRun) -> None:
    """Called by `close_run` inside its transaction: the commissions `run` made payable become
    paid (rules.md 4.5)."""
    mark_paid(tenant=tenant, run_id=run.pk)
