"""An id past the 64-bit range ids have names nothing: a 400 naming the field, on PostgreSQL and on
the embedded SQLite default alike (whose driver cannot even bind such a number)."""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63  # one past the largest id
TOO_BIG_MESSAGE = "Ensure this value is less than or equal to 9223372036854775807."


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/orders/", "store"),
        ("/api/v1/members/", "home_store"),
        ("/api/v1/price-lists/", "sku"),
        ("/api/v1/products/", "category"),
        ("/api/v1/bookings/", "service"),
        ("/api/v1/stores/", "has_stock"),
    ],
)
def test_a_list_filtered_by_an_impossible_id_is_a_400_naming_the_filter(api, tenant, hq_admin, path, field):
    response = api(hq_admin, tenant).get(path, {field: TOO_BIG})
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [TOO_BIG_MESSAGE]}


def test_writes_naming_an_impossible_id_are_a_400_and_change_nothing(api, tenant, hq_admin):
    with tenant_scope(tenant):
        store = make_store(tenant, code="S1")
    hq = api(hq_admin, tenant)
    stock = hq.put(f"/api/v1/stores/{store.pk}/stock/", [{"sku": TOO_BIG, "on_hand": 1}], format="json")
    offers = hq.put(f"/api/v1/stores/{store.pk}/services/", [{"service": TOO_BIG, "capacity": 1}], format="json")
    order = hq.post(
        "/api/v1/orders/",
        {"fulfilment": "pickup", "lines": [{"sku": TOO_BIG, "quantity": 1}], "name": "Li", "phone": "13800138000"},
        format="json",
    )
    assert (stock.status_code, stock.json()["errors"]) == (400, {"sku": [f"row 1: {TOO_BIG_MESSAGE}"]})
    assert (offers.status_code, offers.json()["errors"]) == (400, {"service": [f"row 1: {TOO_BIG_MESSAGE}"]})
    assert (order.status_code, order.json()["errors"]) == (400, {"lines": [{"sku": [TOO_BIG_MESSAGE]}]})
    with tenant_scope(tenant):
        assert (store.stock.count(), store.services.count()) == (0, 0)
