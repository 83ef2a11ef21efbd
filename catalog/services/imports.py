"""The bulk product import (CSV or XLSX, all or nothing), through the catalog's own writes.

The file is read and its rows checked (`catalog.productfile`); then each product of the file is
created or updated by `create_product` / `update_product`, and each missing category created by
`create_category`: the writes the API and the HQ pages use, with their validation, locks and rules.
Everything runs in one transaction; when any row is bad (a cell, or a write refusing it), every
bad row is reported with its line and column and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog import selectors
from catalog.models import Category, Product
from catalog.productfile import ProductRow, RowError, UnreadableFile, check_rows, read_dataset, sorted_errors
from catalog.services.categories import CategoryInput, create_category
from catalog.services.products import ProductInput, SkuInput, create_product, update_product
from o2o.errors import InvalidInput
from o2o.models import Tenant

# a write's field -> the file's column (None: the row as a whole)
_PRODUCT_COLUMNS = {"name": "product", "category": "category"}
_SKU_COLUMNS = {"code": "sku_code", "name": "sku_name", "price": "price"}


class ImportRejected(InvalidInput):
    """A 400 for an import with bad rows: `errors.rows` lists `{line, field, message}`; nothing was written."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__("rows", "")
        lines = sorted({row["line"] for row in rows if row["line"]})
        count = len(lines)
        self.detail = (
            ngettext(
                "%(count)d row of the file is invalid (line %(lines)s); nothing was imported.",
                "%(count)d rows of the file are invalid (lines %(lines)s); nothing was imported.",
                count,
            )
            % {"count": count, "lines": ", ".join(map(str, lines))}
            if lines
            else _("The file could not be imported; nothing was imported.")
        )
        self.extra = {"errors": {"rows": rows}}


@dataclass(frozen=True)
class ImportSummary:
    created: int  # SKUs
    updated: int  # SKUs
    products_created: int
    products_updated: int
    categories_created: int


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    products_created: int = 0
    products_updated: int = 0
    categories_created: int = 0


class _Categories:
    """The brand's categories by path, creating the missing ones with `create_category`.

    A path is looked up level by level from the top. A single name that is no top-level category
    but names exactly one category elsewhere means that one (`Desk lamps` for `Lighting / Desk lamps`).
    """

    def __init__(self, tenant: Tenant, counts: _Counts) -> None:
        self.tenant = tenant
        self.counts = counts
        self.all = list(selectors.list_categories(tenant=tenant))
        self.found: dict[tuple[str, ...], Category] = {}

    def get(self, path: tuple[str, ...]) -> Category:
        if path in self.found:
            return self.found[path]
        parent = self.get(path[:-1]) if len(path) > 1 else None
        parent_id = parent.pk if parent is not None else None
        named = [category for category in self.all if category.name == path[-1]]
        found = next((category for category in named if category.parent_id == parent_id), None)
        if found is None and parent is None and len(named) == 1:
            found = named[0]
        if found is None:
            found = create_category(tenant=self.tenant, data=CategoryInput(name=path[-1], parent=parent))
            self.all.append(found)
            self.counts.categories_created += 1
        self.found[path] = found
        return found


def _errors_of(error: InvalidInput, *, line: int, sku_lines: Sequence[int | None]) -> list[RowError]:
    """A write's refusal as the rows it names: a SKU's fault on the line of that SKU, the
    product's on the line of its first row."""
    found: list[RowError] = []
    for field, problems in (error.extra.get("errors") or {}).items():
        if field == "skus" and problems and isinstance(problems[0], dict):
            for sku_line, problem in zip(sku_lines, problems, strict=False):
                for name, messages in problem.items():
                    column = _SKU_COLUMNS.get(name) if sku_line is not None else None
                    found += [RowError(sku_line or line, column, str(message)) for message in messages]
        else:
            found += [RowError(line, _PRODUCT_COLUMNS.get(field), str(message)) for message in problems]
    return found or [RowError(line, None, str(error.detail))]


