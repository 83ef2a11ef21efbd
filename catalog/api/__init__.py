"""The catalog API: categories, products with their SKUs, regional price lists, bookable services,
and the bulk product import and export.

HQ (hq_admin, hq_staff) writes. Categories, products and services are read by anyone, signed in or
not (the shop shows them): everyone but HQ sees the active ones only. Price lists are read by HQ and
store staff. Amounts are strings with two decimals.

By sub-domain: `categories`, `products`, `prices` (regional price lists), `bookable` (bookable
services), `bulk` (import and export); `common` holds the role sets and the fields they share. The
views are re-exported here for `api_urls.py`.
"""

from catalog.api.bookable import ServiceDetailApi, ServiceListApi
from catalog.api.bulk import ImportErrorBody, ProductExportApi, ProductImportApi
from catalog.api.categories import CategoryDetailApi, CategoryListApi
from catalog.api.prices import RegionalPriceDetailApi, RegionalPriceListApi
from catalog.api.products import ProductDetailApi, ProductListApi

__all__ = [
    "CategoryDetailApi",
    "CategoryListApi",
    "ImportErrorBody",
    "ProductDetailApi",
    "ProductExportApi",
    "ProductImportApi",
    "ProductListApi",
    "RegionalPriceDetailApi",
    "RegionalPriceListApi",
    "ServiceDetailApi",
    "ServiceListApi",
]
