"""HQ's catalog pages, by page area: `products` (the list and the editor of a product with its
SKUs), `categories` (the category tree), `prices` (the regional price lists), `files` (the product
import and export). Each view is thin: a form parses, a selector reads, a service writes; an
application error is shown by the page error boundary (`o2o.portals.errors`) on the page it came
from, with what was typed. Who may use them: `catalog.policies` (HQ), as the API.
"""

from catalog.views.categories import hq_categories, hq_category_delete
from catalog.views.files import hq_product_export, hq_product_import
from catalog.views.prices import hq_price_lists
from catalog.views.products import hq_product_edit, hq_product_list, hq_product_new

__all__ = [
    "hq_categories",
    "hq_category_delete",
    "hq_price_lists",
    "hq_product_edit",
    "hq_product_export",
    "hq_product_import",
    "hq_product_list",
    "hq_product_new",
]
