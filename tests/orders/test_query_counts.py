"""Constant query counts: placing an order costs the same for 1 line and for 20 (25), and
listing orders costs the same for 1 order and for 10."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from o2o.tenancy import tenant_scope
from tests.orders.conftest import body
from tests.stores.factories import make_sku

pytestmark = pytest.mark.django_db

# in the test transaction, savepoints included (the reservation has one), and the INSERT of the
# ORDER_PLACED event (o2o.events: its delivery is after the commit); a tie adds one
PLACE_ORDER_QUERIES = {"postgresql": 25, "sqlite": 23}  # SQLite has no set_config for the tenant scope
LIST_QUERIES = 10
# a consumer's list reads their membership once more: who reads a delivery's recipient and a
# pick-up code (orders.policies.sees_customer_details)
CONSUMER_LIST_QUERIES = 11


@pytest.fixture
def twenty_skus(brand):
    with tenant_scope(brand.tenant):
        skus = [make_sku(brand.tenant, code=f"SKU-{n:02d}", price=f"{n}.99") for n in range(1, 21)]
    brand.store("NEAR", km=1.0, stock=dict.fromkeys(skus, 100))
    brand.store("FAR", km=3.0, stock=dict.fromkeys(skus, 100))
    return skus


def test_placing_an_order_makes_the_same_queries_for_1_line_and_for_20(brand, shopper, twenty_skus):
    # given a consumer who ordered before (their token and the store's record of serving them exist)
    assert shopper.post("/api/v1/orders/", body(brand, (twenty_skus[0], 1)), format="json").status_code == 201
    # when they order one line, then twenty lines
    with CaptureQueriesContext(connection) as one_line:
        one = shopper.post("/api/v1/orders/", body(brand, (twenty_skus[0], 1)), format="json")
    with CaptureQueriesContext(connection) as twenty_lines:
        twenty = shopper.post("/api/v1/orders/", body(brand, *[(sku, 2) for sku in twenty_skus]), format="json")
    # then both were placed, with the same number of queries, the pinned one
    assert (one.status_code, twenty.status_code) == (201, 201)
    assert len(twenty.json()["lines"]) == 20
    assert twenty.json()["total"] == "459.60"  # 2 x (1.99 + 2.99 + ... + 20.99)
    assert (
        len(one_line.captured_queries) == len(twenty_lines.captured_queries) == PLACE_ORDER_QUERIES[connection.vendor]
    )


def test_listing_orders_makes_the_same_queries_for_1_order_and_for_10(
    api, brand, shopper, twenty_skus, hq_admin, django_assert_num_queries
):
    hq = api(hq_admin, brand.tenant)
    shopper.post("/api/v1/orders/", body(brand, *[(sku, 1) for sku in twenty_skus[:3]]), format="json")
    with django_assert_num_queries(LIST_QUERIES):
        assert hq.get("/api/v1/orders/").json()["count"] == 1
    for _ in range(9):
        shopper.post("/api/v1/orders/", body(brand, *[(sku, 1) for sku in twenty_skus[:5]]), format="json")
    with django_assert_num_queries(LIST_QUERIES):
        assert hq.get("/api/v1/orders/").json()["count"] == 10
    with django_assert_num_queries(CONSUMER_LIST_QUERIES):
        assert shopper.get("/api/v1/orders/").json()["count"] == 10
