"""No cell of a catalog export runs as a formula when HQ opens it (CSV injection, OWASP): product,
SKU and category names starting with =, +, - or @ get a leading apostrophe in CSV and stay text in
XLSX; the API's export, the portal's, the admin's, and an export imported back unchanged."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.catalog.snapshots import catalog_of

pytestmark = pytest.mark.django_db

ROWS = [  # category, product, sku_code, sku_name, price: as the brand has them
    ["@Lighting", "+Desk lamp", "L-1", '=HYPERLINK("http://x","y")', "10.00"],
    ["@Lighting", "Arc lamp", "L-2", "-Brass-", "899.00"],
]
CSV_ROWS = [
    ["'@Lighting", "'+Desk lamp", "L-1", '\'=HYPERLINK("http://x","y")', "10.00"],
    ["'@Lighting", "Arc lamp", "L-2", "'-Brass-", "899.00"],
]
HEADER = ["category", "product", "sku_code", "sku_name", "price"]


@pytest.fixture
def formula_products(tenant, make_category, make_product) -> None:
    lighting = make_category(tenant, "@Lighting")
    for _, product, code, sku_name, price in ROWS:
        make_product(tenant, product, lighting, [(code, sku_name, price)])


def csv_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_of(content: bytes) -> list[list[tuple[object, str]]]:
    """Each row as (value, openpyxl data type): "s" for text, "f" for a formula."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def as_text(rows: list[list[str]]) -> list[list[tuple[object, str]]]:
    return [[(value, "s") for value in row] for row in rows]


@pytest.fixture
def portal(tenant, hq_admin) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


@pytest.mark.parametrize("where", ["api", "portal"])
def test_the_csv_export_escapes_every_cell_that_would_run_as_a_formula(
    api, tenant, hq_admin, portal, formula_products, where
):
    # when HQ exports the catalog as CSV, over the API or from the HQ portal
    if where == "api":
        response = api(hq_admin, tenant).get("/api/v1/exports/products/", {"format": "csv"})
    else:
        response = portal.get("/hq/products/export/", {"format": "csv"})
    # then every formula-like cell starts with an apostrophe; the prices are as they are
    assert response.status_code == 200
    assert csv_of(response.content) == [HEADER, *CSV_ROWS]


@pytest.mark.parametrize("where", ["api", "portal"])
def test_the_xlsx_export_writes_formula_like_names_as_text(api, tenant, hq_admin, portal, formula_products, where):
    # when HQ exports the catalog as XLSX
    if where == "api":
        response = api(hq_admin, tenant).get("/api/v1/exports/products/", {"format": "xlsx"})
    else:
        response = portal.get("/hq/products/export/", {"format": "xlsx"})
    # then every cell is text holding the value exactly, none a formula
    assert response.status_code == 200
    assert xlsx_of(response.content) == as_text([HEADER, *ROWS])


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_formula_like_names_imports_back_unchanged(api, tenant, hq_admin, formula_products, file_format):
    # given the catalog's export
    client = api(hq_admin, tenant)
    before = catalog_of(tenant)
    exported = client.get("/api/v1/exports/products/", {"format": file_format})
    # when HQ imports it back
    upload = SimpleUploadedFile(f"products.{file_format}", exported.content)
    response = client.post("/api/v1/imports/products/", {"file": upload}, format="multipart")
    # then the catalog is as it was: the apostrophes are gone again
    assert (response.status_code, response.json()["updated"]) == (201, 2)
    assert catalog_of(tenant) == before


@pytest.mark.parametrize(("format_index", "file_format"), [("0", "csv"), ("1", "xlsx")])
def test_the_admin_export_escapes_formulas_too(portal, formula_products, format_index, file_format):
    # when HQ exports the products from the admin
    form = {"format": format_index, "resource": "0", **{f"productrowresource_{name}": "on" for name in HEADER}}
    response = portal.post("/admin/catalog/product/export/", form)
    # then no cell runs as a formula
    assert response.status_code == 200
    if file_format == "csv":
        assert csv_of(response.content) == [HEADER, *CSV_ROWS]
    else:
        assert xlsx_of(response.content) == as_text([HEADER, *ROWS])
