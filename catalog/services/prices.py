"""Regional prices (rules.md 1.7): the price of a SKU in a region, where it differs from its own."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import RegionalPrice, Sku
from catalog.services.common import check_price
from o2o.errors import InvalidInput, NotFound
from o2o.models import Tenant


def _clean_region(region: str) -> str:
    region = region.strip()
    if not region:
        raise InvalidInput("region", _("This field may not be blank."))
    if len(region) > (RegionalPrice._meta.get_field("region").max_length or 64):
        raise InvalidInput("region", _("The region name is too long."))
    return region


@transaction.atomic
def set_regional_price(*, tenant: Tenant, sku: Sku, region: str, price: Decimal) -> tuple[RegionalPrice, bool]:
    """Set the price of `sku` in `region` (rules.md 1.7), creating or updating it.

    Returns the row and whether it was created. Raises InvalidInput naming `region`, `sku` (not the
    brand's) or `price` (negative, more than 2 decimals). A concurrent set of the same region and SKU
    ends as one row with the last price.
    """
    region = _clean_region(region)
    check_price(field="price", price=price)
    if sku.tenant_id != tenant.pk:
        raise InvalidInput("sku", _("No such SKU."))
    existing = RegionalPrice.objects.select_for_update().filter(tenant=tenant, sku=sku, region=region).first()
    if existing is None:
        try:
            with transaction.atomic():
                return RegionalPrice.objects.create(tenant=tenant, sku=sku, region=region, price=price), True
        except IntegrityError:  # set by someone else meanwhile: theirs is now the row to update
            existing = RegionalPrice.objects.select_for_update().get(tenant=tenant, sku=sku, region=region)
    if existing.price != price:
        existing.price = price
        existing.save(update_fields=["price"])
    return existing, False


@transaction.atomic
def update_regional_price(*, tenant: Tenant, regional_price: RegionalPrice, price: Decimal) -> RegionalPrice:
    """Change the price of a regional price row. Raises InvalidInput naming `price`; NotFound when
    the row is gone."""
    check_price(field="price", price=price)
    locked = RegionalPrice.objects.select_for_update().filter(tenant=tenant, pk=regional_price.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such regional price."))
    regional_price = locked
    if regional_price.price != price:
        regional_price.price = price
        regional_price.save(update_fields=["price"])
    return regional_price


@transaction.atomic
def delete_regional_price(*, tenant: Tenant, regional_price: RegionalPrice) -> None:
    """Remove a regional price: the SKU's own price applies in that region again."""
    RegionalPrice.objects.filter(tenant=tenant, pk=regional_price.pk).delete()


@transaction.atomic
def clear_regional_price(*, tenant: Tenant, sku: Sku, region: str) -> bool:
    """Remove the price of `sku` in `region`, if one is set (its own price applies there again).

    Returns whether one was removed.
    """
    deleted, _ = RegionalPrice.objects.filter(tenant=tenant, sku=sku, region=region.strip()).delete()
    return bool(deleted)
