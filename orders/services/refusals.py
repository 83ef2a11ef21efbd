"""The 422 answers of checkout: no store can serve the order, or the store the consumer chose cannot
(rules.md 1.2), each saying why in the caller's language."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from o2o.errors import Unprocessable
from orders.choices import Exclusion
from orders.routing import Considered, Decision, Detail, store_entry_only
from orders.services.common import routing_record
from stores.models import Store


def _summary(decision: Decision) -> str:
    """Why no store could serve: each exclusion with how many stores it removed."""
    counts = Counter(c.excluded for c in decision.considered if c.excluded)
    if not counts:
        return _("the brand has no active store")
    labels = dict(Exclusion.choices)
    # Translators: one reason no store could serve an order, with how many stores it removed
    parts = [_("%(reason)s: %(stores)d") % {"reason": labels.get(r, r), "stores": n} for r, n in sorted(counts.items())]
    # Translators: what separates the reasons of the list above
    return _("; ").join(parts)


def cannot_route(
    decision: Decision, *, guide_store: int | None, chosen_store: Store | None = None, full_record: bool = False
) -> Unprocessable:
    """The 422 of an order no store can serve, or that the consumer's chosen store cannot. Its
    routing record names every store considered only when `full_record` (HQ): anyone else reads
    the reason and the chosen store's entry (`routing.store_entry_only`)."""
    record = routing_record(decision, guide_store_id=guide_store, translated=True)
    if not full_record:
        record = store_entry_only(record, chosen_store.pk if chosen_store is not None else None)
    if decision.refusal is not None:
        refusal = decision.refusal
        if chosen_store is not None and not chosen_store.is_active:  # routing loads active stores only
            refusal = Considered(chosen_store.pk, chosen_store.code, None, Exclusion.INACTIVE, Detail("closed"))
        why = refusal.why()
        return Unprocessable(
            _("The chosen store cannot serve this order: %(why)s.") % {"why": why},
            code="store_cannot_serve",
            extra={
                "store": refusal.store,
                "reason": refusal.excluded,
                "why": why,
                "alternatives": [
                    {
                        "store": c.store,
                        "code": c.code,
                        "distance_km": c.as_record()["distance_km"],
                    }
                    for c in decision.alternatives
                ],
                "routing": {**record, "reason": "store_cannot_serve"},
            },
        )
    return Unprocessable(
        _("No store can serve this order (%(why)s).") % {"why": _summary(decision)},
        code="unroutable",
        extra={"routing": {**record, "reason": "unroutable"}},
    )
