"""Bulk product import and export (CSV or XLSX) with django-import-export, for the API and the admin.

One row per SKU, columns `category, product, sku_code, sku_name, price`:

- `category` is the category's path from the top, `Lighting / Table lamps`; a path's missing
  categories are created. A single name that is no top-level category but names exactly one
  category elsewhere means that one.
- rows of one `product` (by name) are one product; a new product is created active with an empty
  description; an existing one is moved to the row's category when it differs.
- `sku_code` names the SKU: an existing code updates that SKU (name and price), a new one creates
  it. A code of another product's SKU is an error (move SKUs in the product editor).
- `price` is the brand price, a number >= 0 with at most 2 decimals.

The import is all-or-nothing: every row is checked, every bad one reported with its line (the
header is line 1) and field, and nothing is written when any row is bad.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import tablib
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.results import Result

from catalog.models import Category, Product, Sku
from catalog.selectors import CATEGORY_PATH_SEPARATOR, category_paths
from o2o import spreadsheets
from o2o.fields import money_form_field
from o2o.models import Tenant

COLUMNS = ["category", "product", "sku_code", "sku_name", "price"]
FORMATS: dict[str, type[base_formats.TablibFormat]] = {
    "csv": spreadsheets.CSV,
    "xlsx": spreadsheets.XLSX,
}  # exports: no cell runs as a formula
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 20_000


class UnreadableFile(ValueError):
    """The upload is not a CSV or XLSX file with the expected columns."""


# --- reading files ----------------------------------------------------------------------------


def detect_format(*, file_name: str, content: bytes) -> str:
    """`"xlsx"` or `"csv"`, from the file name's extension, else from the content (XLSX is a zip)."""
    name = file_name.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    return "xlsx" if content[:4] == b"PK\x03\x04" else "csv"


def _decode(content: bytes) -> str:
    # Excel writes UTF-8 with a BOM, or GB18030 (GBK) on Chinese Windows.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is neither UTF-8 nor GB18030 text."))


def read_dataset(*, file_name: str, content: bytes) -> tablib.Dataset:
    """The rows of an uploaded CSV or XLSX file. Raises UnreadableFile with a message for the user."""
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    file_format = detect_format(file_name=file_name, content=content)
    try:
        if file_format == "xlsx":
            if not zipfile.is_zipfile(io.BytesIO(content)):
                raise UnreadableFile(_("The file is not a valid XLSX workbook."))
            dataset = base_formats.XLSX().create_dataset(content)
        else:
            dataset = base_formats.CSV().create_dataset(_decode(content))
    except UnreadableFile:
        raise
    except Exception as exc:  # tablib and openpyxl raise many kinds for a broken file
        raise UnreadableFile(_("The file could not be read as %(format)s.") % {"format": file_format.upper()}) from exc
    headers = [str(header or "").strip().lower() for header in (dataset.headers or [])]
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        raise UnreadableFile(
            _("Missing columns: %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    dataset.headers = headers
    if len(dataset) == 0:
        raise UnreadableFile(_("The file has no rows."))
    if len(dataset) > MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})
    return dataset


# --- one row ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # an XLSX cell holding 1001 for a code
        value = int(value)
    return spreadsheets.unescape(str(value).strip())  # a formula-like text of our CSV export


class RowForm(forms.Form):
    """The checks of one row, each failing one column."""

    category = forms.CharField(max_length=500)
    product = forms.CharField(max_length=Product._meta.get_field("name").max_length)
    sku_code = forms.CharField(max_length=Sku._meta.get_field("code").max_length)
    sku_name = forms.CharField(max_length=Sku._meta.get_field("name").max_length)
    price = money_form_field()

    def clean_category(self) -> list[str]:
        parts = [part.strip() for part in self.cleaned_data["category"].split(CATEGORY_PATH_SEPARATOR.strip())]
        if any(not part for part in parts):
            raise ValidationError(
                _("Separate the levels of a category with '%(separator)s'.")
                % {"separator": CATEGORY_PATH_SEPARATOR.strip()}
            )
        limit = Category._meta.get_field("name").max_length or 120
        if any(len(part) > limit for part in parts):
            raise ValidationError(_("A category name has at most %(limit)d characters.") % {"limit": limit})
        return parts


