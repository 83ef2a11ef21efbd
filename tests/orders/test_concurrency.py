"""Real concurrent transactions on PostgreSQL: stock is never oversold, and a double submit with
one Idempotency-Key makes one order."""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from orders.models import Order
from tests.orders.conftest import body

pytestmark = pytest.mark.postgres


def test_twenty_concurrent_orders_for_the_last_unit_reserve_it_exactly_once(api, brand, run_concurrently):
    # given the only store has one lamp left
    store = brand.store("ONLY", km=1.0, stock={brand.lamp: 1})
    api(brand.consumer, brand.tenant)  # the consumer's token exists before the threads start

    def one_order():
        return api(brand.consumer, brand.tenant).post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")

    # when twenty consumers order it at the same moment
    responses = run_concurrently(20, one_order)
    # then exactly one gets it; the others are told no store can serve (never a 500)
    assert sorted(r.status_code for r in responses) == [201] + [422] * 19
    assert {r.json()["code"] for r in responses if r.status_code == 422} == {"unroutable"}
    assert brand.stock(store, brand.lamp) == (1, 1)  # on hand 1, reserved 1: available 0
    with tenant_scope(brand.tenant):
        assert list(Order.objects.values_list("store_id", "status")) == [(store.pk, "routed")]


def test_an_order_that_loses_the_race_at_one_store_is_routed_to_the_next(api, brand, run_concurrently):
    # given two stores with one lamp each, and two consumers ordering a lamp at the same moment
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 1})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 1})
    api(brand.consumer, brand.tenant)

    def one_order():
        return api(brand.consumer, brand.tenant).post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")

    responses = run_concurrently(2, one_order)
    # then both are served, one by each store (the loser of NEAR's lock went on to FAR)
    assert [r.status_code for r in responses] == [201, 201]
    assert sorted(r.json()["store"] for r in responses) == sorted([near.pk, far.pk])
    assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((1, 1), (1, 1))


def test_ten_concurrent_duplicates_with_one_idempotency_key_make_one_order(api, brand, run_concurrently):
    # given a store with plenty of lamps
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 50})
    api(brand.consumer, brand.tenant)

    def one_order():
        client = api(brand.consumer, brand.tenant)
        return client.post(
            "/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json", HTTP_IDEMPOTENCY_KEY="checkout-42"
        )

    # when the checkout button is hit ten times at once
    responses = run_concurrently(10, one_order)
    # then all ten answer the one order, which reserved its two lamps once
    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["id"] for r in responses}) == 1
    assert sorted((r.headers.get("Idempotent-Replayed") for r in responses), key=str) == [None] + ["true"] * 9
    assert brand.orders() == 1
    assert brand.stock(store, brand.lamp) == (50, 2)
