"""Writes of the catalog, by sub-domain:

- `categories`: the category tree;
- `products`: products with their SKUs;
- `prices`: regional prices (rules.md 1.7);
- `bookable`: bookable in-store services;
- `imports`: the bulk product import;
- `common`: the price check and the unique violations turned into 400s that they share.

The public names are re-exported here: `from catalog import services` and
`from catalog.services import X` are how callers use them.
"""

from catalog.services.bookable import ServiceInput, create_service, delete_service, update_service
from catalog.services.categories import CategoryInput, create_category, delete_category, update_category
from catalog.services.common import MAX_PRICE, InvalidFields, check_price
from catalog.services.imports import ImportRejected, ImportSummary, import_products
from catalog.services.prices import (
    clear_regional_price,
    delete_regional_price,
    set_regional_price,
    update_regional_price,
)
from catalog.services.products import ProductInput, SkuInput, create_product, delete_product, update_product

__all__ = [
    "MAX_PRICE",
    "CategoryInput",
    "ImportRejected",
    "ImportSummary",
    "InvalidFields",
    "ProductInput",
    "ServiceInput",
    "SkuInput",
    "check_price",
    "clear_regional_price",
    "create_category",
    "create_product",
    "create_service",
    "delete_category",
    "delete_product",
    "delete_regional_price",
    "delete_service",
    "import_products",
    "set_regional_price",
    "update_category",
    "update_product",
    "update_regional_price",
    "update_service",
]
