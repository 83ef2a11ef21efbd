"""`Idempotency-Key` on checkout: a replay answers the first order, another body is a 409."""

from __future__ import annotations

import pytest

from tests.orders.conftest import body

pytestmark = pytest.mark.django_db


def test_the_same_key_and_body_replays_the_first_order_without_a_second(brand, shopper):
    # given an order placed with a key
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    first = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # when the same request is sent again
    again = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then it answers the same order, marked replayed, and nothing more was reserved
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert brand.orders() == 1
    assert brand.stock(store, brand.lamp) == (5, 2)


def test_the_same_key_with_another_body_is_409_and_places_nothing(brand, shopper):
    # given an order placed with a key
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    # when the key is reused for three lamps
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 3)), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    # then 409, and still one order with two lamps reserved
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")
    assert brand.orders() == 1
    assert brand.stock(store, brand.lamp) == (5, 2)


def test_a_refused_order_leaves_the_key_free_for_a_retry(brand, shopper):
    # given no store has lamps: the order with a key is refused
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 0})
    refused = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert refused.status_code == 422
    # when lamps arrive and the consumer retries with the same key
    brand.set_stock(store, {brand.lamp: 1})
    retried = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    # then the retry runs (a refusal changed nothing and was not recorded)
    assert retried.status_code == 201
    assert brand.stock(store, brand.lamp) == (1, 1)
