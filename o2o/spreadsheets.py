"""The CSV and XLSX files the platform exports, safe to open in a spreadsheet program.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel or WPS when the file is opened (CSV injection, OWASP): a store named
`=HYPERLINK("http://evil","Click")` would be a live link in HQ's export. So the exports write:

- CSV: such a text with a leading apostrophe, OWASP's escape (a number such as `-33.86` is left
  as it is; it runs nothing);
- XLSX: every text as a text cell, exactly as it is (openpyxl would store a text starting with `=`
  as a formula), and the characters a workbook cannot hold replaced by U+FFFD.

Imports take the apostrophe off again (`unescape`), so that an export imports back unchanged.

django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is not used: it only drops a
leading `=` (which changes the name, and leaves `+`, `-`, `@` live), turns every cell into text,
and is not applied where a dataset is exported directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import tablib
from import_export.formats import base_formats
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from tablib.formats._xlsx import XLSXFormat

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _needs_apostrophe(text: str) -> bool:
    # A text that already starts with apostrophes before a formula gets one more, so that
    # `unescape` takes exactly one off and every text comes back as it was.
    body = text.lstrip("'")
    return body.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(body)


def escape(value: Any) -> Any:
    """`value` for a CSV cell: a text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and _needs_apostrophe(value):
        return "'" + value
    return value


def unescape(text: str) -> str:
    """A cell of an uploaded file without the apostrophe `escape` put before a formula."""
    if text.startswith("'") and _needs_apostrophe(text[1:]):
        return text[1:]
    return text


def _holdable(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return value


def _map_cells(dataset: tablib.Dataset, change: Callable[[Any], Any]) -> tablib.Dataset:
    changed = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        changed.append([change(cell) for cell in row])
    return changed


class _TextCellsXLSX(XLSXFormat):
    """tablib's XLSX writer, keeping every text a text cell."""

    @classmethod
    def dset_sheet(cls, dataset: tablib.Dataset, ws: Any, freeze_panes: bool = True, escape: bool = False) -> None:
        super().dset_sheet(dataset, ws, freeze_panes=freeze_panes, escape=escape)
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # a text that starts with "=": written as the text it is
                    cell.data_type = "s"


class CSV(base_formats.CSV):
    """django-import-export's CSV format, escaping formulas on export (for the admin and the API)."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        return super().export_data(_map_cells(dataset, escape), **kwargs)


class XLSX(base_formats.XLSX):
    """django-import-export's XLSX format, writing texts as text cells, never formulas."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        return _TextCellsXLSX.export_set(_map_cells(dataset, _holdable), **kwargs)
