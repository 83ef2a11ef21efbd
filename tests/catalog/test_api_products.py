"""/api/v1/products/: products with their SKUs, written by HQ, read by anyone."""

from __future__ import annotations

import pytest

from o2o.choices import Role
from tests.catalog.snapshots import catalog_of, products_of, skus_of

pytestmark = pytest.mark.django_db

NEW_LAMP = {
    "name": "Desk lamp",
    "description": "Flicker-free",
    "skus": [
        {"code": "DL-W", "name": "White", "price": "199.00"},
        {"code": "DL-B", "name": "Black", "price": "209.5"},
    ],
}


def test_hq_creates_a_product_with_its_skus_in_one_call(api, tenant, hq_staff, lamps, django_assert_num_queries):
    client = api(hq_staff, tenant)
    # when HQ staff post a product with two SKUs
    with django_assert_num_queries(19):
        response = client.post("/api/v1/products/", {**NEW_LAMP, "category": lamps.pk}, format="json")
    # then both are written and answered, amounts as strings with two decimals
    assert response.status_code == 201, response.content
    body = response.json()
    skus = {sku["code"]: sku["id"] for sku in body["skus"]}
    assert body == {
        "id": body["id"],
        "name": "Desk lamp",
        "category": lamps.pk,
        "description": "Flicker-free",
        "is_active": True,
        "skus": [
            {"id": skus["DL-B"], "code": "DL-B", "name": "Black", "price": "209.50", "is_active": True},
            {"id": skus["DL-W"], "code": "DL-W", "name": "White", "price": "199.00", "is_active": True},
        ],
    }
    assert skus_of(tenant) == [
        ("Desk lamp", "DL-B", "Black", "209.50", True),
        ("Desk lamp", "DL-W", "White", "199.00", True),
    ]


def test_the_product_list_costs_the_same_queries_for_2_and_for_20_products(
    api, tenant, lamps, make_product, django_assert_num_queries
):
    # given 2 products with 3 SKUs each
    for number in range(2):
        make_product(tenant, f"Lamp {number:02}", lamps, [(f"L{number}-{size}", size, "10.00") for size in "SML"])
    client = api(None, tenant)
    # when anyone lists them, then the count of queries is fixed...
    with django_assert_num_queries(8):
        assert len(client.get("/api/v1/products/").json()["results"]) == 2
    # ...and stays so with 20 products
    for number in range(2, 20):
        make_product(tenant, f"Lamp {number:02}", lamps, [(f"L{number}-{size}", size, "10.00") for size in "SML"])
    with django_assert_num_queries(8):
        results = client.get("/api/v1/products/").json()["results"]
    assert len(results) == 20
    assert [len(product["skus"]) for product in results] == [3] * 20


def test_anonymous_shoppers_see_only_active_products_and_skus_while_hq_sees_all(
    api, tenant, hq_admin, lamps, make_product, in_tenant
):
    # given an active product with one SKU switched off, and an inactive product
    shown = make_product(tenant, "Shown", lamps, [("S-1", "On", "1.00"), ("S-2", "Off", "2.00")])
    make_product(tenant, "Hidden", lamps, [("H-1", "One", "3.00")], is_active=False)
    with in_tenant(tenant):
        shown.skus.filter(code="S-2").update(is_active=False)
    # when an anonymous visitor and HQ list the products
    anonymous = api(None, tenant).get("/api/v1/products/").json()
    hq = api(hq_admin, tenant).get("/api/v1/products/").json()
    # then the visitor sees the active product with its active SKU only
    assert anonymous["count"] == 1
    assert [(p["name"], [s["code"] for s in p["skus"]]) for p in anonymous["results"]] == [("Shown", ["S-1"])]
    assert [(p["name"], [s["code"] for s in p["skus"]]) for p in hq["results"]] == [
        ("Hidden", ["H-1"]),
        ("Shown", ["S-1", "S-2"]),
    ]
    # and a switched-off SKU's code finds nothing for the visitor
    assert api(None, tenant).get("/api/v1/products/", {"q": "S-2"}).json()["count"] == 0
    assert api(hq_admin, tenant).get("/api/v1/products/", {"q": "S-2"}).json()["count"] == 1
    # and the hidden product is a 404 for the visitor, not for HQ
    hidden_id = hq["results"][0]["id"]
    assert api(None, tenant).get(f"/api/v1/products/{hidden_id}/").status_code == 404
    assert api(hq_admin, tenant).get(f"/api/v1/products/{hidden_id}/").status_code == 200