@dataclass
class ImportCounts:
    categories_created: int = 0
    products_created: int = 0
    products_updated: int = 0
    seen_codes: dict[str, int] = field(default_factory=dict)
    product_categories: dict[str, tuple[tuple[str, ...], int]] = field(default_factory=dict)


class ProductRowResource(resources.ModelResource):
    """A SKU per row with its product and category; built with the brand (`tenant=`)."""

    category = fields.Field(column_name="category", readonly=True)
    product = fields.Field(column_name="product", readonly=True)
    sku_code = fields.Field(attribute="code", column_name="sku_code")
    sku_name = fields.Field(attribute="name", column_name="sku_name")
    price = fields.Field(attribute="price", column_name="price")

    class Meta:
        model = Sku
        fields = ("category", "product", "sku_code", "sku_name", "price")
        import_order = export_order = ("category", "product", "sku_code", "sku_name", "price")
        import_id_fields = ("sku_code",)
        skip_diff = False
        use_bulk = False
        clean_model_instances = False  # RowForm and the checks below are the validation

    def __init__(self, *, tenant: Tenant | None = None, **kwargs: Any) -> None:
        # The admin's export form builds one without arguments just to list its columns.
        super().__init__(**kwargs)
        self.tenant = tenant
        self.counts = ImportCounts()
        self._row: dict[str, Any] = {}
        self._categories: dict[tuple[str, ...], Category] = {}
        self._products: dict[str, Product] = {}
        self._paths: dict[int, str] | None = None

    @classmethod
    def get_display_name(cls) -> str:
        return "Products (one row per SKU)"

    @property
    def brand(self) -> Tenant:
        if self.tenant is None:
            raise ValueError("ProductRowResource needs the brand: ProductRowResource(tenant=...)")
        return self.tenant

    def get_queryset(self) -> QuerySet[Sku]:
        if self.tenant is None:
            return Sku.objects.none()
        return Sku.objects.filter(tenant=self.tenant).select_related("product__category")

    # --- import ---

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        dataset.headers = [str(header or "").strip().lower() for header in (dataset.headers or [])]
        self.counts = ImportCounts()

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        line = kwargs.get("row_number", 0) + 1
        form = RowForm({column: _text(row.get(column)) for column in COLUMNS})
        if not form.is_valid():
            self._row = {}
            raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
        data = form.cleaned_data
        errors: dict[str, list[str]] = {}
        code, product, path = data["sku_code"], data["product"], tuple(data["category"])
        if code in self.counts.seen_codes:
            errors["sku_code"] = [
                _("The code %(code)s is on line %(line)d already.")
                % {"code": code, "line": self.counts.seen_codes[code]}
            ]
        else:
            self.counts.seen_codes[code] = line
        earlier = self.counts.product_categories.setdefault(product, (path, line))
        if earlier[0] != path:
            where = CATEGORY_PATH_SEPARATOR.join(earlier[0])
            errors["category"] = [
                _("The product '%(product)s' is in the category '%(category)s' on line %(line)d.")
                % {"product": product, "category": where, "line": earlier[1]}
            ]
        if errors:
            self._row = {}
            raise ValidationError(errors)
        self._row = data

    def after_import(self, dataset: tablib.Dataset, result: Result, **kwargs: Any) -> None:
        # ModelResource resets the id sequence to max(id) after an import that created rows. Ids are
        # never imported here, so the sequence is right already; and under row-level security max(id)
        # sees this brand's rows only: it would wind the sequence back below ids another brand took
        # meanwhile, and their next insert would collide.
        return None

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Sku | None:
        return self.get_queryset().filter(code=self._row["sku_code"]).first()

    def init_instance(self, row: dict[str, Any] | None = None) -> Sku:
        return Sku(tenant=self.brand)

    def do_instance_save(self, instance: Sku, is_create: bool) -> None:
        with transaction.atomic():  # a database error stays with its row's savepoint
            instance.save(force_insert=is_create)

    def import_instance(self, instance: Sku, row: dict[str, Any], **kwargs: Any) -> None:
        data = self._row
        if instance.pk and instance.product.name != data["product"]:
            raise ValidationError(
                {
                    "sku_code": [
                        _("The code %(code)s belongs to the product '%(product)s'.")
                        % {"code": instance.code, "product": instance.product.name}
                    ]
                }
            )
        instance.tenant = self.brand
        instance.code = data["sku_code"]
        instance.name = data["sku_name"]
        instance.price = data["price"]
        instance.product = self._product(name=data["product"], path=tuple(data["category"]))

    def _category(self, path: tuple[str, ...]) -> Category:
        if path in self._categories:
            return self._categories[path]
        parent = self._category(path[:-1]) if len(path) > 1 else None
        named = Category.objects.filter(tenant=self.brand, name=path[-1])
        found = named.filter(parent=parent).first()
        if found is None and parent is None:
            candidates = list(named[:2])  # a single name naming exactly one category anywhere
            found = candidates[0] if len(candidates) == 1 else None
        if found is None:
            found = Category.objects.create(tenant=self.brand, parent=parent, name=path[-1])
            self.counts.categories_created += 1
        self._categories[path] = found
        return found

    def _product(self, *, name: str, path: tuple[str, ...]) -> Product:
        if name in self._products:
            return self._products[name]
        category = self._category(path)
        product = Product.objects.filter(tenant=self.brand, name=name).first()
        if product is None:
            product = Product.objects.create(tenant=self.brand, name=name, category=category)
            self.counts.products_created += 1
        elif product.category_id != category.pk:
            product.category = category
            product.save(update_fields=["category"])
            self.counts.products_updated += 1
        self._products[name] = product
        return product

    # --- export ---

    def export(self, queryset: QuerySet | None = None, **kwargs: Any) -> tablib.Dataset:
        if queryset is None:
            queryset = self.get_queryset()
        elif queryset.model is Product:  # the admin exports the products it lists: their SKUs
            queryset = self.get_queryset().filter(product__in=queryset)
        queryset = queryset.select_related("product").order_by("product__name", "code", "pk")
        self._paths = category_paths(tenant=self.brand)
        return super().export(queryset=queryset, **kwargs)

    def dehydrate_category(self, sku: Sku) -> str:
        if self._paths is None:
            self._paths = category_paths(tenant=self.brand)
        return self._paths.get(sku.product.category_id, "")

    def dehydrate_product(self, sku: Sku) -> str:
        return sku.product.name

    def dehydrate_price(self, sku: Sku) -> str:
        return f"{sku.price:.2f}"


