"""The bulk product import (CSV or XLSX, all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.resources import ProductRowResource, UnreadableFile, read_dataset, row_errors
from o2o.errors import InvalidInput
from o2o.models import Tenant


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


@transaction.atomic
def import_products(*, tenant: Tenant, file_name: str, content: bytes) -> ImportSummary:
    """Create and update products and their SKUs from a CSV or XLSX file (catalog/resources.py).

    All-or-nothing: raises InvalidInput naming `file` for a file that cannot be read or lacks a
    column, and ImportRejected listing every bad row (line, field, message) when any row is bad;
    nothing is written then.
    """
    try:
        dataset = read_dataset(file_name=file_name, content=content)
    except UnreadableFile as exc:
        raise InvalidInput("file", str(exc)) from exc
    resource = ProductRowResource(tenant=tenant)
    # One savepoint for the whole file, rolled back by import-export itself when any row fails.
    result = resource.import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
    )
    if result.has_errors() or result.has_validation_errors():
        rows = [{"line": e.line, "field": e.field, "message": e.message} for e in row_errors(result)]
        raise ImportRejected(rows)
    return ImportSummary(
        created=result.totals["new"],
        updated=result.totals["update"],
        products_created=resource.counts.products_created,
        products_updated=resource.counts.products_updated,
        categories_created=resource.counts.categories_created,
    )
