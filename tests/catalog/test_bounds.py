"""Numbers on every catalog form have exactly the API's bounds: a price is at most 14 digits with 2
decimals and at least 0 (`o2o.money.MONEY`), an id at most 2**63 - 1. A value beyond them is a 400
naming the field, with what was typed kept on the page; never a 500. The page and the API give the
same answer for the same value."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.api.prices import RegionalPriceListApi
from catalog.api.products import SkuInput
from catalog.forms import PriceCellForm, SkuForm
from catalog.productfile import RowForm
from o2o.fields import MAX_ID
from o2o.money import MONEY
from tests.catalog.snapshots import catalog_of
from tests.catalog.test_pages_products import sku_formset

pytestmark = pytest.mark.django_db

TOO_MANY_DIGITS = "99999999999999999999"
REFUSED = {
    TOO_MANY_DIGITS: "Ensure that there are no more than 14 digits in total.",
    "-1": "Ensure this value is greater than or equal to 0.",
    "1.234": "Ensure that there are no more than 2 decimal places.",
    "12a": "Enter a number.",
}


def test_every_catalog_price_field_has_the_apis_bounds():
    # the serializers' price fields and the forms' are the same money field
    fields: list[Any] = [SkuInput().fields["price"], RegionalPriceListApi.Input().fields["price"]]
    fields += [SkuForm.base_fields["price"], PriceCellForm.base_fields["price"], RowForm.base_fields["price"]]
    bounds = {(field.max_digits, field.decimal_places, field.min_value) for field in fields}
    assert bounds == {(MONEY["max_digits"], MONEY["decimal_places"], 0)}
    # and the ids they name stop where an id does
    ids: list[Any] = [SkuForm.base_fields["id"], PriceCellForm.base_fields["sku"]]
    assert [field.max_value for field in ids] == [MAX_ID, MAX_ID]


@pytest.mark.parametrize("value", list(REFUSED))
def test_a_price_beyond_the_bounds_in_the_product_editor_is_a_400_keeping_it(hq, api, hq_admin, tenant, lamps, value):
    before = catalog_of(tenant)
    data = {"name": "Reader", "category": lamps.pk} | sku_formset((None, "RD-W", "White", value, True))
    page = hq.post("/hq/products/new/", data)
    via_api = api(hq_admin, tenant).post(
        "/api/v1/products/",
        {"name": "Reader", "category": lamps.pk, "skus": [{"code": "RD-W", "name": "White", "price": value}]},
        format="json",
    )
    assert page.status_code == via_api.status_code == 400
    assert page.context["formset"].forms[0].errors == {"price": [REFUSED[value]]}
    assert f'value="{value}"' in page.content.decode()
    assert list(via_api.json()["errors"]["skus"][0]) == ["price"]
    assert catalog_of(tenant) == before


@pytest.mark.parametrize("value", list(REFUSED))
def test_a_price_beyond_the_bounds_in_a_price_cell_is_a_400_keeping_it(hq, api, hq_admin, tenant, reader_skus, value):
    sku = reader_skus["RD-W"].pk
    page = hq.post("/hq/price-lists/", {"sku": sku, "region": "east", "price": value}, HTTP_HX_REQUEST="true")
    via_api = api(hq_admin, tenant).post(
        "/api/v1/price-lists/", {"region": "east", "sku": sku, "price": value}, format="json"
    )
    assert page.status_code == via_api.status_code == 400
    assert page.context["cell"].form.errors == {"price": [REFUSED[value]]}
    assert f'value="{value}"' in page.content.decode()
    assert list(via_api.json()["errors"]) == ["price"]
    assert catalog_of(tenant)["prices"] == []


@pytest.mark.parametrize("value", list(REFUSED))
def test_a_price_beyond_the_bounds_in_an_import_names_its_line(hq, tenant, value):
    text = f"category,product,sku_code,sku_name,price\nLamps,Reader,RD-W,White,{value}\n"
    response = hq.post("/hq/products/import/", {"file": SimpleUploadedFile("p.csv", text.encode())})
    assert response.status_code == 400
    assert response.context["rows"] == [{"line": 2, "field": "price", "message": REFUSED[value]}]
    assert catalog_of(tenant)["products"] == []


@pytest.mark.parametrize("written", ["1e5", "1_000", "NaN", "Infinity"])
def test_a_price_not_written_plainly_is_refused_on_the_page_as_over_the_api(
    hq, api, hq_admin, tenant, reader_skus, written
):
    # `1e5` and `1_000` are numbers to Python (100000, 1000), not to someone keying in a price
    sku = reader_skus["RD-W"].pk
    page = hq.post("/hq/price-lists/", {"sku": sku, "region": "east", "price": written}, HTTP_HX_REQUEST="true")
    via_api = api(hq_admin, tenant).post(
        "/api/v1/price-lists/", {"region": "west", "sku": sku, "price": written}, format="json"
    )
    message = "Write the number plainly, such as 1250 or 1250.50."
    assert (page.status_code, via_api.status_code) == (400, 400)
    assert message in page.content.decode()
    assert via_api.json()["errors"] == {"price": [message]}
    assert catalog_of(tenant)["prices"] == []


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/hq/price-lists/", {"sku": TOO_MANY_DIGITS, "region": "east", "price": "1"}),
        ("/hq/products/new/", {"name": "R", "category": TOO_MANY_DIGITS} | sku_formset((None, "X", "X", "1", True))),
        ("/hq/categories/", {"name": "Desk", "parent": TOO_MANY_DIGITS}),
    ],
)
def test_an_id_beyond_the_bounds_is_a_400_not_a_500(hq, tenant, lamps, path, data):
    before = catalog_of(tenant)
    assert hq.post(path, data).status_code == 400
    assert catalog_of(tenant) == before


def test_a_sku_id_beyond_the_bounds_in_the_editor_is_a_400_naming_it(hq, tenant, lamps):
    data = {"name": "Reader", "category": lamps.pk} | sku_formset((TOO_MANY_DIGITS, "RD-W", "White", "1", True))
    response = hq.post("/hq/products/new/", data)
    assert response.status_code == 400
    assert list(response.context["formset"].forms[0].errors) == ["id"]
    assert catalog_of(tenant)["products"] == []