def test_products_filter_by_category_with_its_subcategories_by_text_and_by_status(
    api, tenant, hq_admin, make_category, make_product
):
    # given lamps with a subcategory, and fans
    lamps = make_category(tenant, "Lamps")
    desk = make_category(tenant, "Desk lamps", parent=lamps)
    fans = make_category(tenant, "Fans")
    make_product(tenant, "Arc lamp", lamps, [("ARC-1", "Brass", "899.00")])
    make_product(tenant, "Reader", desk, [("RD-1", "White", "199.00")], description="for homework")
    make_product(tenant, "Breeze", fans, [("BRZ-1", "White", "299.00")], is_active=False)
    client = api(hq_admin, tenant)

    def names(**params):
        response = client.get("/api/v1/products/", params)
        assert response.status_code == 200, response.content
        return [product["name"] for product in response.json()["results"]]

    # then each filter narrows the list
    assert names(category=lamps.pk) == ["Arc lamp", "Reader"]
    assert names(category=desk.pk) == ["Reader"]
    assert names(q="homework") == ["Reader"]
    assert names(q="brz") == ["Breeze"]
    assert names(is_active="false") == ["Breeze"]
    assert names(is_active="true", q="r") == ["Arc lamp", "Reader"]


def test_a_bad_filter_is_a_400_naming_it(api, tenant):
    response = api(None, tenant).get("/api/v1/products/", {"category": "lamps"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"category": ["Enter a whole number."]}


def test_a_sku_code_of_another_product_is_a_400_naming_the_sku_and_nothing_is_written(
    api, tenant, hq_admin, lamps, make_product, django_assert_num_queries
):
    # given a product holding the code DL-B
    make_product(tenant, "Old lamp", lamps, [("DL-B", "Black", "99.00")])
    before = catalog_of(tenant)
    client = api(hq_admin, tenant)
    # when HQ creates a product whose second SKU reuses it
    with django_assert_num_queries(13):
        response = client.post("/api/v1/products/", {**NEW_LAMP, "category": lamps.pk}, format="json")
    # then the SKU's code is named, and nothing changed
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input: skus.",
        "errors": {"skus": [{}, {"code": ["The code DL-B is used by a SKU of the product 'Old lamp'."]}]},
    }
    assert catalog_of(tenant) == before


