"""The product file of the bulk import and export (CSV or XLSX): its columns, reading an upload and
checking each row. Writing is the import service's (`catalog.services.imports`).

One row per SKU, columns `category, product, sku_code, sku_name, price`:

- `category` is the category's path from the top, `Lighting / Table lamps`;
- rows of one `product` (by name) are one product, in one category;
- `sku_code` names the SKU, once in the file;
- `price` is the brand price, with the bounds of the API's prices (`o2o.fields.money_form_field`).

Lines are counted as a spreadsheet shows them: the header is line 1.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import tablib
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from catalog.models import Category, Product, Sku
from catalog.selectors import CATEGORY_PATH_SEPARATOR
from o2o import spreadsheets
from o2o.fields import money_form_field

COLUMNS = ["category", "product", "sku_code", "sku_name", "price"]
MAX_ROWS = 20_000
MAX_FILE_BYTES = 5 * 1024 * 1024


class UnreadableFile(ValueError):
    """The upload is not a CSV or XLSX file with the expected columns."""


@dataclass(frozen=True)
class RowError:
    """What is wrong with a line of the file; `field` is the column, when one is at fault."""

    line: int
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class ProductRow:
    """A checked row: one SKU of a product."""

    line: int
    category: tuple[str, ...]  # the path from the top
    product: str
    sku_code: str
    sku_name: str
    price: Decimal


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


# --- checking rows ----------------------------------------------------------------------------


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

    def clean_category(self) -> tuple[str, ...]:
        parts = tuple(part.strip() for part in self.cleaned_data["category"].split(CATEGORY_PATH_SEPARATOR.strip()))
        if any(not part for part in parts):
            raise ValidationError(
                _("Separate the levels of a category with '%(separator)s'.")
                % {"separator": CATEGORY_PATH_SEPARATOR.strip()}
            )
        limit = Category._meta.get_field("name").max_length or 120
        if any(len(part) > limit for part in parts):
            raise ValidationError(_("A category name has at most %(limit)d characters.") % {"limit": limit})
        return parts


def check_rows(dataset: tablib.Dataset) -> tuple[list[ProductRow], list[RowError]]:
    """The rows of the file that pass the checks of a row and of the file as a whole, and the
    errors of the others: a bad cell, a code on an earlier line already, a product placed in
    another category on an earlier line."""
    rows: list[ProductRow] = []
    errors: list[RowError] = []
    seen_codes: dict[str, int] = {}
    product_categories: dict[str, tuple[tuple[str, ...], int]] = {}
    for index, values in enumerate(dataset.dict):
        line = index + 2
        form = RowForm({column: _text(values.get(column)) for column in COLUMNS})
        if not form.is_valid():
            errors += [RowError(line, name, str(m)) for name, messages in form.errors.items() for m in messages]
            continue
        data = form.cleaned_data
        code, product, path = data["sku_code"], data["product"], data["category"]
        bad = len(errors)
        if code in seen_codes:
            message = _("The code %(code)s is on line %(line)d already.") % {"code": code, "line": seen_codes[code]}
            errors.append(RowError(line, "sku_code", message))
        else:
            seen_codes[code] = line
        earlier = product_categories.setdefault(product, (path, line))
        if earlier[0] != path:
            message = _("The product '%(product)s' is in the category '%(category)s' on line %(line)d.") % {
                "product": product,
                "category": CATEGORY_PATH_SEPARATOR.join(earlier[0]),
                "line": earlier[1],
            }
            errors.append(RowError(line, "category", message))
        if len(errors) == bad:
            rows.append(ProductRow(line, path, product, code, data["sku_name"], data["price"]))
    return rows, errors


def sorted_errors(errors: list[RowError]) -> list[RowError]:
    """By line, then in the order of the columns (a row's own errors last)."""
    return sorted(errors, key=lambda e: (e.line, COLUMNS.index(e.field) if e.field in COLUMNS else len(COLUMNS)))
