"""The statements of a period, a pure function of its inputs (rules.md 5.1-5.4).

`compute_statements(inputs)` reads nothing: the same inputs give the same statements, byte for
byte (amounts as Decimal cents, the underlying numbers as JSON with sorted keys and strings for
amounts). Loops here run over stores and campaigns, never over orders.

- net sales: orders completed in the period minus refunds recorded in it;
- store share: the contract's `sales_share_rate` x net sales, rounded half-up to the cent;
- traffic-acquisition cost: each campaign's spend split over stores by their credited basis, to the
  cent by largest remainder (floor each share, the cents left to the largest remainders, ties to
  the lower store id: `o2o.money.split_by_weights`); a campaign with no credit stays with HQ; with
  a cap per visit, a store's part of a campaign is at most its credited visits of that campaign x
  the cap, rounded down to the cent, and the rest stays with HQ;
- commission: the store's guides' commissions made payable (an input);
- net = the sum of the lines that count: store share, minus the TAC if the contract makes it
  chargeable, minus the commissions if borne by the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from o2o.money import CENT, round_money, split_by_weights
from settlements.models import LineKind
from settlements.selectors.inputs import Campaign, Inputs

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    kind: str
    amount: Decimal
    counts: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class StatementData:
    store_id: int
    lines: tuple[Line, ...]

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.counts), ZERO)

    def line(self, kind: str) -> Line:
        return next(line for line in self.lines if line.kind == kind)


@dataclass(frozen=True)
class Allocation:
    """A campaign's part for a store: before and after the cap."""

    campaign_id: int
    store_id: int
    weight: Decimal
    visits: Decimal
    uncapped: Decimal
    part: Decimal


LINE_DESCRIPTIONS = {
    LineKind.SALES: _("Net sales (for information)"),
    LineKind.STORE_SHARE: _("Store share of net sales"),
    LineKind.TAC: _("Traffic-acquisition cost"),
    LineKind.COMMISSION: _("Guide commissions made payable"),
}


def money(amount: Decimal) -> str:
    return str(amount.quantize(CENT))


def number(value: Decimal) -> str:
    """A credit sum as a plain string (normalised, no exponent)."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"


def allocate_campaign(
    campaign: Campaign, weights: Mapping[int, Decimal], visits: Mapping[int, Decimal], cap: Decimal | None
) -> list[Allocation]:
    """`campaign`'s spend over the stores by `weights` (largest remainder, ties to the lower store
    id), each part capped at visits x `cap`; nothing when no store has a positive weight."""
    positive = {store: weight for store, weight in sorted(weights.items()) if weight > 0}
    if not positive or campaign.spend == 0:
        return []
    parts = split_by_weights(campaign.spend, positive)
    allocations = []
    for store_id in sorted(parts):
        part = parts[store_id]
        store_visits = visits.get(store_id, Decimal(0))
        if cap is not None:
            part = min(part, (store_visits * cap).quantize(CENT, rounding=ROUND_DOWN))
        allocations.append(Allocation(campaign.id, store_id, positive[store_id], store_visits, parts[store_id], part))
    return allocations


def allocate_tac(inputs: Inputs) -> list[Allocation]:
    """Every campaign's allocations, campaign by campaign in id order."""
    cap = inputs.rules.tac_cap_per_visit
    allocations: list[Allocation] = []
    for campaign_id in sorted(inputs.campaigns):
        allocations += allocate_campaign(
            inputs.campaigns[campaign_id], inputs.weights.get(campaign_id, {}), inputs.visits.get(campaign_id, {}), cap
        )
    return allocations


def compute_statements(inputs: Inputs) -> list[StatementData]:
    """One statement per store of `inputs.stores`, in store id order."""
    allocations = allocate_tac(inputs)
    by_store: dict[int, list[Allocation]] = {}
    for allocation in allocations:
        by_store.setdefault(allocation.store_id, []).append(allocation)
    totals = {
        campaign_id: sum(inputs.weights.get(campaign_id, {}).values(), Decimal(0)) for campaign_id in inputs.campaigns
    }
    statements = []
    for store_id in sorted(inputs.stores):
        terms = inputs.terms[store_id]
        rate = inputs.rules.share_rate_overrides.get(store_id, terms.sales_share_rate)
        sales = inputs.sales.get(store_id)
        orders_total = sales.orders_total if sales else ZERO
        refunds_total = sales.refunds_total if sales else ZERO
        net_sales = orders_total - refunds_total
        share = round_money(rate * net_sales)
        mine = by_store.get(store_id, [])
        tac = sum((allocation.part for allocation in mine), ZERO)
        commission = inputs.commissions.get(store_id, ZERO)
        lines = (
            Line(
                LineKind.SALES,
                net_sales,
                False,
                {
                    "orders": sales.orders if sales else 0,
                    "orders_total": money(orders_total),
                    "refunds": sales.refunds if sales else 0,
                    "refunds_total": money(refunds_total),
                },
            ),
            Line(
                LineKind.STORE_SHARE,
                share,
                True,
                {
                    "net_sales": money(net_sales),
                    "share_rate": str(rate),
                    "contract_from": terms.valid_from.isoformat() if terms.valid_from else None,
                },
            ),
            Line(
                LineKind.TAC,
                ZERO - tac,
                terms.tac_chargeable,
                {
                    "basis": inputs.rules.tac_basis,
                    "model": inputs.rules.attribution_model,
                    "cap_per_visit": money(inputs.rules.tac_cap_per_visit)
                    if inputs.rules.tac_cap_per_visit is not None
                    else None,
                    "campaigns": [
                        {
                            "campaign": allocation.campaign_id,
                            "name": inputs.campaigns[allocation.campaign_id].name,
                            "spend": money(inputs.campaigns[allocation.campaign_id].spend),
                            "credited": number(allocation.weight),
                            "brand_credited": number(totals[allocation.campaign_id]),
                            "visits": number(allocation.visits),
                            "before_cap": money(allocation.uncapped),
                            "amount": money(allocation.part),
                        }
                        for allocation in mine
                    ],
                },
            ),
            Line(
                LineKind.COMMISSION, ZERO - commission, terms.commission_borne_by_store, {"payable": money(commission)}
            ),
        )
        statements.append(StatementData(store_id=store_id, lines=lines))
    return statements


def run_totals(inputs: Inputs, statements: list[StatementData]) -> dict[str, Any]:
    """A run's totals (strings for amounts): what the HQ page shows."""

    def total(kind: str, *, counted: bool | None = None) -> Decimal:
        return sum(
            (
                line.amount
                for statement in statements
                for line in statement.lines
                if line.kind == kind and (counted is None or line.counts == counted)
            ),
            ZERO,
        )

    spend = sum((campaign.spend for campaign in inputs.campaigns.values()), ZERO)
    allocated = -total(LineKind.TAC)
    return {
        "stores": len(statements),
        "net_sales": money(total(LineKind.SALES)),
        "store_share": money(total(LineKind.STORE_SHARE)),
        "spend": money(spend),
        "tac_allocated": money(allocated),
        "tac_charged": money(-total(LineKind.TAC, counted=True)),
        "tac_kept_by_hq": money(spend + total(LineKind.TAC, counted=True)),
        "commission": money(-total(LineKind.COMMISSION)),
        "commission_charged": money(-total(LineKind.COMMISSION, counted=True)),
        "net": money(sum((statement.net for statement in statements), ZERO)),
    }
