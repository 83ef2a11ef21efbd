"""The product export (CSV or XLSX) with django-import-export, for the HQ page, the API and the admin.

One row per SKU in the columns of the import (`catalog.productfile`): an export, edited, imports
back. No cell of the file runs as a formula (`o2o.spreadsheets`). Importing is not done here: the
import writes through the catalog's services (`catalog.services.imports`).
"""

from __future__ import annotations

from typing import Any

import tablib
from django.db.models import QuerySet
from import_export import fields, resources
from import_export.formats import base_formats

from catalog.models import Product, Sku
from catalog.productfile import COLUMNS
from catalog.selectors import category_paths
from o2o import spreadsheets
from o2o.models import Tenant

FORMATS: dict[str, type[base_formats.TablibFormat]] = {
    "csv": spreadsheets.CSV,
    "xlsx": spreadsheets.XLSX,
}  # exports: no cell runs as a formula
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ProductRowResource(resources.ModelResource):
    """A SKU per row with its product and category (export only); built with the brand (`tenant=`)."""

    category = fields.Field(column_name="category", readonly=True)
    product = fields.Field(column_name="product", readonly=True)
    sku_code = fields.Field(attribute="code", column_name="sku_code", readonly=True)
    sku_name = fields.Field(attribute="name", column_name="sku_name", readonly=True)
    price = fields.Field(attribute="price", column_name="price", readonly=True)

    class Meta:
        model = Sku
        fields = tuple(COLUMNS)
        export_order = tuple(COLUMNS)

    def __init__(self, *, tenant: Tenant | None = None, **kwargs: Any) -> None:
        # The admin's export form builds one without arguments just to list its columns.
        super().__init__(**kwargs)
        self.tenant = tenant
        self._paths: dict[int, str] | None = None

    @classmethod
    def get_display_name(cls) -> str:
        return "Products (one row per SKU)"

    def get_queryset(self) -> QuerySet[Sku]:
        if self.tenant is None:
            return Sku.objects.none()
        return Sku.objects.filter(tenant=self.tenant).select_related("product")

    def export(self, queryset: QuerySet | None = None, **kwargs: Any) -> tablib.Dataset:
        if queryset is None:
            queryset = self.get_queryset()
        elif queryset.model is Product:  # the admin exports the products it lists: their SKUs
            queryset = self.get_queryset().filter(product__in=queryset)
        queryset = queryset.select_related("product").order_by("product__name", "code", "pk")
        self._paths = None
        return super().export(queryset=queryset, **kwargs)

    def dehydrate_category(self, sku: Sku) -> str:
        if self._paths is None:  # once per export
            self._paths = category_paths(tenant=self.tenant) if self.tenant is not None else {}
        return self._paths.get(sku.product.category_id, "")

    def dehydrate_product(self, sku: Sku) -> str:
        return sku.product.name

    def dehydrate_price(self, sku: Sku) -> str:
        return f"{sku.price:.2f}"


def export_products(*, tenant: Tenant, file_format: str) -> bytes:
    """The brand's SKUs with their product and category as a CSV or XLSX file (the import's columns).

    A read: writes nothing. `file_format` is `"csv"` or `"xlsx"`; a CSV is UTF-8 with a BOM, so that
    Excel shows Chinese names right.
    """
    resource = ProductRowResource(tenant=tenant)
    dataset = resource.export(queryset=resource.get_queryset())
    data = FORMATS[file_format]().export_data(dataset)
    return data.encode("utf-8-sig") if isinstance(data, str) else data
