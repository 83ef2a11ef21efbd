"""Real concurrent transactions on PostgreSQL: a batch retried while the first attempt is still
running stores each event once, overlapping batches never deadlock, and a batch waits for an
uncommitted batch holding the same client ids (then skips them, or stores them if it rolled back)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from tests.attribution.ingest_factories import event, make_ingest_brand, post
from tests.services import login_session

pytestmark = pytest.mark.postgres


@pytest.fixture
def brand(tenant, transactional_db):
    return make_ingest_brand(tenant)


def test_the_same_batch_posted_by_two_threads_at_once_stores_each_event_once(api, brand, run_concurrently):
    # given a batch of 300 events
    events = [event(n) for n in range(1, 301)]
    # when two retries of it are posted at the same moment
    responses = run_concurrently(2, lambda: post(api(None, brand.tenant), events))
    # then both answer that the 300 were accepted, and each is stored once
    assert [(r.status_code, r.json()) for r in responses] == [(202, {"accepted": 300, "rejected": []})] * 2
    assert brand.count() == 300
    assert len({row[0] for row in brand.touchpoints("client_event_id")}) == 300


def test_overlapping_batches_in_opposite_orders_never_deadlock(api, brand, run_concurrently):
    # given four batches of the same 200 ids, two in order and two reversed
    forward = [event(n) for n in range(1, 201)]
    batches = iter([forward, forward[::-1], forward, forward[::-1]])

    def one():
        return post(api(None, brand.tenant), next(batches))

    # when they are posted at once
    responses = run_concurrently(4, one)
    # then none failed (rows are inserted in the order of their ids, whatever the batch's order)
    assert [r.status_code for r in responses] == [202] * 4
    assert brand.count() == 200


def _wait_until_blocked_by(watcher, blocker_pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with watcher.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [blocker_pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError(f"no session waited on {blocker_pid} within {timeout}s")


def _in_own_connection(fn):
    try:
        return fn()
    finally:
        connections.close_all()


@pytest.mark.parametrize(("outcome", "stored"), [("commit", "first"), ("rollback", "v1")])
def test_a_batch_waits_for_an_uncommitted_one_with_the_same_ids(api, brand, outcome, stored):
    # given a first attempt that inserted e0001, not yet committed
    first, watcher = login_session(), login_session(autocommit=True)
    first.cursor().execute(
        "INSERT INTO attribution_touchpoint (tenant_id, at, visitor_id, kind, channel, client_event_id, referrer, "
        "user_agent, props) VALUES (%s, now(), 'first', 'scan', '', 'e0001', '', '', '{}')",
        [brand.tenant.pk],
    )
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        # when the retry of e0001 and e0002 is posted, it waits for the first attempt
        retry = pool.submit(_in_own_connection, lambda: post(api(None, brand.tenant), [event(1), event(2)]))
        _wait_until_blocked_by(watcher, first.get_backend_pid())
        # and the first attempt ends
        getattr(first, outcome)()
        response = retry.result(timeout=30)
    finally:
        first.close()
        watcher.close()
        pool.shutdown(wait=True)
    # then the retry accepted both, and e0001 is stored once: the first attempt's, or the retry's
    assert (response.status_code, response.json()) == (202, {"accepted": 2, "rejected": []})
    assert brand.touchpoints("client_event_id", "visitor_id") == [("e0001", stored), ("e0002", "v2")]


def test_a_batch_takes_its_ids_in_order_so_another_writer_of_the_same_ids_is_never_deadlocked(api, brand):
    # given another attempt holding e0001, not yet committed
    other, watcher = login_session(), login_session(autocommit=True)
    other.cursor().execute("SET lock_timeout = '5s'")
    insert = (
        "INSERT INTO attribution_touchpoint (tenant_id, at, visitor_id, kind, channel, client_event_id, referrer, "
        "user_agent, props) VALUES (%s, now(), 'other', 'scan', '', %s, '', '', '{}')"
    )
    other.cursor().execute(insert, [brand.tenant.pk, "e0001"])
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        # when a batch of e0002 then e0001 is posted: it waits for e0001 before taking e0002
        batch = pool.submit(_in_own_connection, lambda: post(api(None, brand.tenant), [event(2), event(1)]))
        _wait_until_blocked_by(watcher, other.get_backend_pid())
        # then the other attempt writes e0002 at once (had the batch taken e0002 first, each would
        # wait for the other: a deadlock, and one of them fails)
        started = time.monotonic()
        other.cursor().execute(insert, [brand.tenant.pk, "e0002"])
        assert time.monotonic() - started < 1.0
        other.commit()
        response = batch.result(timeout=30)
    finally:
        other.close()
        watcher.close()
        pool.shutdown(wait=True)
    # and the batch, which waited, accepted both, stored by the other attempt once each
    assert (response.status_code, response.json()) == (202, {"accepted": 2, "rejected": []})
    assert brand.touchpoints("client_event_id", "visitor_id") == [("e0001", "other"), ("e0002", "other")]
