"""HQ's product file pages: the import (through the catalog's services, all or nothing) and the export."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog.snapshots import catalog_of, products_of, skus_of

pytestmark = pytest.mark.django_db

HEADER = "category,product,sku_code,sku_name,price\n"


def upload(text: str, name: str = "products.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_import_page_lists_every_bad_row_and_writes_nothing(hq, tenant):
    text = HEADER + "Lamps,Reader,RD-W,White,199\nLamps,Reader,RD-B,Black,x\n"
    response = hq.post("/hq/products/import/", {"file": upload(text)})
    assert response.status_code == 400
    assert response["X-Page-Error"] == "invalid"
    assert response.context["rows"] == [{"line": 3, "field": "price", "message": "Enter a number."}]
    assert "1 row of the file is invalid (line 3); nothing was imported." in response.content.decode()
    assert products_of(tenant) == []


def test_the_import_page_imports_a_good_file_and_says_so(hq, tenant):
    response = hq.post("/hq/products/import/", {"file": upload(HEADER + "Lamps,Reader,RD-W,White,199\n")})
    assert (response.status_code, response["Location"]) == (302, "/hq/products/")
    assert skus_of(tenant) == [("Reader", "RD-W", "White", "199.00", True)]
    assert "Imported: 1 SKUs created, 0 updated." in hq.get("/hq/products/").content.decode()


def test_the_import_page_names_an_unusable_file_on_the_file_field(hq, tenant):
    response = hq.post("/hq/products/import/", {"file": upload("name,price\nx,1\n")})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "file": [
            "Missing columns: category, product, sku_code, sku_name. Expected: category, product, sku_code, "
            "sku_name, price."
        ]
    }
    assert response.context["rows"] == []


def test_the_import_page_refuses_no_file(hq, tenant):
    response = hq.post("/hq/products/import/", {})
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["This field is required."]}


def test_the_import_page_refuses_another_products_sku_in_english_and_chinese(hq, tenant, lamps, make_product):
    # given the code OLD-1 held by the product Old lamp
    make_product(tenant, "Old lamp", lamps, [("OLD-1", "One", "1.00")])
    before = catalog_of(tenant)
    text = HEADER + "Lamps,Reader,RD-W,White,199\nLamps,Reader,OLD-1,Black,1\n"
    # when HQ imports a file giving that code to Reader, in English and in Chinese
    english = hq.post("/hq/products/import/", {"file": upload(text)})
    chinese = hq.post("/hq/products/import/", {"file": upload(text)}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the line is named in the reader's language, and nothing is written
    assert english.status_code == chinese.status_code == 400
    assert english.context["rows"] == [
        {"line": 3, "field": "sku_code", "message": "The code OLD-1 is used by a SKU of the product 'Old lamp'."}
    ]
    assert chinese.context["rows"] == [
        {"line": 3, "field": "sku_code", "message": "编码 OLD-1 已被商品“Old lamp”的 SKU 使用。"}
    ]
    assert catalog_of(tenant) == before


def test_the_export_page_gives_the_brands_file(hq, tenant, lamps, make_product, django_assert_num_queries):
    make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    with django_assert_num_queries(10):
        response = hq.get("/hq/products/export/", {"format": "csv"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines() == [
        "category,product,sku_code,sku_name,price",
        "Lamps,Reader,RD-W,White,199.00",
    ]


def test_rows_written_before_a_refused_one_are_rolled_back(hq, tenant, lamps, make_product):
    # given the code OLD-1 held by Old lamp
    make_product(tenant, "Old lamp", lamps, [("OLD-1", "One", "1.00")])
    before = catalog_of(tenant)
    # when a file's first product (in a new category) is good, and its last one takes OLD-1
    text = HEADER + "Fans,Breeze,BRZ-1,White,299\nFans / Desk,Mini,MINI-1,Grey,99\nLamps,Reader,OLD-1,Black,1\n"
    response = hq.post("/hq/products/import/", {"file": upload(text)})
    # then the refused line is named, and what the good rows had written is gone too
    assert response.status_code == 400
    assert response.context["rows"] == [
        {"line": 4, "field": "sku_code", "message": "The code OLD-1 is used by a SKU of the product 'Old lamp'."}
    ]
    assert catalog_of(tenant) == before
