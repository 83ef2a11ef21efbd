"""Real concurrent transactions on PostgreSQL: stock is never oversold, a checkout routed on to
another store never deadlocks with another, and a double submit with one Idempotency-Key makes
one order."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from o2o.tenancy import tenant_scope
from orders.models import Order
from tests.orders.conftest import body
from tests.services import login_session

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


def _session(*, autocommit: bool = False):
    """Another session on the test database, as the login (super)user: it takes row locks the way
    another checkout would, outside the application's role and row-level security."""
    session = login_session(autocommit=autocommit)
    session.cursor().execute("SET lock_timeout = '10s'")
    session.commit()
    return session


def _wait_until_blocked_by(watcher, blocker_pid: int, timeout: float = 10.0) -> None:
    """Until some session waits for a lock held by `blocker_pid`. (`watcher` is in autocommit:
    inside one transaction, pg_stat_activity would show the same snapshot every time.)"""
    deadline = time.monotonic() + timeout
    with watcher.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [blocker_pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError(f"no session waited on {blocker_pid} within {timeout}s")


def test_a_checkout_that_finds_a_store_short_lets_go_of_it_before_waiting_for_the_next(api, brand, transactional_db):
    # given two stores with one lamp each; NEAR is nearer
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 1})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 1})
    client = api(brand.consumer, brand.tenant)
    taker, other = _session(), _session()
    watcher = _session(autocommit=True)
    pid = {session: session.get_backend_pid() for session in (taker, other)}
    lamp_at = "SELECT id FROM stores_stock WHERE store_id = %s AND sku_id = %s FOR UPDATE"
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        # and another checkout reserving NEAR's lamp, not yet committed, and a second one holding FAR's row
        taker.cursor().execute(
            "UPDATE stores_stock SET reserved = on_hand WHERE store_id = %s AND sku_id = %s", [near.pk, brand.lamp.pk]
        )
        other.cursor().execute(lamp_at, [far.pk, brand.lamp.pk])
        # when a consumer checks out: routed to NEAR (its lamp still looks free), it waits for NEAR's row
        checkout = pool.submit(
            _in_own_connection, lambda: client.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
        )
        _wait_until_blocked_by(watcher, pid[taker])
        # and the first checkout commits: NEAR is short, so the consumer's checkout goes on to FAR,
        # where it waits for the second one
        taker.commit()
        _wait_until_blocked_by(watcher, pid[other])
        # then the second one, now wanting NEAR's row too, gets it at once: the consumer's checkout
        # let go of NEAR when it found it short (else: a deadlock, and one of the two fails)
        started = time.monotonic()
        other.cursor().execute(lamp_at, [near.pk, brand.lamp.pk])
        assert time.monotonic() - started < 1.0
        other.commit()
        response = checkout.result(timeout=30)
        # and the consumer's order is served by FAR
        assert response.status_code == 201, response.content
        assert response.json()["store"] == far.pk
        assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((1, 1), (1, 1))
    finally:
        for session in (taker, other, watcher):
            session.close()  # an unfinished session's locks go with it, so the checkout can end
        pool.shutdown(wait=True)


def _in_own_connection(fn):
    try:
        return fn()
    finally:
        connections.close_all()
