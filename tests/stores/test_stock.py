"""Stock (issue item 3): who reads and sets it, and the database constraints under concurrent updates."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection
from django.db.models import F

from o2o.errors import Conflict
from o2o.tenancy import tenant_scope
from stores.models import Stock
from stores.services import StockLevel, set_stock
from tests.stores.factories import make_sku, make_store, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def skus(tenant, in_tenant):
    with in_tenant(tenant):
        return [make_sku(tenant, code="LAMP-01"), make_sku(tenant, code="LAMP-02")]


def _stock(tenant, store):
    with tenant_scope(tenant):
        return sorted(Stock.objects.filter(store=store).values_list("sku__code", "on_hand", "reserved"))


def test_the_stores_manager_sets_its_stock_rows_created_as_needed(
    api, tenant, store, manager, skus, django_assert_num_queries
):
    # given one row already there
    with tenant_scope(tenant):
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=skus[0].pk, on_hand=4)])
    client = api(manager, tenant)
    # when the store's manager sets both SKUs
    body = [{"sku": skus[0].pk, "on_hand": 7}, {"sku": skus[1].pk, "on_hand": 2}]
    with django_assert_num_queries(18):  # the store locked first: not deleted meanwhile
        response = client.put(f"/api/v1/stores/{store.pk}/stock/", body, format="json")
    # then both rows hold the new counts
    assert response.status_code == 200, response.json()
    assert [(r["sku_code"], r["on_hand"], r["reserved"], r["available"]) for r in response.json()] == [
        ("LAMP-01", 7, 0, 7),
        ("LAMP-02", 2, 0, 2),
    ]
    assert _stock(tenant, store) == [("LAMP-01", 7, 0), ("LAMP-02", 2, 0)]


def test_the_store_staff_and_hq_read_the_stock_page(
    api, tenant, store, manager, guide, hq_admin, skus, django_assert_num_queries
):
    # given stock with a reservation
    with tenant_scope(tenant):
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=5) for sku in skus])
        Stock.objects.filter(store=store, sku=skus[0]).update(reserved=2)
    # when the guide, the manager and HQ read it
    for user, queries in ((guide, 12), (manager, 12), (hq_admin, 11)):
        client = api(user, tenant)
        with django_assert_num_queries(queries):
            response = client.get(f"/api/v1/stores/{store.pk}/stock/")
        # then each sees the rows with what is available
        assert response.status_code == 200
        assert [
            {k: row[k] for k in ("sku", "sku_code", "on_hand", "reserved", "available")}
            for row in response.json()["results"]
        ] == [
            {"sku": skus[0].pk, "sku_code": "LAMP-01", "on_hand": 5, "reserved": 2, "available": 3},
            {"sku": skus[1].pk, "sku_code": "LAMP-02", "on_hand": 5, "reserved": 0, "available": 5},
        ]


@pytest.mark.parametrize("who", ["guide", "consumer", "other_manager"])
def test_guides_consumers_and_another_stores_manager_cannot_set_the_stock(
    api, tenant, store, skus, guide, consumer, other_manager, who
):
    # given the store's stock
    with tenant_scope(tenant):
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=skus[0].pk, on_hand=3)])
    before = snapshot(Stock, tenant)
    user = {"guide": guide, "consumer": consumer, "other_manager": other_manager}[who]
    # when they try to set it
    response = api(user, tenant).put(
        f"/api/v1/stores/{store.pk}/stock/", [{"sku": skus[0].pk, "on_hand": 99}], format="json"
    )
    # then it is refused (the store is public, so its stock is a 403, not a 404) and nothing changed
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert snapshot(Stock, tenant) == before


@pytest.mark.parametrize("who", ["consumer", "other_manager"])
def test_consumers_and_another_stores_manager_cannot_read_the_stock(api, tenant, store, consumer, other_manager, who):
    user = {"consumer": consumer, "other_manager": other_manager}[who]
    response = api(user, tenant).get(f"/api/v1/stores/{store.pk}/stock/")
    assert response.status_code == 403


def test_stock_below_what_is_reserved_is_409_naming_the_sku_and_nothing_changes(api, tenant, store, manager, skus):
    # given 5 on hand with 3 reserved for open orders, and a second SKU
    with tenant_scope(tenant):
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=5) for sku in skus])
        Stock.objects.filter(store=store, sku=skus[0]).update(reserved=3)
    before = snapshot(Stock, tenant)
    # when the manager sets the second SKU to 9 and the first to 2
    body = [{"sku": skus[1].pk, "on_hand": 9}, {"sku": skus[0].pk, "on_hand": 2}]
    response = api(manager, tenant).put(f"/api/v1/stores/{store.pk}/stock/", body, format="json")
    # then the whole change is refused, naming the SKU
    assert response.status_code == 409
    assert response.json() == {
        "code": "below_reserved",
        "detail": "SKU LAMP-01: on hand 2 is below the 3 reserved for open orders.",
        "sku": skus[0].pk,
    }
    assert snapshot(Stock, tenant) == before


def test_an_unknown_or_foreign_sku_is_400_naming_sku_and_nothing_is_written(
    api, tenant, other_tenant, store, manager, skus
):
    # given a SKU of another brand
    with tenant_scope(other_tenant):
        foreign = make_sku(other_tenant, code="THEIRS")
    # when the manager names it, next to a good row
    body = [{"sku": skus[0].pk, "on_hand": 1}, {"sku": foreign.pk, "on_hand": 1}]
    response = api(manager, tenant).put(f"/api/v1/stores/{store.pk}/stock/", body, format="json")
    # then it does not exist for them and nothing is written
    assert response.status_code == 400
    assert response.json()["errors"] == {"sku": [f"No such SKU: {foreign.pk}."]}
    assert snapshot(Stock, tenant) == []
    assert snapshot(Stock, other_tenant) == []


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ([{"sku": 1, "on_hand": -1}], {"on_hand": ["row 1: Ensure this value is greater than or equal to 0."]}),
        ([{"on_hand": 1}], {"sku": ["row 1: This field is required."]}),
        ({"sku": 1, "on_hand": 1}, {"non_field_errors": ["Send a non-empty JSON array of rows."]}),
        ([], {"non_field_errors": ["Send a non-empty JSON array of rows."]}),
    ],
)
def test_a_malformed_stock_body_is_400_naming_the_field(api, tenant, store, manager, body, errors):
    response = api(manager, tenant).put(f"/api/v1/stores/{store.pk}/stock/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert snapshot(Stock, tenant) == []


def test_a_repeated_sku_is_400_and_nothing_is_written(api, tenant, store, manager, skus):
    body = [{"sku": skus[0].pk, "on_hand": 1}, {"sku": skus[0].pk, "on_hand": 2}]
    response = api(manager, tenant).put(f"/api/v1/stores/{store.pk}/stock/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"sku": [f"SKU {skus[0].pk} is listed twice."]}
    assert snapshot(Stock, tenant) == []


def test_the_database_refuses_reserved_above_on_hand_and_negative_counts(tenant, store, skus, in_tenant):
    # given a row with 2 on hand
    with in_tenant(tenant):
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=skus[0].pk, on_hand=2)])
        row = Stock.objects.get(store=store, sku=skus[0])
        # then the CHECK constraints refuse each way to break it, whatever the code does
        for change in ({"reserved": 3}, {"on_hand": -1}, {"reserved": -1}, {"on_hand": 1, "reserved": 2}):
            with pytest.raises(IntegrityError), in_tenant(tenant):
                Stock.objects.filter(pk=row.pk).update(**change)
        assert Stock.objects.filter(pk=row.pk).values_list("on_hand", "reserved").get() == (2, 0)


# --- real concurrency (PostgreSQL: each thread its own connection and transaction) ----------------


@pytest.mark.postgres
def test_twenty_concurrent_reservations_of_five_pieces_give_exactly_five(tenant, run_concurrently):
    # given a SKU with 5 on hand
    with tenant_scope(tenant):
        store = make_store(tenant)
        sku = make_sku(tenant)
        (row,) = set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=5)])

    def reserve_one() -> bool:
        try:
            with tenant_scope(tenant):
                return Stock.objects.filter(pk=row.pk).update(reserved=F("reserved") + 1) == 1
        except IntegrityError:  # the CHECK reserved <= on_hand refused it
            return False

    # when 20 reservations run at the same moment, each a guarded F() increment
    results = run_concurrently(20, reserve_one)
    # then exactly 5 succeed and the row holds 5 reserved of 5
    assert sorted(results) == [False] * 15 + [True] * 5
    with tenant_scope(tenant):
        assert Stock.objects.filter(pk=row.pk).values_list("on_hand", "reserved").get() == (5, 5)


@pytest.mark.postgres
def test_concurrent_stock_takes_and_reservations_never_leave_on_hand_below_reserved(tenant, run_concurrently):
    # given two SKUs with 10 on hand
    with tenant_scope(tenant):
        store = make_store(tenant)
        skus = [make_sku(tenant), make_sku(tenant)]
        set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=s.pk, on_hand=10) for s in skus])
    counter = iter(range(1000))
    lock = threading.Lock()
    outcomes: list[str] = []

    def one() -> None:
        with lock:
            n = next(counter)
        try:
            with tenant_scope(tenant):
                if n % 2:  # a reservation of one of each, in SKU order
                    for sku in skus:
                        Stock.objects.filter(store=store, sku=sku).update(reserved=F("reserved") + 1)
                    outcome = "reserved"
                else:  # a stock take lowering both (listed in the opposite order: the service sorts)
                    levels = [StockLevel(sku_id=s.pk, on_hand=10 - n // 2) for s in reversed(skus)]
                    set_stock(tenant=tenant, store=store, levels=levels)
                    outcome = "set"
        except Conflict:
            outcome = "conflict"
        except IntegrityError:
            outcome = "refused"
        with lock:
            outcomes.append(outcome)

    # when 16 stock takes and reservations run at the same moment
    run_concurrently(16, one)
    # then no deadlock or error escaped, and every row still holds reserved <= on_hand
    assert len(outcomes) == 16
    assert set(outcomes) <= {"reserved", "set", "conflict", "refused"}
    with tenant_scope(tenant):
        rows = list(Stock.objects.filter(store=store).values_list("on_hand", "reserved"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {Stock._meta.db_table} WHERE reserved > on_hand OR on_hand < 0")
            assert cursor.fetchone()[0] == 0
    assert all(0 <= reserved <= on_hand for on_hand, reserved in rows)
    assert sum(1 for o in outcomes if o == "reserved") == rows[0][1] == rows[1][1]
