"""The HQ product pages: the product list and the product editor with its SKUs."""

from __future__ import annotations

import pytest

from tests.catalog.snapshots import catalog_of, products_of, skus_of

pytestmark = pytest.mark.django_db


def sku_formset(*rows, total=None):
    """The editor's SKU rows as POST data: (id, code, name, price, is_active)."""
    data = {
        "skus-TOTAL_FORMS": str(total or len(rows)),
        "skus-INITIAL_FORMS": "0",
        "skus-MIN_NUM_FORMS": "0",
        "skus-MAX_NUM_FORMS": "1000",
    }
    for index, (sku_id, code, name, price, active) in enumerate(rows):
        data |= {
            f"skus-{index}-id": sku_id or "",
            f"skus-{index}-code": code,
            f"skus-{index}-name": name,
            f"skus-{index}-price": price,
        }
        if active:
            data[f"skus-{index}-is_active"] = "on"
    return data


def test_the_product_list_shows_the_brands_products_with_their_skus_and_filters(
    hq, tenant, other_tenant, lamps, make_category, make_product, django_assert_num_queries
):
    # given two products of the brand and one of another brand
    make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    make_product(tenant, "Breeze", make_category(tenant, "Fans"), [("BRZ-1", "White", "299.00")], is_active=False)
    make_product(other_tenant, "Theirs", make_category(other_tenant, "X"), [("T-1", "One", "1.00")])
    # when HQ opens the list, then filters it
    with django_assert_num_queries(13):
        page = hq.get("/hq/products/")
    inactive = hq.get("/hq/products/", {"is_active": "false"})
    # then the brand's products show, with their SKUs, and the filter narrows them
    assert page.status_code == 200
    assert [row.product.name for row in page.context["rows"]] == ["Breeze", "Reader"]
    assert [row.category for row in page.context["rows"]] == ["Fans", "Lamps"]
    assert "RD-W" in page.content.decode()
    assert "Theirs" not in page.content.decode()
    assert [row.product.name for row in inactive.context["rows"]] == ["Breeze"]


def test_the_editor_creates_a_product_with_its_skus(hq, tenant, lamps):
    # when HQ fills in a product with two SKUs and leaves a spare row empty
    data = {"name": "Reader", "category": lamps.pk, "description": "", "is_active": "on"}
    data |= sku_formset(
        (None, "RD-W", "White", "199", True), (None, "RD-B", "Black", "209.50", True), ("", "", "", "", False)
    )
    response = hq.post("/hq/products/new/", data)
    # then it is written and the editor of the new product opens
    assert response.status_code == 302
    assert products_of(tenant) == [("Reader", "Lamps", "", True)]
    assert skus_of(tenant) == [("Reader", "RD-B", "Black", "209.50", True), ("Reader", "RD-W", "White", "199.00", True)]
    assert hq.get(response["Location"]).status_code == 200


def test_the_editor_shows_a_taken_sku_code_next_to_the_field_and_changes_nothing(
    hq, tenant, lamps, make_product, in_tenant
):
    # given two products
    reader = make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    make_product(tenant, "Arc lamp", lamps, [("ARC-1", "Brass", "899.00")])
    with in_tenant(tenant):
        white = reader.skus.get().pk
    before = catalog_of(tenant)
    # when HQ renames the Reader's SKU to the Arc lamp's code and adds a SKU with a bad price
    data = {"name": "Reader", "category": lamps.pk, "description": "", "is_active": "on"}
    data |= sku_formset((white, "ARC-1", "White", "199.00", True), (None, "RD-B", "Black", "1.234", True))
    response = hq.post(f"/hq/products/{reader.pk}/", data)
    # then the page comes back with each error next to its field, and nothing changed
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert forms[1].errors == {"price": ["Ensure that there are no more than 2 decimal places."]}
    assert catalog_of(tenant) == before
    # when the price is fixed, the service's error on the code shows at its row
    data["skus-1-price"] = "1.23"
    response = hq.post(f"/hq/products/{reader.pk}/", data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors == {
        "code": ["The code ARC-1 is used by a SKU of the product 'Arc lamp'."]
    }
    assert "The code ARC-1 is used by a SKU of the product" in response.content.decode()
    assert catalog_of(tenant) == before


def test_the_editor_switches_a_sku_off(hq, tenant, lamps, make_product, in_tenant):
    reader = make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    with in_tenant(tenant):
        white = reader.skus.get().pk
    data = {"name": "Reader", "category": lamps.pk, "description": "Desk lamp"}
    data |= sku_formset((white, "RD-W", "White", "199.00", False))
    assert hq.post(f"/hq/products/{reader.pk}/", data).status_code == 302
    assert products_of(tenant) == [("Reader", "Lamps", "Desk lamp", False)]
    assert skus_of(tenant) == [("Reader", "RD-W", "White", "199.00", False)]


def test_the_editor_of_another_brands_product_is_a_404(hq, other_tenant, make_category, make_product):
    theirs = make_product(other_tenant, "Theirs", make_category(other_tenant, "X"), [("T-1", "One", "1.00")])
    assert hq.get(f"/hq/products/{theirs.pk}/").status_code == 404
    assert hq.post(f"/hq/products/{theirs.pk}/", {"name": "Mine"}).status_code == 404
    assert products_of(other_tenant) == [("Theirs", "X", "", True)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The code ARC-1 is used by a SKU of the product 'Arc lamp'."),
        ("zh-hans", "编码 ARC-1 已被商品“Arc lamp”的 SKU 使用。"),
    ],
)
def test_a_duplicate_sku_code_is_refused_in_the_readers_language_keeping_every_field(
    hq, tenant, lamps, make_product, language, message
):
    # given the Arc lamp holding the code ARC-1
    make_product(tenant, "Arc lamp", lamps, [("ARC-1", "Brass", "899.00")])
    before = catalog_of(tenant)
    # when HQ creates a product whose second SKU takes that code
    data = {"name": "Reader", "category": lamps.pk, "description": "Desk lamp", "is_active": "on"}
    data |= sku_formset((None, "RD-W", "White", "199", True), (None, "ARC-1", "Black", "209.50", True))
    response = hq.post("/hq/products/new/", data, HTTP_ACCEPT_LANGUAGE=language)
    # then the editor comes back with the message at that SKU, in the reader's language
    html = response.content.decode()
    assert response.status_code == 400
    assert response["X-Page-Error"] == "invalid"
    forms = response.context["formset"].forms
    assert [form.errors for form in forms] == [{}, {"code": [message]}]
    assert 'data-testid="page-error"' in html
    # and everything typed is still there
    for typed in ('value="Reader"', "Desk lamp", 'value="RD-W"', 'value="199"', 'value="ARC-1"', 'value="209.50"'):
        assert typed in html
    # and nothing is written
    assert catalog_of(tenant) == before


def test_a_taken_product_name_is_shown_next_to_the_name(hq, tenant, lamps, make_product):
    make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    before = catalog_of(tenant)
    data = {"name": "Reader", "category": lamps.pk, "description": ""} | sku_formset((None, "X-1", "One", "1", True))
    response = hq.post("/hq/products/new/", data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["A product with this name exists already."]}
    assert catalog_of(tenant) == before


def test_a_bad_filter_is_named_on_the_list(hq, tenant, lamps, make_product):
    make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    response = hq.get("/hq/products/", {"category": "99999999999999999999"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["category"]
    assert response.context["rows"] == []
