"""No cell of a stores export runs as a formula when HQ opens it (CSV injection, OWASP): a CSV cell
starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe (numbers are left
alone), an XLSX cell stays text; the API's export, the admin's, and an export imported back."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.stores.factories import make_store, snapshot

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
NAMES = {"SH01": HYPERLINK, "SH02": "+86 Plaza", "SH03": "@Outlet", "SH04": "-Sale-", "SH05": "Tab\tin the middle"}
CSV_NAMES = {
    "SH01": "'" + HYPERLINK,
    "SH02": "'+86 Plaza",
    "SH03": "'@Outlet",
    "SH04": "'-Sale-",
    "SH05": "Tab\tin the middle",
}


@pytest.fixture
def formula_stores(tenant) -> None:
    """Stores whose names a spreadsheet would run as formulas, one south of the equator (lat -33.8688)."""
    with tenant_scope(tenant):
        for code, name in NAMES.items():
            make_store(tenant, code=code, name=name, lat=-33.8688, lng=151.2093)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes, column: str) -> list[tuple[object, str]]:
    """(value, openpyxl data type) of each row's cell in `column`: "s" for text, "f" for a formula."""
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    index = header.index(column)
    return [(row[index].value, row[index].data_type) for row in sheet.iter_rows(min_row=2)]


def test_the_csv_export_escapes_every_cell_that_would_run_as_a_formula(api, tenant, hq_admin, formula_stores):
    # when HQ exports the stores as CSV
    response = api(hq_admin, tenant).get("/api/v1/exports/stores/", {"format": "csv"})
    # then each formula-like name starts with an apostrophe, and the negative latitude is a number
    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert {row["code"]: row["name"] for row in rows} == CSV_NAMES
    assert {row["lat"] for row in rows} == {"-33.8688"}


def test_the_xlsx_export_writes_formula_like_names_as_text(api, tenant, hq_admin, formula_stores):
    # when HQ exports the stores as XLSX
    response = api(hq_admin, tenant).get("/api/v1/exports/stores/", {"format": "xlsx"})
    # then every name is a text cell holding the name exactly, none a formula
    assert response.status_code == 200
    assert xlsx_cells(response.content, "name") == [(NAMES[code], "s") for code in sorted(NAMES)]
    assert xlsx_cells(response.content, "lat") == [("-33.8688", "s")] * len(NAMES)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_formula_like_names_imports_back_unchanged(api, tenant, hq_admin, formula_stores, file_format):
    # given the stores' export
    client = api(hq_admin, tenant)
    before = snapshot(Store, tenant)
    exported = client.get("/api/v1/exports/stores/", {"format": file_format})
    # when HQ imports it back
    upload = SimpleUploadedFile(f"stores.{file_format}", exported.content)
    response = client.post("/api/v1/imports/stores/", {"file": upload}, format="multipart")
    # then every store is as it was: the apostrophes are gone again
    assert (response.status_code, response.json()) == (201, {"created": 0, "updated": len(NAMES)})
    assert snapshot(Store, tenant) == before


@pytest.mark.parametrize(("format_index", "file_format"), [("0", "csv"), ("1", "xlsx")])
def test_the_admin_export_escapes_formulas_too(tenant, hq_admin, formula_stores, format_index, file_format):
    # given HQ in the admin
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    # when they export the stores' codes and names
    form = {"format": format_index, "resource": "0", "storeresource_code": "on", "storeresource_name": "on"}
    response = client.post("/admin/stores/store/export/", form)
    # then no name runs as a formula
    assert response.status_code == 200
    if file_format == "csv":
        assert {row["code"]: row["name"] for row in csv_rows(response.content)} == CSV_NAMES
    else:
        assert xlsx_cells(response.content, "name") == [(NAMES[code], "s") for code in sorted(NAMES)]
