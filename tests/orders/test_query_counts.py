"""Constant query counts: placing an order costs the same for 1 line and for 20 (25), listing
orders costs the same for 1 order and for 10, and the order pages (the store's queue, an order's
page at the store, at HQ and for its customer) cost the same whatever the orders, lines and steps
they show, with the customer, a pick-up code and a delivery's recipient and address.

The other page counts are pinned with their pages' tests (tests/orders/test_pages_*.py): the
checkout, the store picker, placing, the tracking page, the consumer's list, cancelling; the queue,
accepting (and by htmx), a refused action; HQ's list, unroutable queue, assignment and actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from o2o.tenancy import tenant_scope
from tests.orders.conftest import act, body, client_for, place, text_of
from tests.stores.factories import make_sku

pytestmark = pytest.mark.django_db

# in the test transaction, savepoints included (the reservation has one), and the INSERT of the
# ORDER_PLACED event (o2o.events: its delivery is after the commit); a tie adds one
PLACE_ORDER_QUERIES = {"postgresql": 26, "sqlite": 24}  # SQLite has no set_config for the tenant scope
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


# --- the order pages, with the customer, a pick-up code and a delivery's address shown ----------

QUEUE_PAGE_QUERIES = 11  # as tests/orders/test_pages_store.py pins it: the customers come with the orders
STORE_ORDER_PAGE_QUERIES = 12
HQ_ORDER_PAGE_QUERIES = 12
TRACKING_PAGE_QUERIES = 12  # a signed-in consumer: their roles and membership, the order, its history


def test_the_store_queue_shows_customers_codes_and_addresses_in_the_same_queries_for_2_orders_and_8(
    brand, django_assert_num_queries
):
    # given a store with a pick-up and a delivery to accept
    store = brand.store("A01", stock={brand.lamp: 50, brand.bulb: 50})
    manager = brand.staff(store)
    place(brand, (brand.lamp, 1), store=store)
    place(brand, (brand.bulb, 1), store=store, fulfilment="delivery")
    client = client_for(brand, manager)
    client.get("/store/orders/")
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        client.get("/store/orders/")
    # and then three more of each, two of them in progress
    for n in range(3):
        pickup = place(brand, (brand.lamp, 1), (brand.bulb, 1), store=store)
        delivery = place(brand, (brand.lamp, 2), store=store, fulfilment="delivery")
        if n == 0:
            act(brand, "accept_order", pickup, by=manager)
            act(brand, "accept_order", delivery, by=manager)

    # when the manager opens the queue again
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        html = client.get("/store/orders/").content.decode()

    # then the same queries show every customer, code and address
    assert len(text_of(html, "customer-name")) == 8
    assert len(text_of(html, "pickup-code")) == len(text_of(html, "address")) == 4


def test_an_orders_pages_cost_the_same_queries_for_a_short_and_a_long_order(brand, hq, django_assert_num_queries):
    # given a delivery of one line just placed, and one of two lines rejected, accepted and ready
    first = brand.store("A01", km=1, stock={brand.lamp: 50, brand.bulb: 50})
    second = brand.store("B01", km=2, stock={brand.lamp: 50, brand.bulb: 50})
    manager = brand.staff(second)
    short = place(brand, (brand.lamp, 1), store=second, fulfilment="delivery")
    long = place(brand, (brand.lamp, 1), (brand.bulb, 2), fulfilment="delivery")
    act(brand, "reject_order", long, by=brand.staff(first), reason="busy")
    act(brand, "accept_order", long, by=manager)
    act(brand, "mark_ready", long, by=manager)
    pages = [
        (client_for(brand, manager), "/store/orders/{}/", STORE_ORDER_PAGE_QUERIES),
        (client_for(brand, hq), "/hq/orders/{}/", HQ_ORDER_PAGE_QUERIES),
        (client_for(brand, brand.consumer), "/shop/orders/{}/", TRACKING_PAGE_QUERIES),
    ]
    for client, path, _queries in pages:
        client.get(path.format(short.pk))

    # when the store, HQ and the customer open each
    for client, path, queries in pages:
        for order in (short, long):
            with django_assert_num_queries(queries):
                response = client.get(path.format(order.pk))
            # then each page shows the recipient and address at the same cost
            assert text_of(response.content.decode(), "address") == [order.address], path
