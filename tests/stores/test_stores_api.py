"""The store CRUD of api.md: HQ writes, anyone reads, the contract only for HQ and the store's manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from o2o.choices import Role
from stores.models import Stock, Store, StoreContract, TerritoryDistrict
from stores.selectors import tenant_today
from stores.services import StockLevel, set_stock
from tests.stores.factories import make_sku, make_store, snapshot

pytestmark = pytest.mark.django_db

NEW_STORE: dict[str, Any] = {
    "code": "BJ07",
    "name": "Beijing Sanlitun",
    "kind": "franchise",
    "region": "north",
    "city": "Beijing",
    "district": "110105",
    "address": "19 Sanlitun Road",
    "phone": "010-12345678",
    "lat": 39.9334,
    "lng": 116.4546,
    "service_radius_km": "8.50",
    "territory": ["110105", "110101"],
    "timezone": "Asia/Shanghai",
    "opening_hours": {
        "mon": [["10:00", "14:00"], ["15:00", "22:00"]],
        "tue": [["10:00", "22:00"]],
        "wed": [["10:00", "22:00"]],
        "thu": [["10:00", "22:00"]],
        "fri": [["10:00", "23:00"]],
        "sat": [["09:00", "23:00"]],
        "sun": [],
    },
    "capabilities": ["pickup", "services"],
}


def test_hq_creates_a_franchise_store_with_the_franchise_opening_contract(
    api, tenant, hq_admin, in_tenant, django_assert_num_queries
):
    client = api(hq_admin, tenant)
    # when HQ creates a franchise store without naming its terms
    with django_assert_num_queries(20):
        response = client.post("/api/v1/stores/", NEW_STORE, format="json")
    # then it exists with its territory, and the franchise defaults of rules.md 5.2 from 2000-01-01
    assert response.status_code == 201, response.json()
    body = response.json()
    with in_tenant(tenant):
        store = Store.objects.get(code="BJ07")
    assert body == {
        "id": store.pk,
        **NEW_STORE,
        "territory": ["110101", "110105"],
        "active": True,
        "contract": {
            "sales_share_rate": "0.9200",
            "tac_chargeable": True,
            "commission_borne_by_store": True,
            "valid_from": "2000-01-01",
        },
    }
    with in_tenant(tenant):
        assert list(StoreContract.objects.filter(store=store).values_list("valid_from", "sales_share_rate")) == [
            (dt.date(2000, 1, 1), Decimal("0.9200"))
        ]


def test_a_new_store_may_name_its_own_terms_and_missing_terms_come_from_its_kind(api, tenant, hq_admin, in_tenant):
    # when HQ creates a counter store with a mall fee of 15%
    body = {**NEW_STORE, "kind": "counter", "contract": {"sales_share_rate": "0.1500"}}
    response = api(hq_admin, tenant).post("/api/v1/stores/", body, format="json")
    # then the rate is HQ's and the flags are the counter's defaults
    assert response.status_code == 201
    assert response.json()["contract"] == {
        "sales_share_rate": "0.1500",
        "tac_chargeable": False,
        "commission_borne_by_store": False,
        "valid_from": "2000-01-01",
    }


def test_a_taken_code_is_400_naming_code_and_nothing_is_written(api, tenant, hq_admin, store):
    # given a store SH01
    before = snapshot(Store, tenant)
    # when HQ creates another store with that code
    response = api(hq_admin, tenant).post("/api/v1/stores/", {**NEW_STORE, "code": "SH01"}, format="json")
    # then it is refused naming the field, and nothing changed
    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["A store with code SH01 exists already."]}
    assert snapshot(Store, tenant) == before
    assert snapshot(StoreContract, tenant, store__code="BJ07") == []


@pytest.mark.parametrize("who", ["manager", "guide", "consumer"])
def test_only_hq_creates_edits_and_deletes_stores(api, tenant, store, manager, guide, consumer, who):
    # given a store, its manager, its guide and a consumer
    user = {"manager": manager, "guide": guide, "consumer": consumer}[who]
    before = snapshot(Store, tenant)
    client = api(user, tenant)
    # when they try to create, edit and delete stores
    created = client.post("/api/v1/stores/", NEW_STORE, format="json")
    edited = client.patch(f"/api/v1/stores/{store.pk}/", {"name": "Mine now"}, format="json")
    deleted = client.delete(f"/api/v1/stores/{store.pk}/")
    # then each is refused and nothing changed
    assert [created.status_code, edited.status_code, deleted.status_code] == [403, 403, 403]
    assert edited.json()["code"] == "permission_denied"
    assert snapshot(Store, tenant) == before


def test_anyone_reads_a_store_and_only_hq_and_its_own_manager_see_the_contract(
    api, tenant, hq_admin, hq_staff, store, manager, guide, other_manager, consumer
):
    # given a store, its manager and guide, another store's manager, a consumer, HQ and anonymous
    callers = {
        "anonymous": None,
        "consumer": consumer,
        "guide": guide,
        "other_manager": other_manager,
        "manager": manager,
        "hq_staff": hq_staff,
        "hq_admin": hq_admin,
    }
    # when each reads the store
    contracts = {}
    for who, user in callers.items():
        response = api(user, tenant).get(f"/api/v1/stores/{store.pk}/")
        assert response.status_code == 200, who
        assert response.json()["code"] == "SH01"
        contracts[who] = response.json()["contract"]
    # then the direct store's terms are shown to HQ and to its own manager only
    terms = {
        "sales_share_rate": "0.0000",
        "tac_chargeable": False,
        "commission_borne_by_store": False,
        "valid_from": "2000-01-01",
    }
    assert contracts == {
        "anonymous": None,
        "consumer": None,
        "guide": None,
        "other_manager": None,
        "manager": terms,
        "hq_staff": terms,
        "hq_admin": terms,
    }


def test_the_list_shows_the_contract_of_the_managers_own_store_only(api, tenant, store, other_store, manager):
    # when the manager of SH01 lists the stores
    response = api(manager, tenant).get("/api/v1/stores/")
    # then both stores are listed, with the contract of SH01 only
    assert response.status_code == 200
    contracts = {row["code"]: row["contract"] for row in response.json()["results"]}
    assert contracts == {
        "HZ01": None,
        "SH01": {
            "sales_share_rate": "0.0000",
            "tac_chargeable": False,
            "commission_borne_by_store": False,
            "valid_from": "2000-01-01",
        },
    }


def test_inactive_stores_are_listed_for_hq_only(api, tenant, hq_admin, consumer, in_tenant):
    # given an active and an inactive store
    with in_tenant(tenant):
        make_store(tenant, code="OPEN")
        make_store(tenant, code="SHUT", active=False)
    # when HQ, a consumer and anonymous list them
    hq_all = api(hq_admin, tenant).get("/api/v1/stores/").json()["results"]
    hq_inactive = api(hq_admin, tenant).get("/api/v1/stores/", {"active": "false"}).json()["results"]
    consumer_asks_inactive = api(consumer, tenant).get("/api/v1/stores/", {"active": "false"}).json()["results"]
    anonymous = api(None, tenant).get("/api/v1/stores/").json()["results"]
    # then HQ sees both (or the inactive one when asking), the others only the open store
    assert [row["code"] for row in hq_all] == ["OPEN", "SHUT"]
    assert [row["code"] for row in hq_inactive] == ["SHUT"]
    assert [row["code"] for row in consumer_asks_inactive] == ["OPEN"]
    assert [row["code"] for row in anonymous] == ["OPEN"]


def test_the_list_filters_by_kind_city_region_capability_text_and_stock(api, tenant, hq_admin, in_tenant):
    # given stores of several kinds, cities and capabilities, one with a SKU available, one with all reserved
    with in_tenant(tenant):
        sh = make_store(tenant, code="SH-D", name="Bund", kind="direct", capabilities=["pickup", "delivery"])
        hz = make_store(tenant, code="HZ-F", kind="franchise", city="Hangzhou", capabilities=["services"])
        bj = make_store(tenant, code="BJ-C", kind="counter", city="Beijing", region="north", capabilities=[])
        sku = make_sku(tenant)
        set_stock(tenant=tenant, store=hz, levels=[StockLevel(sku_id=sku.pk, on_hand=3)])
        set_stock(tenant=tenant, store=bj, levels=[StockLevel(sku_id=sku.pk, on_hand=2)])
        Stock.objects.filter(store=bj, sku=sku).update(reserved=2)
    client = api(hq_admin, tenant)

    def codes(**params):
        response = client.get("/api/v1/stores/", params)
        assert response.status_code == 200, response.json()
        return [row["code"] for row in response.json()["results"]]

    # then each filter keeps exactly the matching stores
    assert codes(kind="franchise") == ["HZ-F"]
    assert codes(city="Beijing") == ["BJ-C"]
    assert codes(region="east") == ["HZ-F", "SH-D"]
    assert codes(capability="delivery") == ["SH-D"]
    assert codes(capability="services") == ["HZ-F"]
    assert codes(q="bund") == ["SH-D"]
    assert codes(q="bj-") == ["BJ-C"]
    assert codes(has_stock=sku.pk) == ["HZ-F"]
    assert codes(kind="direct", city="Hangzhou") == []
    assert sh.pk != hz.pk


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "kiosk"}, "kind"),
        ({"capability": "teleport"}, "capability"),
        ({"has_stock": "abc"}, "has_stock"),
        ({"active": "perhaps"}, "active"),
    ],
)
def test_a_bad_filter_is_400_naming_it(api, tenant, hq_admin, params, field):
    response = api(hq_admin, tenant).get("/api/v1/stores/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("role", [Role.HQ_ADMIN, Role.CONSUMER])
def test_the_list_costs_the_same_queries_for_2_and_20_stores(
    api, tenant, make_user, in_tenant, role, django_assert_num_queries
):
    # given a caller, and first 2 then 20 stores with territories
    client = api(make_user(tenant, role, username=f"lister-{role}"), tenant)
    expected = {Role.HQ_ADMIN: 11, Role.CONSUMER: 10}[role]
    for count in (2, 20):
        with in_tenant(tenant):
            while Store.objects.count() < count:
                make_store(tenant, territory=["310101", "310104"])
        # when it lists them
        with django_assert_num_queries(expected):
            response = client.get("/api/v1/stores/", {"page_size": 50})
        # then all are there, without a query per store
        assert response.json()["count"] == count
        assert len(response.json()["results"]) == count


def test_hq_edits_a_store_and_its_territory(api, tenant, hq_admin, store, in_tenant, django_assert_num_queries):
    client = api(hq_admin, tenant)
    # when HQ renames the store, widens its service radius and sets its territory
    with django_assert_num_queries(23):
        response = client.patch(
            f"/api/v1/stores/{store.pk}/",
            {"name": "People's Square flagship", "service_radius_km": "12.00", "territory": ["310101", "310106"]},
            format="json",
        )
    # then the fields given change and the others stay
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["service_radius_km"], body["territory"], body["city"], body["kind"]) == (
        "People's Square flagship",
        "12.00",
        ["310101", "310106"],
        "Shanghai",
        "direct",
    )
    with in_tenant(tenant):
        assert sorted(TerritoryDistrict.objects.filter(store=store).values_list("district", flat=True)) == [
            "310101",
            "310106",
        ]


def test_hq_patching_the_contract_starts_a_new_version_from_today_and_keeps_the_old(
    api, tenant, hq_admin, store, in_tenant
):
    # when HQ gives the store a 5% share from today
    response = api(hq_admin, tenant).patch(
        f"/api/v1/stores/{store.pk}/", {"contract": {"sales_share_rate": "0.0500"}}, format="json"
    )
    # then the new version is in force and the opening one is untouched
    assert response.status_code == 200, response.json()
    today = tenant_today(tenant=tenant)
    assert response.json()["contract"] == {
        "sales_share_rate": "0.0500",
        "tac_chargeable": False,
        "commission_borne_by_store": False,
        "valid_from": today.isoformat(),
    }
    with in_tenant(tenant):
        versions = list(
            StoreContract.objects.filter(store=store)
            .order_by("valid_from")
            .values_list("valid_from", "sales_share_rate")
        )
    assert [(d, str(r)) for d, r in versions] == [(dt.date(2000, 1, 1), "0.0000"), (today, "0.0500")]


def test_a_contract_version_before_the_latest_is_409_and_nothing_changes(api, tenant, hq_admin, store):
    # given a version from 2026-03-01
    client = api(hq_admin, tenant)
    response = client.patch(
        f"/api/v1/stores/{store.pk}/",
        {"contract": {"sales_share_rate": "0.1000", "valid_from": "2026-03-01"}},
        format="json",
    )
    assert response.status_code == 200
    before = snapshot(StoreContract, tenant)
    # when HQ slips one in before it
    response = client.patch(
        f"/api/v1/stores/{store.pk}/",
        {"contract": {"sales_share_rate": "0.2000", "valid_from": "2026-02-01"}},
        format="json",
    )
    # then it is a conflict and the history is as it was
    assert response.status_code == 409
    assert response.json()["code"] == "contract_backdated"
    assert snapshot(StoreContract, tenant) == before


def test_a_refused_contract_change_leaves_the_fields_of_the_same_patch_unchanged(api, tenant, hq_admin, store):
    # given a version from 2026-03-01
    client = api(hq_admin, tenant)
    client.patch(
        f"/api/v1/stores/{store.pk}/",
        {"contract": {"sales_share_rate": "0.1", "valid_from": "2026-03-01"}},
        format="json",
    )
    before = [snapshot(Store, tenant), snapshot(StoreContract, tenant)]
    # when HQ renames the store and back-dates a contract in one PATCH
    response = client.patch(
        f"/api/v1/stores/{store.pk}/",
        {"name": "Renamed", "contract": {"sales_share_rate": "0.2", "valid_from": "2026-01-01"}},
        format="json",
    )
    # then the whole PATCH is refused: the name is unchanged too
    assert response.status_code == 409
    assert [snapshot(Store, tenant), snapshot(StoreContract, tenant)] == before


def test_bad_opening_hours_are_400_naming_the_field_and_nothing_changes(api, tenant, hq_admin, store):
    # given the store's hours
    before = snapshot(Store, tenant)
    hours = {**NEW_STORE["opening_hours"], "tue": [["10:00", "15:00"], ["14:00", "22:00"]]}
    # when HQ sets overlapping hours on Tuesday
    response = api(hq_admin, tenant).patch(f"/api/v1/stores/{store.pk}/", {"opening_hours": hours}, format="json")
    # then the answer names the field and the store is unchanged
    assert response.status_code == 400
    assert response.json()["errors"] == {"opening_hours": ["tue: the intervals overlap at 14:00."]}
    assert snapshot(Store, tenant) == before


def test_deleting_a_store_nothing_refers_to_deletes_it(api, tenant, hq_admin, store, in_tenant):
    # when HQ deletes a store without stock or staff
    response = api(hq_admin, tenant).delete(f"/api/v1/stores/{store.pk}/")
    # then it is gone with its contract
    assert response.status_code == 204
    with in_tenant(tenant):
        assert not Store.objects.filter(pk=store.pk).exists()
        assert not StoreContract.objects.filter(store_id=store.pk).exists()


def test_deleting_a_store_with_stock_or_staff_deactivates_it(
    api, tenant, hq_admin, store, other_store, manager, in_tenant
):
    # given a store with a manager, and another with stock
    with in_tenant(tenant):
        sku = make_sku(tenant)
        set_stock(tenant=tenant, store=other_store, levels=[StockLevel(sku_id=sku.pk, on_hand=1)])
    client = api(hq_admin, tenant)
    # when HQ deletes both
    staffed = client.delete(f"/api/v1/stores/{store.pk}/")
    stocked = client.delete(f"/api/v1/stores/{other_store.pk}/")
    # then both are kept, inactive, with their stock
    assert (staffed.status_code, staffed.json()["active"]) == (200, False)
    assert (stocked.status_code, stocked.json()["active"]) == (200, False)
    with in_tenant(tenant):
        assert list(Store.objects.order_by("code").values_list("code", "is_active")) == [
            ("HZ01", False),
            ("SH01", False),
        ]
        assert Stock.objects.filter(store=other_store).count() == 1


def test_deleting_the_home_store_of_a_member_deactivates_it(api, tenant, hq_admin, store, in_tenant):
    # given a member whose home store it is (the members app, a higher layer, keeps that link)
    from members.services import join_brand

    with in_tenant(tenant):
        join_brand(tenant=tenant, phone="+8613911112222", name="Wang Fang", home_store=store)
    # when HQ deletes the store
    response = api(hq_admin, tenant).delete(f"/api/v1/stores/{store.pk}/")
    # then it is kept, inactive, and the member keeps their home store
    assert (response.status_code, response.json()["active"]) == (200, False)
    with in_tenant(tenant):
        from members.models import Member

        assert list(Member.objects.values_list("home_store_id", flat=True)) == [store.pk]


def test_a_400_speaks_the_callers_language(api, tenant, hq_admin, store):
    # given a store SH01
    client = api(hq_admin, tenant)
    duplicate = {**NEW_STORE, "code": "SH01"}
    # when a Chinese-speaking HQ creates another store with that code
    response = client.post("/api/v1/stores/", duplicate, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the refusal is in Chinese, the machine-readable parts unchanged
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["detail"]) == ("invalid", "已存在编码为 SH01 的门店。")
    assert response.json()["errors"] == {"code": ["已存在编码为 SH01 的门店。"]}
    # and the same request in English is refused in English
    response = client.post("/api/v1/stores/", duplicate, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "A store with code SH01 exists already."
    assert response.json()["errors"] == {"code": ["A store with code SH01 exists already."]}
