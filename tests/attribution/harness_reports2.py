"""The repurchase, retention, export and price band entries of the cross-tenant harness (to merge
into tests/attribution/harness.py).

The reports and their files declare no `resource_model`: they answer aggregates, not rows with
ids, so the harness checks their roles and brands (401, 403, unknown brand 404), and
tests/attribution/test_repurchase.py, test_retention.py prove another brand's orders never count.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import count

from django.db.models import Model

from attribution.models import PriceBand
from o2o.models import Tenant

_bounds = count(1)


def _price_band(tenant: Tenant) -> PriceBand:
    return PriceBand.objects.create(tenant=tenant, lower_bound=Decimal(next(_bounds)))


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {PriceBand: _price_band}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "price-band-list": "a lower bound and a label only",
    "price-band-detail": "a lower bound and a label only; the band is the URL's",
}

_REPORT = "a report of the brand's aggregates, not a list of rows"
SINGLE_OBJECTS = {
    "report-repurchase": _REPORT,
    "report-retention": _REPORT,
    **{
        f"report-{name}-{suffix}": _REPORT
        for name in ("funnel", "repurchase", "retention")
        for suffix in ("csv", "xlsx")
    },
}
