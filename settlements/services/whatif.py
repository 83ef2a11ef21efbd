"""The what-if preview (issue 13, item 4): a period settled under the brand's rules today and under a
proposal (another attribution model, TAC basis or cap per visit, another share rate for one
store), store by store, and the difference. Reads only: nothing is posted or saved.

Pure reuse of the run's computation: `gather_inputs` under each set of rules (the proposal's
inputs are read again only when its model or basis changes what is credited), then
`compute_statements` on each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from o2o.errors import InvalidInput
from o2o.models import Tenant
from settlements.commissions import commissions_for_run
from settlements.computation import StatementData, compute_statements, money
from settlements.models import LineKind, SettlementRun
from settlements.selectors.inputs import Inputs, Rules, gather_inputs
from stores.models import Store

ZERO = Decimal("0.00")
KEEP = object()  # the proposal keeps the brand's current value
CAP_WORDS = gettext_lazy("Write an amount such as 5.00, or none.")
_PLAIN_CAP = re.compile(r"\d{1,12}(\.\d{1,2})?")


def read_cap(text: str) -> Any:
    """A proposed `tac_cap_per_visit` as typed (the API's and the page's): empty keeps today's
    (`KEEP`), `none` removes the cap (None), else a plain amount with at most two decimals
    (`1e5`, `NaN` and negatives are refused like every money field's). ValueError(CAP_WORDS)
    otherwise."""
    text = (text or "").strip()
    if not text:
        return KEEP
    if text.lower() == "none":
        return None
    if not _PLAIN_CAP.fullmatch(text):
        raise ValueError(str(CAP_WORDS))
    return Decimal(text).quantize(Decimal("0.01"))


MAX_DAYS = 366


@dataclass(frozen=True)
class Proposal:
    """What changes; None: as today. `tac_cap_per_visit`: `KEEP`, None (no cap) or a cap."""

    attribution_model: str | None = None
    tac_basis: str | None = None
    tac_cap_per_visit: Any = KEEP
    store_id: int | None = None
    share_rate: Decimal | None = None

    def rules(self, current: Rules) -> Rules:
        return Rules(
            attribution_model=self.attribution_model or current.attribution_model,
            tac_basis=self.tac_basis or current.tac_basis,
            tac_cap_per_visit=current.tac_cap_per_visit if self.tac_cap_per_visit is KEEP else self.tac_cap_per_visit,
            share_rate_overrides=(
                {self.store_id: self.share_rate} if self.store_id is not None and self.share_rate is not None else {}
            ),
        )


def _figures(statement: StatementData | None) -> dict[str, str]:
    amounts = dict.fromkeys(LineKind.values, ZERO)
    if statement is not None:
        amounts.update({line.kind: line.amount for line in statement.lines})
    counted = {kind: statement.line(kind).counts for kind in LineKind.values} if statement else {}
    return {
        **{kind: money(amount) for kind, amount in amounts.items()},
        "net": money(statement.net if statement else ZERO),
        "counts": counted,  # type: ignore[dict-item]
    }


def _difference(today: dict[str, Any], proposal: dict[str, Any]) -> dict[str, str]:
    keys = [*LineKind.values, "net"]
    return {key: money(Decimal(proposal[key]) - Decimal(today[key])) for key in keys}


def preview_period(*, tenant: Tenant, start: dt.date, end: dt.date, proposal: Proposal) -> dict[str, Any]:
    """The period `[start, end)` today and under `proposal`, per store and in total. Raises
    InvalidInput for a bad period or a store not of the brand. Twelve queries at most, whatever
    the number of orders; nothing written."""
    if end <= start:
        raise InvalidInput("period_end", _("The period must end after it starts."))
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("period_end", _("Preview at most a year at a time."))
    names = {
        pk: (code, name) for pk, code, name in Store.objects.filter(tenant=tenant).values_list("pk", "code", "name")
    }
    if proposal.store_id is not None and proposal.store_id not in names:
        raise InvalidInput("store", _("No such store."))
    period_run = SettlementRun(tenant=tenant, period_start=start, period_end=end, dry_run=True)
    commissions = commissions_for_run(tenant=tenant, run=period_run).totals
    current = Rules.of(tenant)
    proposed = proposal.rules(current)
    today_inputs = gather_inputs(tenant=tenant, start=start, end=end, commissions=commissions, rules=current)
    recredited = (proposed.attribution_model, proposed.tac_basis) != (current.attribution_model, current.tac_basis)
    proposal_inputs: Inputs = (
        gather_inputs(tenant=tenant, start=start, end=end, commissions=commissions, rules=proposed)
        if recredited
        else dataclasses.replace(today_inputs, rules=proposed)
    )
    today = {s.store_id: s for s in compute_statements(today_inputs)}
    under = {s.store_id: s for s in compute_statements(proposal_inputs)}
    stores: list[dict[str, Any]] = []
    for store_id in sorted(set(today) | set(under)):
        before, after = _figures(today.get(store_id)), _figures(under.get(store_id))
        stores.append(
            {
                "store": store_id,
                "code": names[store_id][0],
                "name": names[store_id][1],
                "kind": today_inputs.stores.get(store_id) or proposal_inputs.stores.get(store_id),
                "today": before,
                "proposal": after,
                "difference": _difference(before, after),
            }
        )
    totals_today = {
        key: money(sum((Decimal(s["today"][key]) for s in stores), ZERO)) for key in [*LineKind.values, "net"]
    }
    totals_after = {
        key: money(sum((Decimal(s["proposal"][key]) for s in stores), ZERO)) for key in [*LineKind.values, "net"]
    }
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "rules": {"today": _rules(current), "proposal": _rules(proposed)},
        "stores": stores,
        "totals": {
            "today": totals_today,
            "proposal": totals_after,
            "difference": _difference(totals_today, totals_after),
        },
    }


def _rules(rules: Rules) -> dict[str, Any]:
    return {
        "attribution_model": rules.attribution_model,
        "tac_basis": rules.tac_basis,
        "tac_cap_per_visit": money(rules.tac_cap_per_visit) if rules.tac_cap_per_visit is not None else None,
        "share_rates": {str(store): str(rate) for store, rate in rules.share_rate_overrides.items()},
    }
