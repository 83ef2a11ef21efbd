"""Bulk product import (all or nothing, every bad row named, through the catalog's services) and
export, over the API and the admin."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.catalog.snapshots import catalog_of, categories_of, products_of, skus_of

pytestmark = pytest.mark.django_db

HEADER = "category,product,sku_code,sku_name,price\n"
GOOD_ROWS = [
    ("Lighting / Desk lamps", "Reader", "RD-W", "White", "199.00"),
    ("Lighting / Desk lamps", "Reader", "RD-B", "Black", "209.5"),
    ("Lighting", "Arc lamp", "ARC-1", "Brass", "899"),
]


def csv_file(rows, name="products.csv", header=HEADER):
    text = header + "".join(",".join(row) + "\n" for row in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="products.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def post_file(client, upload):
    return client.post("/api/v1/imports/products/", {"file": upload}, format="multipart")


def test_a_file_with_one_bad_row_among_good_ones_writes_nothing_and_names_the_line_and_field(
    api, tenant, hq_admin, django_assert_num_queries
):
    # given a file whose second row (line 3) has a negative price
    rows = [GOOD_ROWS[0], ("Lighting / Desk lamps", "Reader", "RD-B", "Black", "-5"), GOOD_ROWS[2]]
    client = api(hq_admin, tenant)
    # when HQ imports it
    response = post_file(client, csv_file(rows))
    # then the line and the column are named, and nothing at all is written
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "1 row of the file is invalid (line 3); nothing was imported.",
        "errors": {
            "rows": [{"line": 3, "field": "price", "message": "Ensure this value is greater than or equal to 0."}]
        },
    }
    assert catalog_of(tenant) == {"categories": [], "products": [], "skus": [], "prices": [], "services": []}


def test_every_bad_row_is_reported(api, tenant, hq_admin, lamps, make_product):
    # given an existing product holding the code OLD-1
    make_product(tenant, "Old lamp", lamps, [("OLD-1", "One", "1.00")])
    before = catalog_of(tenant)
    rows = [
        GOOD_ROWS[0],
        ("Lighting / Desk lamps", "", "RD-X", "Grey", "1.00"),  # line 3: no product
        ("Lighting / Desk lamps", "Reader", "RD-W", "Again", "1.00"),  # line 4: code on line 2 already
        ("Lighting", "Reader", "RD-G", "Green", "1.00"),  # line 5: Reader is in another category on line 2
        ("Lighting", "Arc lamp", "ARC-1", "Brass", "8.999"),  # line 6: three decimals
        ("Lighting", "Arc lamp", "OLD-1", "Brass", "1.00"),  # line 7: another product's SKU
        ("Lighting //", "Arc lamp", "ARC-2", "Black", "abc"),  # line 8: empty level and not a number
    ]
    # when HQ imports the file
    response = post_file(api(hq_admin, tenant), csv_file(rows))
    # then each bad row is named with its line and column, and nothing is written
    assert response.status_code == 400
    assert response.json()["detail"] == "6 rows of the file are invalid (lines 3, 4, 5, 6, 7, 8); nothing was imported."
    assert response.json()["errors"]["rows"] == [
        {"line": 3, "field": "product", "message": "This field is required."},
        {"line": 4, "field": "sku_code", "message": "The code RD-W is on line 2 already."},
        {
            "line": 5,
            "field": "category",
            "message": "The product 'Reader' is in the category 'Lighting / Desk lamps' on line 2.",
        },
        {"line": 6, "field": "price", "message": "Ensure that there are no more than 2 decimal places."},
        {"line": 7, "field": "sku_code", "message": "The code OLD-1 is used by a SKU of the product 'Old lamp'."},
        {"line": 8, "field": "category", "message": "Separate the levels of a category with '/'."},
        {"line": 8, "field": "price", "message": "Enter a number."},
    ]
    assert catalog_of(tenant) == before


def test_a_good_file_writes_every_row(api, tenant, hq_admin, django_assert_num_queries):
    client = api(hq_admin, tenant)
    upload = csv_file(GOOD_ROWS)
    # when HQ imports three SKUs of two new products in two new categories
    with django_assert_num_queries(41):
        response = post_file(client, upload)
    # then everything is written
    assert response.status_code == 201, response.content
    assert response.json() == {
        "created": 3,
        "updated": 0,
        "products_created": 2,
        "products_updated": 0,
        "categories_created": 2,
    }
    assert categories_of(tenant) == [("Desk lamps", "Lighting"), ("Lighting", None)]
    assert products_of(tenant) == [("Arc lamp", "Lighting", "", True), ("Reader", "Desk lamps", "", True)]
    assert skus_of(tenant) == [
        ("Arc lamp", "ARC-1", "Brass", "899.00", True),
        ("Reader", "RD-B", "Black", "209.50", True),
        ("Reader", "RD-W", "White", "199.00", True),
    ]


def test_an_import_updates_skus_by_code_and_moves_products_to_the_files_category(
    api, tenant, hq_admin, make_category, make_product
):
    # given Reader with RD-W at 150.00 in "Lamps", and a subcategory Desk lamps under Lighting
    lighting = make_category(tenant, "Lighting")
    make_category(tenant, "Desk lamps", parent=lighting)
    make_product(tenant, "Reader", make_category(tenant, "Lamps"), [("RD-W", "White", "150.00")])
    # when the file names RD-W at 199.00 under "Desk lamps" (a single name: the one category so named)
    rows = [("Desk lamps", "Reader", "RD-W", "White", "199.00"), ("Desk lamps", "Reader", "RD-B", "Black", "199.00")]
    response = post_file(api(hq_admin, tenant), csv_file(rows))
    # then RD-W is updated, RD-B created, and Reader moved
    assert response.status_code == 201, response.content
    assert response.json() == {
        "created": 1,
        "updated": 1,
        "products_created": 0,
        "products_updated": 1,
        "categories_created": 0,
    }
    assert products_of(tenant) == [("Reader", "Desk lamps", "", True)]
    assert skus_of(tenant) == [("Reader", "RD-B", "Black", "199.00", True), ("Reader", "RD-W", "White", "199.00", True)]


def test_an_xlsx_file_is_imported_too(api, tenant, hq_admin):
    # given the same rows in a workbook, prices as numbers
    rows = [(c, p, code, n, float(price)) for c, p, code, n, price in GOOD_ROWS]
    response = post_file(api(hq_admin, tenant), xlsx_file(rows))
    assert response.status_code == 201, response.content
    assert skus_of(tenant) == [
        ("Arc lamp", "ARC-1", "Brass", "899.00", True),
        ("Reader", "RD-B", "Black", "209.50", True),
        ("Reader", "RD-W", "White", "199.00", True),
    ]


def test_an_xlsx_file_with_a_bad_row_writes_nothing(api, tenant, hq_admin):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], ("Lighting", "Arc lamp", "", "Brass", 899)]
    response = post_file(api(hq_admin, tenant), xlsx_file(rows, name="upload"))  # found by its content
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "rows": [{"line": 4, "field": "sku_code", "message": "This field is required."}]
    }
    assert products_of(tenant) == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            csv_file([row[:2] + row[3:] for row in GOOD_ROWS], header="category,product,code,price\n"),
            "Missing columns: sku_code, sku_name. Expected: category, product, sku_code, sku_name, price.",
        ),
        (csv_file([]), "The file has no rows."),
        (SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 not a workbook"), "The file is not a valid XLSX workbook."),
    ],
)
def test_an_unusable_file_is_a_400_naming_the_file(api, tenant, hq_admin, upload, message):
    response = post_file(api(hq_admin, tenant), upload)
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": [message]}
    assert products_of(tenant) == []


def test_no_file_is_a_400_naming_the_field(api, tenant, hq_admin):
    response = api(hq_admin, tenant).post("/api/v1/imports/products/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["No file was submitted."]}


def test_a_gb18030_csv_from_chinese_excel_is_read(api, tenant, hq_admin):
    text = HEADER + "灯具,护眼台灯,RD-W,白色,199.00\n"
    upload = SimpleUploadedFile("products.csv", text.encode("gb18030"), content_type="text/csv")
    assert post_file(api(hq_admin, tenant), upload).status_code == 201
    assert skus_of(tenant) == [("护眼台灯", "RD-W", "白色", "199.00", True)]


def test_the_csv_export_has_the_import_columns_and_imports_back_unchanged(
    api, tenant, other_tenant, hq_admin, make_category, make_product, django_assert_num_queries
):
    # given two products, one in a subcategory, and a product of another brand
    lighting = make_category(tenant, "Lighting")
    make_product(tenant, "Reader", make_category(tenant, "Desk lamps", parent=lighting), [("RD-W", "White", "199.00")])
    make_product(tenant, "Arc lamp", lighting, [("ARC-1", "Brass", "899.00"), ("ARC-2", "Black", "849.50")])
    make_product(other_tenant, "Theirs", make_category(other_tenant, "X"), [("T-1", "One", "1.00")])
    client = api(hq_admin, tenant)
    # when HQ exports as CSV
    with django_assert_num_queries(9):
        response = client.get("/api/v1/exports/products/", {"format": "csv"})
    # then the brand's SKUs are there in the import's columns
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="products-alpha.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.splitlines() == [
        "category,product,sku_code,sku_name,price",
        "Lighting,Arc lamp,ARC-1,Brass,899.00",
        "Lighting,Arc lamp,ARC-2,Black,849.50",
        "Lighting / Desk lamps,Reader,RD-W,White,199.00",
    ]
    # and the file imports back without a change
    before = catalog_of(tenant)
    upload = SimpleUploadedFile("export.csv", response.content, content_type="text/csv")
    assert post_file(client, upload).json()["updated"] == 3
    assert catalog_of(tenant) == before


def test_the_xlsx_export_is_a_workbook_with_the_same_rows(api, tenant, hq_admin, lamps, make_product):
    make_product(tenant, "Arc lamp", lamps, [("ARC-1", "Brass", "899.00")])
    response = api(hq_admin, tenant).get("/api/v1/exports/products/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["category", "product", "sku_code", "sku_name", "price"],
        ["Lamps", "Arc lamp", "ARC-1", "Brass", "899.00"],
    ]


def test_the_xlsx_export_replaces_characters_a_workbook_cannot_hold(api, tenant, hq_admin, lamps, make_product):
    # given a product name holding a control character (pasted from another system)
    make_product(tenant, "Arc\x07lamp", lamps, [("ARC-1", "Brass", "899.00")])
    # when HQ exports the catalog as XLSX
    response = api(hq_admin, tenant).get("/api/v1/exports/products/", {"format": "xlsx"})
    # then the file comes, with the character replaced
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("Lamps", "Arc\ufffdlamp", "ARC-1", "Brass", "899.00")
    ]


def test_an_unknown_export_format_is_a_400(api, tenant, hq_admin):
    response = api(hq_admin, tenant).get("/api/v1/exports/products/", {"format": "pdf"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"format": ["Choose csv or xlsx."]}


def test_only_hq_imports_and_exports(api, tenant, store_manager, consumer):
    for user in (store_manager, consumer):
        client = api(user, tenant)
        assert post_file(client, csv_file(GOOD_ROWS)).status_code == 403
        assert client.get("/api/v1/exports/products/").status_code == 403
    assert products_of(tenant) == []


# --- the same in the Django admin ------------------------------------------------------------


@pytest.fixture
def admin_client(tenant, hq_admin):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


def test_the_admin_lists_the_brands_products_only(
    admin_client, tenant, other_tenant, lamps, make_category, make_product
):
    make_product(tenant, "Our lamp", lamps, [("O-1", "One", "1.00")])
    make_product(other_tenant, "Their lamp", make_category(other_tenant, "X"), [("T-1", "One", "1.00")])
    response = admin_client.get("/admin/catalog/product/")
    assert response.status_code == 200
    assert "Our lamp" in response.content.decode()
    assert "Their lamp" not in response.content.decode()


def test_the_admins_import_opens_hqs_import_page_which_writes_through_the_services(admin_client, tenant):
    # when HQ clicks Import in the admin's product list (or posts a file to the admin's confirmation)
    opened = admin_client.get("/admin/catalog/product/import/")
    confirmed = admin_client.post("/admin/catalog/product/process_import/", {"import_file_name": "x.csv"})
    # then HQ's import page opens instead: import-export's own row writes are never used
    assert (opened.status_code, opened["Location"]) == (302, "/hq/products/import/")
    assert (confirmed.status_code, confirmed["Location"]) == (302, "/hq/products/import/")
    assert products_of(tenant) == []
    # and a file with a bad row, uploaded there, writes nothing; a good one everything
    bad = [GOOD_ROWS[0], ("Lighting", "Arc lamp", "ARC-1", "Brass", "-1")]
    refused = admin_client.post("/hq/products/import/", {"file": csv_file(bad)})
    assert refused.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in refused.content.decode()
    assert products_of(tenant) == []
    assert admin_client.post("/hq/products/import/", {"file": csv_file(GOOD_ROWS)}).status_code == 302
    assert skus_of(tenant) == [
        ("Arc lamp", "ARC-1", "Brass", "899.00", True),
        ("Reader", "RD-B", "Black", "209.50", True),
        ("Reader", "RD-W", "White", "199.00", True),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalog/category/",
        "/admin/catalog/category/add/",
        "/admin/catalog/product/",
        "/admin/catalog/product/add/",
        "/admin/catalog/product/export/",
        "/admin/catalog/sku/",
        "/admin/catalog/regionalprice/",
        "/admin/catalog/regionalprice/add/",
        "/admin/catalog/service/",
        "/admin/catalog/service/add/",
    ],
)
def test_the_catalog_admin_pages_open_for_hq(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_the_admin_refuses_a_duplicate_sku_code_with_a_message_not_a_500(admin_client, tenant, lamps, make_product):
    # given a product holding the code L-1
    make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00")])
    before = catalog_of(tenant)
    # when HQ adds another product whose inline SKU reuses it
    data = {
        "name": "Other lamp",
        "category": lamps.pk,
        "description": "",
        "is_active": "on",
        "skus-TOTAL_FORMS": "1",
        "skus-INITIAL_FORMS": "0",
        "skus-MIN_NUM_FORMS": "0",
        "skus-MAX_NUM_FORMS": "1000",
        "skus-0-code": "L-1",
        "skus-0-name": "One",
        "skus-0-price": "2.00",
        "skus-0-is_active": "on",
    }
    response = admin_client.post("/admin/catalog/product/add/", data)
    # then the form comes back with the error, and nothing is written
    assert response.status_code == 200
    assert "SKU with this Tenant and Code already exists." in response.content.decode()
    assert catalog_of(tenant) == before
