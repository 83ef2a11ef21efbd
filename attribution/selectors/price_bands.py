"""The brand's price bands (the repurchase report's second key): reads.

Bands run from one lower bound (included) to the next (excluded); the highest is open-ended and
the lowest also takes a price below its bound, so that every line falls in exactly one band. A
brand that set none has one band, "all prices".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from attribution.models import PriceBand
from o2o.errors import NotFound
from o2o.models import Tenant

ALL_PRICES_LOWER = Decimal("0.00")


@dataclass(frozen=True)
class Band:
    """A band as the report shows it: `index` its rank (0 the lowest), `upper` the next band's
    lower bound (None: open-ended), `id` None for the brand's single "all prices" band."""

    index: int
    id: int | None
    lower: Decimal
    upper: Decimal | None
    label: str


def list_price_bands(*, tenant: Tenant) -> QuerySet[PriceBand]:
    """The brand's bands, lowest first."""
    return PriceBand.objects.filter(tenant=tenant).order_by("lower_bound", "pk")


def get_price_band(*, tenant: Tenant, band_id: int) -> PriceBand:
    """One band of the brand; NotFound for a missing or foreign one alike."""
    band = PriceBand.objects.filter(tenant=tenant, pk=band_id).first()
    if band is None:
        raise NotFound(_("No such price band."))
    return band


def report_bands(*, tenant: Tenant) -> list[Band]:
    """The bands the report uses, lowest first, each with its upper bound and its label (its own,
    else "from X to Y" / "X and above"). One query."""
    rows = list(list_price_bands(tenant=tenant).values_list("pk", "lower_bound", "label"))
    if not rows:
        return [Band(index=0, id=None, lower=ALL_PRICES_LOWER, upper=None, label=_("All prices"))]
    bands = []
    for index, (pk, lower, label) in enumerate(rows):
        upper = rows[index + 1][1] if index + 1 < len(rows) else None
        bands.append(Band(index=index, id=pk, lower=lower, upper=upper, label=label or band_label(lower, upper)))
    return bands


def band_label(lower: Decimal, upper: Decimal | None) -> str:
    """A band's label when the brand gave none: "100.00 to 199.99"-like ranges, the last "and above"."""
    if upper is None:
        return _("%(lower)s and above") % {"lower": lower}
    return _("%(lower)s to under %(upper)s") % {"lower": lower, "upper": upper}
