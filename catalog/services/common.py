"""What the catalog's writes share: the price check, and unique violations turned into 400s.

Every unique rule (a SKU code, a product name, a category name under its parent, a service name,
one regional price per region and SKU) is held by a database constraint and checked by the writes
first, so that a duplicate is a 400 naming the field, never a 500. Prices are Decimals >= 0 with at
most two decimals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from o2o.errors import Conflict, InvalidInput
from o2o.money import MAX_AMOUNT

MAX_PRICE = MAX_AMOUNT  # what a price field holds

# constraint name -> (field, message): a unique violation that slipped past the checks (a race)
_UNIQUE_FIELDS = {
    "category_unique_name_under_parent": (
        "name",
        gettext_lazy("A category with this name exists already under this parent."),
    ),
    "category_unique_top_level_name": ("name", gettext_lazy("A top-level category with this name exists already.")),
    "product_unique_name": ("name", gettext_lazy("A product with this name exists already.")),
    "sku_unique_code": ("skus", gettext_lazy("A SKU code is used already; reload and try again.")),
    "service_unique_name": ("name", gettext_lazy("A service with this name exists already.")),
}


class InvalidFields(InvalidInput):
    """A 400 naming several fields, nested lists included: `{"skus": [{}, {"code": [...]}]}`."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(next(iter(errors)), "")
        self.detail = _("Invalid input: %(fields)s.") % {"fields": ", ".join(errors)}
        self.extra = {"errors": errors}


@contextmanager
def unique_violations_as_invalid() -> Iterator[None]:
    """Run the writes in a savepoint; a unique violation (a concurrent duplicate) becomes a 400."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        text = str(exc)
        for constraint, (field, message) in _UNIQUE_FIELDS.items():
            if constraint in text:
                raise InvalidInput(field, str(message)) from exc
        raise Conflict(_("The catalog changed at the same time; try again.")) from exc


def check_price(*, field: str, price: Decimal) -> None:
    """Raise InvalidInput naming `field` unless `price` is a Decimal >= 0 with at most 2 decimals."""
    if not isinstance(price, Decimal) or not price.is_finite():
        raise InvalidInput(field, _("Enter a number."))
    if price < 0:
        raise InvalidInput(field, _("A price cannot be negative."))
    if price > MAX_PRICE:
        raise InvalidInput(field, _("This price is too large."))
    if price != price.quantize(Decimal("0.01")):
        raise InvalidInput(field, _("A price has at most 2 decimal places."))