def test_every_bad_field_is_named_at_once_and_nothing_is_written(api, tenant, hq_admin, lamps, make_product):
    # given a product named "Desk lamp"
    make_product(tenant, "Desk lamp", lamps, [("X-1", "One", "1.00")])
    before = catalog_of(tenant)
    body = {
        "name": "Desk lamp",
        "category": lamps.pk,
        "skus": [
            {"code": "DL-1", "name": "One", "price": "1.00"},
            {"code": "DL-1", "name": "Two", "price": "2.00"},
        ],
    }
    # when HQ posts a taken name and a code listed twice
    response = api(hq_admin, tenant).post("/api/v1/products/", body, format="json")
    # then both are named
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["A product with this name exists already."],
        "skus": [{}, {"code": ["The code DL-1 is listed twice."]}],
    }
    assert catalog_of(tenant) == before


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-1.00", "Ensure this value is greater than or equal to 0."),
        ("1.005", "Ensure that there are no more than 2 decimal places."),
        ("ten", "A valid number is required."),
    ],
)
def test_a_bad_price_is_a_400_naming_the_skus_price(api, tenant, hq_admin, lamps, price, message):
    body = {"name": "Lamp", "category": lamps.pk, "skus": [{"code": "L-1", "name": "One", "price": price}]}
    response = api(hq_admin, tenant).post("/api/v1/products/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"skus": [{"price": [message]}]}
    assert products_of(tenant) == []


def test_another_brands_category_is_a_400_and_nothing_is_written(api, tenant, other_tenant, hq_admin, make_category):
    # given a category of the other brand
    theirs = make_category(other_tenant, "Their lamps")
    # when HQ names it
    response = api(hq_admin, tenant).post("/api/v1/products/", {**NEW_LAMP, "category": theirs.pk}, format="json")
    # then it does not exist here
    assert response.status_code == 400
    assert response.json()["errors"] == {"category": [f'Invalid pk "{theirs.pk}" - object does not exist.']}
    assert products_of(tenant) == []


def test_put_updates_listed_skus_adds_new_ones_and_deactivates_the_rest(
    api, tenant, hq_admin, lamps, make_category, make_product, django_assert_num_queries, in_tenant
):
    # given a product with three SKUs
    product = make_product(
        tenant, "Lamp", lamps, [("L-S", "Small", "10.00"), ("L-M", "Medium", "20.00"), ("L-L", "Large", "30.00")]
    )
    with in_tenant(tenant):
        ids = {sku.code: sku.pk for sku in product.skus.all()}
    desk = make_category(tenant, "Desk lamps")
    body = {
        "name": "Lamp II",
        "category": desk.pk,
        "description": "Renewed",
        "skus": [
            {"id": ids["L-S"], "code": "L-S", "name": "Small", "price": "12.00"},
            {"code": "L-M", "name": "Medium", "price": "20.00"},
            {"code": "L-XL", "name": "Extra large", "price": "40.00"},
        ],
    }
    client = api(hq_admin, tenant)
    # when HQ puts it back with L-S repriced, L-M unchanged (named by code), L-XL new and L-L left out
    with django_assert_num_queries(25):
        response = client.put(f"/api/v1/products/{product.pk}/", body, format="json")
    # then L-L is switched off, not deleted, and the rest is as listed
    assert response.status_code == 200, response.content
    assert [(s["code"], s["price"], s["is_active"]) for s in response.json()["skus"]] == [
        ("L-L", "30.00", False),
        ("L-M", "20.00", True),
        ("L-S", "12.00", True),
        ("L-XL", "40.00", True),
    ]
    assert products_of(tenant) == [("Lamp II", "Desk lamps", "Renewed", True)]
    assert skus_of(tenant) == [
        ("Lamp II", "L-L", "Large", "30.00", False),
        ("Lamp II", "L-M", "Medium", "20.00", True),
        ("Lamp II", "L-S", "Small", "12.00", True),
        ("Lamp II", "L-XL", "Extra large", "40.00", True),
    ]


def test_a_sku_listed_again_by_its_code_comes_back(api, tenant, hq_admin, lamps, make_product, in_tenant):
    # given a product whose SKU L-2 was switched off
    product = make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00"), ("L-2", "Two", "2.00")])
    with in_tenant(tenant):
        product.skus.filter(code="L-2").update(is_active=False)
    # when HQ lists it again without its id
    body = {"skus": [{"code": "L-1", "name": "One", "price": "1.00"}, {"code": "L-2", "name": "Two", "price": "2.50"}]}
    response = api(hq_admin, tenant).patch(f"/api/v1/products/{product.pk}/", body, format="json")
    # then it is the same SKU, active again
    assert response.status_code == 200
    assert skus_of(tenant) == [("Lamp", "L-1", "One", "1.00", True), ("Lamp", "L-2", "Two", "2.50", True)]


def test_patch_without_skus_leaves_them_alone(api, tenant, hq_admin, lamps, make_product):
    product = make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00")])
    response = api(hq_admin, tenant).patch(f"/api/v1/products/{product.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert products_of(tenant) == [("Lamp", "Lamps", "", False)]
    assert skus_of(tenant) == [("Lamp", "L-1", "One", "1.00", True)]


def test_a_sku_id_of_another_product_is_a_400_and_nothing_changes(
    api, tenant, hq_admin, lamps, make_product, in_tenant
):
    # given two products
    lamp = make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00")])
    other = make_product(tenant, "Other", lamps, [("O-1", "One", "5.00")])
    before = catalog_of(tenant)
    # when HQ names the other product's SKU in the lamp
    with in_tenant(tenant):
        other_sku = other.skus.get().pk
    body = {"skus": [{"id": other_sku, "code": "O-1", "name": "Stolen", "price": "1.00"}]}
    response = api(hq_admin, tenant).patch(f"/api/v1/products/{lamp.pk}/", body, format="json")
    # then it is refused, naming the SKU's id and code
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "skus": [
            {
                "code": ["The code O-1 is used by a SKU of the product 'Other'."],
                "id": ["No SKU with this id in this product."],
            }
        ]
    }
    assert catalog_of(tenant) == before


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER])
def test_store_roles_and_consumers_read_products_but_may_not_write_them(
    api, tenant, make_user, lamps, make_product, role
):
    # given a product and a user with a role that is not HQ
    product = make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00")])
    client = api(make_user(tenant, role), tenant)
    before = catalog_of(tenant)
    # then they read it...
    assert client.get(f"/api/v1/products/{product.pk}/").status_code == 200
    # ...and every write is a 403 that changes nothing
    body = {**NEW_LAMP, "category": lamps.pk}
    assert client.post("/api/v1/products/", body, format="json").status_code == 403
    assert client.put(f"/api/v1/products/{product.pk}/", body, format="json").status_code == 403
    assert client.patch(f"/api/v1/products/{product.pk}/", {"name": "X"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/products/{product.pk}/").status_code == 403
    assert catalog_of(tenant) == before


def test_hq_deletes_a_product_with_its_skus(api, tenant, hq_admin, lamps, make_product, django_assert_num_queries):
    product = make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00")])
    client = api(hq_admin, tenant)
    with django_assert_num_queries(22):  # ... and whether a tracking link leads to it (it would be kept)
        response = client.delete(f"/api/v1/products/{product.pk}/")
    assert response.status_code == 204
    assert products_of(tenant) == []
    assert skus_of(tenant) == []