def _skus_of(product: Product, rows: list[ProductRow]) -> tuple[list[SkuInput], list[int | None]]:
    """The product's SKUs as the file leaves them, with the line naming each (None: not in the file).

    A SKU the file names gets its name and price; the product's other SKUs stay as they are (an
    import adds and updates, it never switches a SKU off); a new code is a new SKU.
    """
    listed = {row.sku_code: row for row in rows}
    skus: list[SkuInput] = []
    lines: list[int | None] = []
    for sku in product.skus.all():
        row = listed.pop(sku.code, None)
        name, price = (row.sku_name, row.price) if row is not None else (sku.name, sku.price)
        skus.append(SkuInput(id=sku.pk, code=sku.code, name=name, price=price, is_active=sku.is_active))
        lines.append(row.line if row is not None else None)
    for row in listed.values():
        skus.append(SkuInput(code=row.sku_code, name=row.sku_name, price=row.price))
        lines.append(row.line)
    return skus, lines


def _write(*, tenant: Tenant, rows: list[ProductRow]) -> tuple[_Counts, list[RowError]]:
    counts = _Counts()
    errors: list[RowError] = []
    by_product: dict[str, list[ProductRow]] = {}
    for row in rows:
        by_product.setdefault(row.product, []).append(row)
    categories = _Categories(tenant, counts)
    existing = selectors.products_by_name(tenant=tenant, names=list(by_product))
    for name, product_rows in by_product.items():
        line = product_rows[0].line
        product = existing.get(name)
        sku_lines: list[int | None] = [row.line for row in product_rows]
        try:
            category = categories.get(product_rows[0].category)
            if product is None:
                skus = [SkuInput(code=row.sku_code, name=row.sku_name, price=row.price) for row in product_rows]
                create_product(tenant=tenant, data=ProductInput(name=name, category=category), skus=skus)
                counts.products_created += 1
                counts.created += len(skus)
                continue
            skus, sku_lines = _skus_of(product, product_rows)
            data = ProductInput(
                name=product.name, category=category, description=product.description, is_active=product.is_active
            )
            moved = product.category_id != category.pk
            update_product(tenant=tenant, product=product, data=data, skus=skus)
        except InvalidInput as error:  # this product's rows are reported; the others go on being checked
            errors += _errors_of(error, line=line, sku_lines=sku_lines)
            continue
        counts.products_updated += moved
        counts.updated += sum(1 for sku, sku_line in zip(skus, sku_lines, strict=True) if sku.id and sku_line)
        counts.created += sum(1 for sku in skus if sku.id is None)
    return counts, errors


@transaction.atomic
def import_products(*, tenant: Tenant, file_name: str, content: bytes) -> ImportSummary:
    """Create and update products and their SKUs from a CSV or XLSX file (`catalog.productfile`).

    Rows naming one product are one product, in the row's category (an existing product is moved
    there); missing categories are created; an existing code updates that SKU's name and price, a
    new one adds a SKU. Each product is written by `create_product` / `update_product`, so the file
    meets every rule of those writes (a code of another product's SKU is refused, for one).

    All-or-nothing: raises InvalidInput naming `file` for a file that cannot be read or lacks a
    column, and ImportRejected listing every bad row (line, column, message) when any row is bad;
    nothing is written then.
    """
    try:
        dataset = read_dataset(file_name=file_name, content=content)
    except UnreadableFile as exc:
        raise InvalidInput("file", str(exc)) from exc
    rows, errors = check_rows(dataset)
    counts, refused = _write(tenant=tenant, rows=rows)
    errors += refused
    if errors:  # leaving the transaction by the exception rolls back what the good rows wrote
        raise ImportRejected([error.as_dict() for error in sorted_errors(errors)])
    return ImportSummary(
        created=counts.created,
        updated=counts.updated,
        products_created=counts.products_created,
        products_updated=counts.products_updated,
        categories_created=counts.categories_created,
    )
