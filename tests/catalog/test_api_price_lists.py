"""/api/v1/price-lists/: regional prices, set by HQ, read by HQ and the stores."""

from __future__ import annotations

import pytest

from o2o.choices import Role
from tests.catalog.snapshots import regional_prices_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def skus(tenant, lamps, make_product, in_tenant):
    product = make_product(tenant, "Lamp", lamps, [("L-S", "Small", "100.00"), ("L-L", "Large", "200.00")])
    with in_tenant(tenant):
        return {sku.code: sku for sku in product.skus.all()}


def test_setting_a_regional_price_creates_it_then_changes_it(api, tenant, hq_admin, skus, django_assert_num_queries):
    client = api(hq_admin, tenant)
    body = {"region": "east", "sku": skus["L-S"].pk, "price": "95"}
    # when HQ sets the small lamp's price in the east, then sets it again
    with django_assert_num_queries(15):
        first = client.post("/api/v1/price-lists/", body, format="json")
    with django_assert_num_queries(13):
        second = client.post("/api/v1/price-lists/", {**body, "price": "90.50"}, format="json")
    # then one row holds the last price
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == {"id": first.json()["id"], "region": "east", "sku": skus["L-S"].pk, "price": "90.50"}
    assert regional_prices_of(tenant) == [("east", "L-S", "90.50")]


def test_price_lists_filter_by_region_and_sku_in_a_fixed_number_of_queries(
    api, tenant, store_manager, skus, set_price, django_assert_num_queries
):
    # given prices in two regions
    set_price(tenant, skus["L-S"], "east", "95.00")
    set_price(tenant, skus["L-L"], "east", "190.00")
    set_price(tenant, skus["L-S"], "north", "105.00")
    client = api(store_manager, tenant)

    def rows(**params):
        with django_assert_num_queries(9):
            response = client.get("/api/v1/price-lists/", params)
        assert response.status_code == 200
        return [(row["region"], row["sku"], row["price"]) for row in response.json()["results"]]

    # then a store manager reads them, by region or by SKU
    small, large = skus["L-S"].pk, skus["L-L"].pk
    assert rows() == [("east", small, "95.00"), ("east", large, "190.00"), ("north", small, "105.00")]
    assert rows(region="east") == [("east", small, "95.00"), ("east", large, "190.00")]
    assert rows(sku=small) == [("east", small, "95.00"), ("north", small, "105.00")]


def test_consumers_and_anonymous_callers_may_not_read_price_lists(api, tenant, consumer, skus, set_price):
    set_price(tenant, skus["L-S"], "east", "95.00")
    assert api(consumer, tenant).get("/api/v1/price-lists/").status_code == 403
    assert api(None, tenant).get("/api/v1/price-lists/").status_code == 401


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE])
def test_store_roles_read_price_lists_but_may_not_write_them(api, tenant, make_user, skus, set_price, role):
    price = set_price(tenant, skus["L-S"], "east", "95.00")
    client = api(make_user(tenant, role), tenant)
    assert client.get(f"/api/v1/price-lists/{price.pk}/").json() == {
        "id": price.pk,
        "region": "east",
        "sku": skus["L-S"].pk,
        "price": "95.00",
    }
    body = {"region": "north", "sku": skus["L-S"].pk, "price": "1.00"}
    assert client.post("/api/v1/price-lists/", body, format="json").status_code == 403
    assert client.patch(f"/api/v1/price-lists/{price.pk}/", {"price": "1.00"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/price-lists/{price.pk}/").status_code == 403
    assert regional_prices_of(tenant) == [("east", "L-S", "95.00")]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"region": "", "price": "1.00"}, {"region": ["This field may not be blank."]}),
        ({"region": "east", "price": "-1"}, {"price": ["Ensure this value is greater than or equal to 0."]}),
        ({"region": "east", "price": "1.001"}, {"price": ["Ensure that there are no more than 2 decimal places."]}),
        ({"region": "east"}, {"price": ["This field is required."]}),
    ],
)
def test_bad_regional_prices_are_a_400_naming_the_field(api, tenant, hq_admin, skus, set_price, body, errors):
    set_price(tenant, skus["L-S"], "east", "95.00")
    response = api(hq_admin, tenant).post("/api/v1/price-lists/", {**body, "sku": skus["L-S"].pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert regional_prices_of(tenant) == [("east", "L-S", "95.00")]


def test_another_brands_sku_is_a_400_naming_it(
    api, tenant, other_tenant, hq_admin, make_category, make_product, in_tenant
):
    theirs = make_product(other_tenant, "Theirs", make_category(other_tenant, "X"), [("T-1", "One", "5.00")])
    with in_tenant(other_tenant):
        their_sku = theirs.skus.get().pk
    response = api(hq_admin, tenant).post(
        "/api/v1/price-lists/", {"region": "east", "sku": their_sku, "price": "1.00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"sku": [f'Invalid pk "{their_sku}" - object does not exist.']}
    assert regional_prices_of(tenant) == []


def test_hq_changes_then_removes_a_regional_price(api, tenant, hq_admin, skus, set_price, django_assert_num_queries):
    price = set_price(tenant, skus["L-S"], "east", "95.00")
    client = api(hq_admin, tenant)
    with django_assert_num_queries(13):
        changed = client.put(f"/api/v1/price-lists/{price.pk}/", {"price": "93.00"}, format="json")
    assert changed.json()["price"] == "93.00"
    assert regional_prices_of(tenant) == [("east", "L-S", "93.00")]
    assert client.delete(f"/api/v1/price-lists/{price.pk}/").status_code == 204
    assert regional_prices_of(tenant) == []