# --- the import's outcome ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    message: str


def row_errors(result: Result) -> list[RowError]:
    """Every error of an import's result, by line (the header is line 1), with the column named."""
    found: list[RowError] = []
    for invalid in result.invalid_rows:
        for name, messages in invalid.error_dict.items():
            column = None if name == NON_FIELD_ERRORS else _column(name)
            found += [RowError(line=invalid.number + 1, field=column, message=str(m)) for m in messages]
    for number, errors in result.row_errors():
        found += [RowError(line=number + 1, field=None, message=str(error.error)) for error in errors]
    found += [RowError(line=0, field=None, message=str(error.error)) for error in result.base_errors]
    return sorted(found, key=lambda error: (error.line, COLUMNS.index(error.field) if error.field in COLUMNS else 99))


def _column(attribute: str) -> str:
    return {"code": "sku_code", "name": "sku_name"}.get(attribute, attribute)


def export_products(*, tenant: Tenant, file_format: str) -> bytes:
    """The brand's SKUs with their product and category as a CSV or XLSX file (the import's columns).

    A read: writes nothing. `file_format` is `"csv"` or `"xlsx"`; a CSV is UTF-8 with a BOM, so that
    Excel shows Chinese names right.
    """
    resource = ProductRowResource(tenant=tenant)
    dataset = resource.export(queryset=resource.get_queryset())
    data = FORMATS[file_format]().export_data(dataset)
    return data.encode("utf-8-sig") if isinstance(data, str) else data
