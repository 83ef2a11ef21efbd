"""A store changed while HQ deletes it: every write locks the store before it reads it, so the
request that waited for the lock finds the store gone (404) or as the delete left it, never a 500.

The races run as real concurrent transactions on PostgreSQL: HQ's delete holds the store's lock
until the other request is blocked on it, then commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from o2o.models import User
from o2o.tenancy import tenant_scope
from stores.models import Stock, Store, StoreContract, StoreStaff
from stores.services import StockLevel, delete_store, set_stock
from tests.stores.factories import make_sku, snapshot

NOT_FOUND = {"code": "not_found", "detail": "No such store."}


def wait_until_someone_waits_for_my_lock(timeout: float = 10.0) -> None:
    """Return once another session is blocked on a lock this session holds."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # pg_stat_activity is read afresh each time
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("no request waited for the store's lock")


def race_with_delete(run_concurrently, tenant, store: Store, request: Callable[[], Any]) -> tuple[bool, Any]:
    """HQ deletes `store` and holds its lock until `request` (sent once the delete is done but not
    committed) waits for it; returns what the delete returned and the request's response."""
    deleted = threading.Event()

    def delete() -> bool:
        with tenant_scope(tenant):
            gone = delete_store(tenant=tenant, store=store)
            deleted.set()
            wait_until_someone_waits_for_my_lock()
        return gone

    def other() -> Any:
        assert deleted.wait(timeout=10)
        return request()

    roles = iter([delete, other])
    first, second = run_concurrently(2, lambda: next(roles)())
    return (first, second) if isinstance(first, bool) else (second, first)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/v1/stores/{id}/", {"name": "Renamed"}),
        ("patch", "/api/v1/stores/{id}/", {"contract": {"sales_share_rate": "0.5000"}}),
        ("delete", "/api/v1/stores/{id}/", None),
        ("put", "/api/v1/stores/{id}/services/", []),
        ("put", "/api/v1/stores/{id}/stock/", [{"sku": "SKU", "on_hand": 3}]),
        (
            "post",
            "/api/v1/stores/{id}/staff/",
            {"username": "late-guide", "password": "a-long-pass-2026", "name": "Late", "role": "guide"},
        ),
    ],
)
def test_a_write_waiting_for_a_store_that_hq_deletes_meanwhile_is_a_404(
    api, tenant, hq_admin, store, run_concurrently, method, path, body
):
    # given a store nothing refers to (HQ's delete deletes it), and a SKU for the stock take
    with tenant_scope(tenant):
        sku = make_sku(tenant)
    if isinstance(body, list) and body:
        body = [{**row, "sku": sku.pk} for row in body]
    client = api(hq_admin, tenant)  # the token exists before the threads start
    # when HQ deletes it while the other write has read it and waits for its lock
    gone, response = race_with_delete(
        run_concurrently,
        tenant,
        store,
        lambda: getattr(client, method)(path.format(id=store.pk), body, format="json"),
    )
    # then the delete deleted it, and the write is a 404 that wrote nothing
    assert gone is True
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    with tenant_scope(tenant):
        assert not Store.objects.filter(pk=store.pk).exists()
        assert not StoreContract.objects.filter(store_id=store.pk).exists()
        assert not Stock.objects.exists()
        assert not StoreStaff.objects.exists()
    assert not User.objects.filter(username="late-guide").exists()


@pytest.mark.postgres
def test_an_edit_waiting_while_hq_deactivates_the_store_keeps_it_inactive(
    api, tenant, hq_admin, store, run_concurrently
):
    # given a store with stock (HQ's delete deactivates it)
    with tenant_scope(tenant):
        sku = make_sku(tenant)
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=2)])
    client = api(hq_admin, tenant)
    # when HQ deletes it while an edit of its name has read it and waits for its lock
    gone, response = race_with_delete(
        run_concurrently,
        tenant,
        store,
        lambda: client.patch(f"/api/v1/stores/{store.pk}/", {"name": "Renamed"}, format="json"),
    )
    # then the store was deactivated, and the edit renamed it without making it active again
    assert gone is False
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["active"]) == ("Renamed", False)
    with tenant_scope(tenant):
        assert list(Store.objects.values_list("name", "is_active")) == [("Renamed", False)]


@pytest.mark.django_db
def test_an_edit_of_a_deleted_store_is_a_404_and_changes_nothing(api, tenant, hq_admin, store, other_store):
    client = api(hq_admin, tenant)
    # given HQ deleted a store
    assert client.delete(f"/api/v1/stores/{store.pk}/").status_code == 204
    before = snapshot(Store, tenant)
    # when HQ edits it, deletes it again, or sets its services
    responses = [
        client.patch(f"/api/v1/stores/{store.pk}/", {"name": "Renamed"}, format="json"),
        client.delete(f"/api/v1/stores/{store.pk}/"),
        client.put(f"/api/v1/stores/{store.pk}/services/", [], format="json"),
    ]
    # then each is a 404, and the other store is as it was
    assert [(r.status_code, r.json()) for r in responses] == [(404, NOT_FOUND)] * 3
    assert snapshot(Store, tenant) == before
