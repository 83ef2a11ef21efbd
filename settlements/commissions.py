"""Where settlement meets the guides' commissions (rules.md 4.5 and 5.4): the two wiring points.

The guides app (issue 12) is being built beside this one and has no commission table on this
branch. A run takes the commissions as an input (`commission_totals_by_store`, per store), and
the statements and postings are computed from that input alone, so they never depend on how it
is found. These two functions are where the maintainer wires guides in; until then the brand has
no commission at all, and they say so rather than invent one.
"""

from __future__ import annotations

from decimal import Decimal

from o2o.models import Tenant
from settlements.models import SettlementRun

CommissionTotals = dict[int, Decimal]


def commission_totals_by_store(*, tenant: Tenant, run: SettlementRun) -> CommissionTotals:
    """The guides' commissions a run of `run`'s period makes payable, summed per store (the
    guide's store): every commission whose order completed before the period's end and whose
    return window has passed when the run is made, plus the negative ones not yet settled
    (rules.md 4.5).

    NOT WIRED YET: the guides app has no commissions on this branch, so there is nothing to read
    and the totals are empty (every statement's commission line is 0.00). Wire it to the guides
    selector, and mark those commissions payable in the run's posting transaction.
    """
    return {}


def mark_commissions_paid(*, tenant: Tenant, run: SettlementRun) -> None:
    """Called by `close_run` inside its transaction: the commissions `run` made payable become
    paid (rules.md 4.5).

    NOT WIRED YET: the guides app has no commissions on this branch; this hook does nothing until
    the maintainer calls guides' service from here.
    """
    return None
