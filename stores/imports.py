"""HQ's bulk import and export of stores (CSV or XLSX), all or nothing, every bad row reported.

The file's first row names the columns (the export's columns, so that an export imports back
unchanged). A row is `(line, {column: text})`, `line` being the row's number in the file (the
header is line 1). Every row is checked before anything is written; any bad row rejects the
whole file with the list `[{line, field, message}]` of everything wrong, and nothing is written.
A known code updates that store, a new one creates it (with its kind's opening contract).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources
from import_export.results import Result, RowResult

from o2o import spreadsheets
from o2o.errors import AppError, InvalidInput
from o2o.models import Tenant
from stores import services
from stores.choices import Capability, StoreKind
from stores.models import Store

REQUIRED_COLUMNS = ("code", "name", "kind", "region", "city", "address", "lat", "lng")
OPTIONAL_COLUMNS = (
    "district",
    "phone",
    "service_radius_km",
    "territory",
    "capabilities",
    "timezone",
    "active",
    "opening_hours",
)
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
EXPORT_COLUMNS = (
    "code",
    "name",
    "kind",
    "region",
    "city",
    "district",
    "address",
    "phone",
    "lat",
    "lng",
    "service_radius_km",
    "territory",
    "capabilities",
    "timezone",
    "active",
    "opening_hours",
)
MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MEDIA_TYPE}
_LIST_SEPARATORS = re.compile(r"[;,\s]+")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}

Row = tuple[int, dict[str, str]]


class RowErrors(AppError):
    """A file with bad rows: 400 `{"code": "invalid", "detail", "errors": {"rows": [{line, field, message}]}}`."""

    status_code = 400
    code = "invalid"

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        lines = sorted({row["line"] for row in rows})
        detail = ngettext(
            "%(count)d row of the file is invalid (line %(lines)s); nothing was imported.",
            "%(count)d rows of the file are invalid (lines %(lines)s); nothing was imported.",
            len(lines),
        ) % {"count": len(lines), "lines": ", ".join(map(str, lines))}
        super().__init__(detail, extra={"errors": {"rows": rows}})
        self.rows = rows


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    stores: list[tuple[Store, bool]]  # (store, created)


# --- reading a file ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheets.unescape(str(value).strip())  # a formula-like text of our CSV export


def rows_of(header: Sequence[Any], records: Iterable[tuple[int, Sequence[Any]]]) -> list[Row]:
    """`(line, {column: text})` for each non-empty record, the columns named by `header` (lower-cased)."""
    names = [_text(name).lower() for name in header]
    rows = []
    for line, record in records:
        values = [_text(value) for value in record]
        if not any(values):
            continue
        rows.append((line, {name: value for name, value in zip(names, values, strict=False) if name}))
    return rows


def _read_csv(content: bytes) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # what a Chinese Excel saves as "CSV"
        except UnicodeDecodeError:
            raise InvalidInput("file", _("The CSV is neither UTF-8 nor GB18030 text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        records: list[tuple[int, Sequence[Any]]] = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        raise InvalidInput("file", _("Not a readable CSV: %(error)s.") % {"error": exc})
    return _with_header(header, records)


def _read_xlsx(content: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        records = list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise InvalidInput("file", _("Not a readable XLSX workbook."))
    if not records:
        return _with_header([], [])
    return _with_header(records[0], list(enumerate(records[1:], start=2)))


def _with_header(header: Sequence[Any], records: list[tuple[int, Sequence[Any]]]) -> list[Row]:
    names = [_text(name).lower() for name in header]
    problems = [
        {"line": 1, "field": column, "message": _("This column is missing.")}
        for column in REQUIRED_COLUMNS
        if column not in names
    ]
    problems += [
        {
            "line": 1,
            "field": name,
            "message": _("Unknown column; the columns are %(columns)s.") % {"columns": ", ".join(COLUMNS)},
        }
        for name in names
        if name and name not in COLUMNS
    ]
    problems += [
        {"line": 1, "field": name, "message": _("This column appears twice.")}
        for index, name in enumerate(names)
        if name and name in names[:index]
    ]
    if problems:
        raise RowErrors(problems)
    rows = rows_of(header, records)
    if not rows:
        raise InvalidInput("file", _("The file has no rows under its header."))
    if len(rows) > MAX_ROWS:
        raise InvalidInput("file", _("At most %(max)d rows per file.") % {"max": MAX_ROWS})
    return rows


def read_table(upload: Any) -> list[Row]:
    """The rows of an uploaded CSV or XLSX file (told apart by content, not by name).

    Raises InvalidInput naming `file` for an unreadable or empty file, RowErrors (line 1) for a
    header with missing required, unknown or repeated columns.
    """
    if upload.size > MAX_BYTES:
        raise InvalidInput("file", _("At most %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    content = upload.read()
    return _read_xlsx(content) if content[:4] == b"PK\x03\x04" else _read_csv(content)


# --- checking the rows ------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(value) if part]


def _parse_row(row: dict[str, str], problems: list[tuple[str, str]]) -> dict[str, Any]:
    """The StoreInput fields a row gives (blank optional scalars left out), noting each bad field."""
    values: dict[str, Any] = {}
    for column in ("code", "name", "region", "city", "address"):
        if not row.get(column):
            problems.append((column, _("This field is required.")))
        values[column] = row.get(column, "")
    kind = row.get("kind", "")
    if kind not in StoreKind.values:
        problems.append(("kind", _("One of %(choices)s.") % {"choices": ", ".join(StoreKind.values)}))
    values["kind"] = kind
    for column, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        try:
            number = float(row.get(column, ""))
        except ValueError:
            problems.append((column, _("A number of degrees is required.")))
            continue
        if not low <= number <= high:  # also refuses nan
            problems.append((column, _("Between %(low)d and %(high)d.") % {"low": low, "high": high}))
        values[column] = number
    for column in ("district", "phone"):
        if column in row:
            values[column] = row[column]
    if row.get("service_radius_km"):
        try:
            radius = Decimal(row["service_radius_km"])
            if not radius.is_finite() or radius < 0 or radius >= 10_000:
                raise InvalidOperation
            values["service_radius_km"] = radius
        except InvalidOperation:
            problems.append(("service_radius_km", _("A number of km between 0 and 9999.99.")))
    if "territory" in row:
        values["territory"] = _split(row["territory"])
    if "capabilities" in row:
        capabilities = _split(row["capabilities"].lower())
        unknown = [c for c in capabilities if c not in Capability.values]
        if unknown:
            problems.append(
                (
                    "capabilities",
                    _("Unknown %(unknown)s; use %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(Capability.values)},
                )
            )
        values["capabilities"] = [c for c in Capability.values if c in capabilities]
    if row.get("timezone"):
        values["timezone"] = row["timezone"]
    if row.get("active"):
        flag = row["active"].lower()
        if flag not in _TRUE | _FALSE:
            problems.append(("active", _("true or false.")))
        values["active"] = flag in _TRUE
    if row.get("opening_hours"):
        try:
            values["opening_hours"] = json.loads(row["opening_hours"])
        except json.JSONDecodeError:
            problems.append(("opening_hours", _('JSON such as {"mon": [["10:00", "22:00"]], ..., "sun": []}.')))
    return values


def check_rows(*, tenant: Tenant, rows: Sequence[Row]) -> list[tuple[int, services.StoreInput, Store | None]]:
    """Each row as a StoreInput and the store it updates (None: a new one); RowErrors listing every problem."""
    existing = {
        store.code: store
        for store in Store.objects.filter(tenant=tenant, code__in=[row.get("code", "") for _, row in rows])
        .prefetch_related("territory")
        .order_by()
    }
    seen: dict[str, int] = {}
    checked, errors = [], []
    for line, row in rows:
        problems: list[tuple[str, str]] = []
        values = _parse_row(row, problems)
        code = values["code"]
        if code in seen:
            problems.append(("code", _("Code %(code)s is also on line %(line)d.") % {"code": code, "line": seen[code]}))
        seen.setdefault(code, line)
        data = None
        if not problems:
            store = existing.get(code)
            data = services.store_input_of(store, **values) if store else services.StoreInput(**values)
            try:
                services.check_store_input(data)
            except InvalidInput as exc:
                problems.extend((field, messages[0]) for field, messages in exc.extra["errors"].items())
        if problems:
            errors += [{"line": line, "field": field, "message": message} for field, message in problems]
        elif data is not None:
            checked.append((line, data, existing.get(code)))
    if errors:
        raise RowErrors(errors)
    return checked


@transaction.atomic
def import_stores(*, tenant: Tenant, rows: Sequence[Row]) -> ImportResult:
    """Create or update the stores of `rows`, all or nothing (see the module's docstring).

    Raises RowErrors (400) listing every bad row's line, field and message; nothing is written
    then. New stores get their kind's opening contract; updated ones keep theirs.
    """
    done: list[tuple[Store, bool]] = []
    for line, data, store in check_rows(tenant=tenant, rows=rows):
        try:
            if store is None:
                done.append((services.create_store(tenant=tenant, data=data), True))
            else:
                done.append((services.update_store(tenant=tenant, store=store, data=data), False))
        except InvalidInput as exc:  # e.g. a code created at the same moment elsewhere
            field, messages = next(iter(exc.extra["errors"].items()))
            raise RowErrors([{"line": line, "field": field, "message": messages[0]}])
    created = sum(1 for _, new in done if new)
    return ImportResult(created=created, updated=len(done) - created, stores=done)


# --- export, and the admin's import/export resource --------------------------------------------


class StoreResource(resources.ModelResource):
    """The admin's import and export of stores, in the columns of the API's import and export.

    Its import goes through `import_stores` (the same checks, all or nothing, the services doing
    the writes), so the admin and the API cannot disagree.
    """

    territory = fields.Field(column_name="territory")
    capabilities = fields.Field(column_name="capabilities")
    active = fields.Field(attribute="is_active", column_name="active")
    opening_hours = fields.Field(column_name="opening_hours")

    class Meta:
        model = Store
        fields = EXPORT_COLUMNS
        export_order = EXPORT_COLUMNS
        import_id_fields = ("code",)

    def __init__(self, tenant: Tenant | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tenant = tenant

    def dehydrate_territory(self, store: Store) -> str:
        return " ".join(sorted(t.district for t in store.territory.all()))

    def dehydrate_capabilities(self, store: Store) -> str:
        return ";".join(store.capabilities)

    def dehydrate_active(self, store: Store) -> str:
        return "true" if store.is_active else "false"

    def dehydrate_opening_hours(self, store: Store) -> str:
        return json.dumps(store.opening_hours, separators=(",", ":"))

    def import_data(self, dataset: Any, dry_run: bool = False, raise_errors: bool = False, **kwargs: Any) -> Result:
        """Import through `import_stores`; a dry run is rolled back. Row errors become invalid rows."""
        if self.tenant is None:
            raise RuntimeError("StoreResource needs the tenant to import into")
        result = Result()
        result.diff_headers = [str(h) for h in dataset.headers or []]
        rows = rows_of(dataset.headers or [], list(enumerate(dataset, start=2)))
        try:
            with transaction.atomic():
                imported = import_stores(tenant=self.tenant, rows=rows)
                if dry_run:
                    transaction.set_rollback(True)
        except (RowErrors, InvalidInput) as exc:
            problems = (
                exc.rows
                if isinstance(exc, RowErrors)
                else [
                    {"line": 1, "field": field, "message": messages[0]}
                    for field, messages in exc.extra["errors"].items()
                ]
            )
            by_line: dict[int, dict[str, list[str]]] = {}
            for problem in problems:
                by_line.setdefault(problem["line"], {}).setdefault(problem["field"], []).append(problem["message"])
            values = dict(rows)
            for line, errors in sorted(by_line.items()):
                result.append_invalid_row(line, values.get(line, {}), DjangoValidationError(errors))
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            return result
        for store, created in imported.stores:
            row_result = RowResult()
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if created else RowResult.IMPORT_TYPE_UPDATE
            row_result.add_instance_info(store)
            row_result.instance = store
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        result.total_rows = len(rows)
        return result


def export_stores(*, stores: QuerySet[Store], file_format: str) -> tuple[bytes, str]:
    """The stores as a CSV (UTF-8 with a BOM, so that Excel reads it) or XLSX file, and its media type.

    No cell runs as a formula when the file is opened (`o2o.spreadsheets`).
    """
    dataset = StoreResource().export(queryset=stores)
    if file_format == "xlsx":
        return spreadsheets.XLSX().export_data(dataset), XLSX_MEDIA_TYPE
    return ("\ufeff" + spreadsheets.CSV().export_data(dataset)).encode("utf-8"), EXPORT_FORMATS["csv"]
