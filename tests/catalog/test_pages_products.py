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
