"""The brand's price bands for the repurchase report (issue 11 item 6): HQ creates, changes and
deletes them (`attribution.policies.can_manage_price_bands`).

A lower bound is an amount (0 to MAX_AMOUNT, two decimals), unique in the brand: a duplicate is a
400 naming `lower_bound` (also when two requests race: the unique constraint answers). The label
is optional (at most LABEL_MAX characters); without one the report names the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attribution.models import PriceBand
from attribution.services.campaigns import check_amount
from o2o.errors import InvalidInput, NotFound
from o2o.models import Tenant

LABEL_MAX = 60


@dataclass(frozen=True)
class PriceBandInput:
    lower_bound: Decimal
    label: str = ""


def _check(*, tenant: Tenant, band: PriceBand | None, data: PriceBandInput) -> str:
    check_amount(field="lower_bound", amount=data.lower_bound)
    label = data.label.strip()
    if len(label) > LABEL_MAX:
        raise InvalidInput("label", _("A label has at most %(max)d characters.") % {"max": LABEL_MAX})
    same = PriceBand.objects.filter(tenant=tenant, lower_bound=data.lower_bound)
    if band is not None:
        same = same.exclude(pk=band.pk)
    if same.exists():
        raise InvalidInput("lower_bound", _("A price band starts at this amount already."))
    return label


def _save(band: PriceBand) -> None:
    try:
        with transaction.atomic():
            band.save()
    except IntegrityError as exc:  # a concurrent band with the same bound
        raise InvalidInput("lower_bound", _("A price band starts at this amount already.")) from exc


@transaction.atomic
def create_price_band(*, tenant: Tenant, data: PriceBandInput) -> PriceBand:
    """A new band from `data.lower_bound`. Raises InvalidInput naming `lower_bound` (negative,
    more than two decimals, taken) or `label` (too long)."""
    label = _check(tenant=tenant, band=None, data=data)
    band = PriceBand(tenant=tenant, lower_bound=data.lower_bound, label=label)
    _save(band)
    return band


@transaction.atomic
def update_price_band(*, tenant: Tenant, band: PriceBand, data: PriceBandInput) -> PriceBand:
    """Change a band's bound or label. Errors as `create_price_band`; NotFound when it is gone."""
    locked = PriceBand.objects.select_for_update().filter(tenant=tenant, pk=band.pk).first()
    if locked is None:
        raise NotFound(_("No such price band."))
    locked.label = _check(tenant=tenant, band=locked, data=data)
    locked.lower_bound = data.lower_bound
    _save(locked)
    return locked


@transaction.atomic
def delete_price_band(*, tenant: Tenant, band: PriceBand) -> None:
    """Delete a band: its prices fall in the band below (or, the lowest gone, the next one up)."""
    PriceBand.objects.filter(tenant=tenant, pk=band.pk).delete()
