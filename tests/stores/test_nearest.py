"""Nearest stores (issue item 5): the same order as a brute-force haversine over every store, ties by id."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any, cast

import pytest

from o2o.choices import Role
from stores.geo import haversine_km
from stores.models import Store
from stores.selectors import nearest_stores
from stores.services import StockLevel, set_stock
from tests.stores.factories import make_sku, make_store

pytestmark = pytest.mark.django_db

# (city, lat, lng, spread in degrees): Chinese cities, and places at the antimeridian and near the poles
CITIES = [
    ("Shanghai", 31.2304, 121.4737, 0.15),
    ("Hangzhou", 30.2741, 120.1551, 0.12),
    ("Beijing", 39.9042, 116.4074, 0.2),
    ("Suva", -18.1248, 178.4501, 0.3),  # Fiji, west of the antimeridian
    ("Taveuni", -16.85, -179.95, 0.3),  # east of it
    ("Anadyr", 64.7337, 177.4968, 0.5),
    ("Longyearbyen", 78.2232, 15.6267, 1.0),
    ("McMurdo", -77.846, 166.676, 2.0),
]
CAPABILITIES = [["pickup"], ["pickup", "delivery"], ["services"], ["pickup", "delivery", "services"]]


def _spread_stores(tenant, rng: random.Random, count: int) -> list[Store]:
    """`count` stores around the CITIES, of every kind and capability, in one bulk insert."""
    stores = []
    for number in range(count):
        city, lat, lng, spread = CITIES[number % len(CITIES)]
        capabilities = CAPABILITIES[number % len(CAPABILITIES)]
        s_lng = lng + rng.uniform(-spread, spread)
        s_lng = (s_lng + 180) % 360 - 180  # wrap across the antimeridian
        stores.append(
            Store(
                tenant=tenant,
                code=f"R{number:04d}",
                name=f"Random {number}",
                kind=["direct", "franchise", "counter"][number % 3],
                region="east",
                city=city,
                address="somewhere",
                lat=max(-90.0, min(90.0, lat + rng.uniform(-spread, spread))),
                lng=s_lng,
                offers_pickup="pickup" in capabilities,
                offers_delivery="delivery" in capabilities,
                offers_services="services" in capabilities,
                is_active=number % 11 != 0,
            )
        )
    return Store.objects.bulk_create(stores)


def _oracle(stores, lat, lng, limit, offset, **filters):
    """Brute force: the haversine to every matching store, sorted by (distance, id)."""
    matching = [
        s
        for s in stores
        if s.is_active
        and (filters.get("kind") is None or s.kind == filters["kind"])
        and (filters.get("city") is None or s.city == filters["city"])
        and (filters.get("capability") is None or filters["capability"] in s.capabilities)
    ]
    ranked = sorted((haversine_km(lat, lng, s.lat, s.lng), s.pk) for s in matching)
    return [(pk, d) for d, pk in ranked[offset : offset + limit]], len(matching)


def _query_points(rng: random.Random) -> list[tuple[float, float]]:
    points = [(rng.uniform(-90, 90), rng.uniform(-180, 180)) for _ in range(40)]  # anywhere on Earth
    for _, lat, lng, spread in CITIES:  # in and around each city
        points += [
            (lat + rng.uniform(-2 * spread, 2 * spread), lng + rng.uniform(-2 * spread, 2 * spread)) for _ in range(4)
        ]
    points = [(max(-90.0, min(90.0, a)), (b + 180) % 360 - 180) for a, b in points]
    return [*points, (0.0, 180.0), (-17.0, -180.0), (90.0, 0.0), (-90.0, 45.0), (89.99, 123.0), (31.2304, 121.4737)]


def test_nearest_stores_match_a_brute_force_haversine_on_random_points(tenant, in_tenant):
    # given 400 stores spread over cities on both sides of the antimeridian and near both poles
    rng = random.Random(20260501)
    with in_tenant(tenant):
        stores = _spread_stores(tenant, rng, 400)
        # two pairs of stores at exactly the same place: the lower id must come first
        twins = Store.objects.bulk_create(
            [
                Store(
                    tenant=tenant,
                    code=f"T{n}",
                    name="Twin",
                    kind="direct",
                    region="east",
                    city="Shanghai",
                    address="same spot",
                    lat=31.2304,
                    lng=121.4737,
                )
                for n in range(2)
            ]
            + [
                Store(
                    tenant=tenant,
                    code=f"A{n}",
                    name="Twin",
                    kind="direct",
                    region="east",
                    city="Suva",
                    address="same spot",
                    lat=-16.9,
                    lng=180.0,
                )
                for n in range(2)
            ]
        )
        stores += twins
        # when we ask for pages of the nearest, with and without filters, from random points
        checked = 0
        for lat, lng in _query_points(rng):
            for limit, offset, filters in [
                (20, 0, {}),
                (5, 7, {}),
                (1, 0, {}),
                (10, 30, {"capability": "delivery"}),
                (3, 0, {"kind": "franchise", "capability": "services"}),
                (10, 0, {"city": "Suva"}),
                (50, 380, {}),
            ]:
                found, total = nearest_stores(
                    tenant=tenant, lat=lat, lng=lng, limit=limit, offset=offset, **cast(dict[str, Any], filters)
                )
                # then the page and the count are exactly the brute force's
                assert ([(s.pk, d) for s, d in found], total) == _oracle(stores, lat, lng, limit, offset, **filters), (
                    lat,
                    lng,
                    limit,
                    offset,
                    filters,
                )
                checked += 1
    assert checked == 7 * (40 + 4 * len(CITIES) + 6)


def test_stores_at_the_same_place_come_lower_id_first_even_across_pages(tenant, in_tenant):
    # given two stores at the same coordinates, and one a little farther
    with in_tenant(tenant):
        first = make_store(tenant, code="TWIN-A", lat=31.2, lng=121.5)
        second = make_store(tenant, code="TWIN-B", lat=31.2, lng=121.5)
        farther = make_store(tenant, code="FAR", lat=31.3, lng=121.5)
        # when the nearest are read one per page
        pages = [nearest_stores(tenant=tenant, lat=31.0, lng=121.5, limit=1, offset=n) for n in range(3)]
    # then the lower id comes first, then its twin, then the farther store
    assert [[s.pk for s, _ in found] for found, _ in pages] == [[first.pk], [second.pk], [farther.pk]]
    assert [total for _, total in pages] == [3, 3, 3]


def test_the_nearest_store_across_the_antimeridian_is_found(tenant, in_tenant):
    # given a store just east of the antimeridian and one a degree west of it
    with in_tenant(tenant):
        east = make_store(tenant, code="EAST", lat=0.0, lng=-179.95)
        west = make_store(tenant, code="WEST", lat=0.0, lng=179.0)
        for n in range(30):  # and more stores far away, so that the search has to grow its box
            make_store(tenant, code=f"FAR{n}", lat=40.0, lng=-100.0 + n)
        # when a consumer at 0, 179.95 looks for the two nearest
        found, total = nearest_stores(tenant=tenant, lat=0.0, lng=179.95, limit=2)
    # then the store 11 km away over the antimeridian comes first
    assert [(s.code, round(d, 3)) for s, d in found] == [("EAST", 11.12), ("WEST", 105.635)]
    assert total == 32
    assert (east.pk, west.pk) == (found[0][0].pk, found[1][0].pk)


def test_has_stock_keeps_stores_with_the_sku_available_only(tenant, in_tenant):
    # given three stores near each other: one with stock, one with all of it reserved, one with none
    with in_tenant(tenant):
        sku = make_sku(tenant)
        stocked = make_store(tenant, code="STOCKED", lat=31.20, lng=121.40)
        reserved = make_store(tenant, code="RESERVED", lat=31.21, lng=121.40)
        make_store(tenant, code="EMPTY", lat=31.22, lng=121.40)
        set_stock(tenant=tenant, store=stocked, levels=[StockLevel(sku_id=sku.pk, on_hand=1)])
        set_stock(tenant=tenant, store=reserved, levels=[StockLevel(sku_id=sku.pk, on_hand=2)])
        reserved.stock.update(reserved=2)
        # when the nearest stores with the SKU are asked for
        found, total = nearest_stores(tenant=tenant, lat=31.2, lng=121.4, limit=10, sku_id=sku.pk)
    # then only the store with some available is listed
    assert ([s.code for s, _ in found], total) == (["STOCKED"], 1)


def _three_stores(tenant):
    return [
        make_store(tenant, code="PEOPLE", lat=31.2304, lng=121.4737, capabilities=["pickup"]),
        make_store(tenant, code="BUND", lat=31.2400, lng=121.4900, capabilities=["pickup", "delivery"]),
        make_store(tenant, code="WESTLAKE", city="Hangzhou", lat=30.2741, lng=120.1551, capabilities=["delivery"]),
    ]


def test_the_api_orders_by_distance_adds_distance_km_and_paginates(api, tenant, in_tenant):
    # given three stores, and an inactive one next to the consumer
    with in_tenant(tenant):
        _three_stores(tenant)
        make_store(tenant, code="CLOSED", lat=31.2305, lng=121.4737, active=False)
    client = api(None, tenant)
    # when an anonymous consumer at People's Square asks for them two per page
    first = client.get("/api/v1/stores/", {"near": "31.2304,121.4737", "page_size": 2})
    second = client.get("/api/v1/stores/", {"near": "31.2304,121.4737", "page_size": 2, "page": 2})
    # then they come nearest first with their distance in km to the metre, and the pages link up
    assert first.status_code == 200
    assert [(r["code"], r["distance_km"], r["contract"]) for r in first.json()["results"]] == [
        ("PEOPLE", 0.0, None),
        ("BUND", 1.882, None),
    ]
    assert (first.json()["count"], first.json()["previous"]) == (3, None)
    assert first.json()["next"] == "http://testserver/api/v1/stores/?near=31.2304%2C121.4737&page=2&page_size=2"
    assert [(r["code"], r["distance_km"]) for r in second.json()["results"]] == [("WESTLAKE", 164.874)]
    assert (second.json()["count"], second.json()["next"]) == (3, None)
    assert second.json()["previous"] == "http://testserver/api/v1/stores/?near=31.2304%2C121.4737&page_size=2"


def test_the_api_near_filters_by_capability_kind_and_city(api, tenant, in_tenant):
    with in_tenant(tenant):
        _three_stores(tenant)
    client = api(None, tenant)
    near = "31.2304,121.4737"

    def codes(**params):
        response = client.get("/api/v1/stores/", {"near": near, **params})
        assert response.status_code == 200, response.json()
        return [row["code"] for row in response.json()["results"]]

    assert codes(capability="delivery") == ["BUND", "WESTLAKE"]
    assert codes(city="Hangzhou") == ["WESTLAKE"]
    assert codes(kind="franchise") == []
    assert codes(q="west") == ["WESTLAKE"]


@pytest.mark.parametrize("near", ["31.2", "abc,def", "91,120", "31,181", "nan,1", "1,2,3", ""])
def test_a_bad_near_is_400_naming_near(api, tenant, near):
    response = api(None, tenant).get("/api/v1/stores/", {"near": near})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["near"]


def test_a_near_page_past_the_end_is_404(api, tenant, in_tenant):
    with in_tenant(tenant):
        _three_stores(tenant)
    response = api(None, tenant).get("/api/v1/stores/", {"near": "31,121", "page": 3, "page_size": 2})
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "expected"), [(Role.HQ_ADMIN, 12), (Role.CONSUMER, 11)])
def test_the_near_query_count_is_pinned(api, tenant, make_user, in_tenant, role, expected, django_assert_num_queries):
    # given 3 stores in Shanghai and Hangzhou, then 30 more in Shanghai
    client = api(make_user(tenant, role, username=f"near-{role}"), tenant)
    with in_tenant(tenant):
        _three_stores(tenant)
    for extra in (0, 30):
        with in_tenant(tenant):
            for n in range(extra):
                make_store(tenant, code=f"MORE{n}", lat=31.0 + n / 1000, lng=121.0, territory=["310101"])
        # when a consumer near People's Square asks for the nearest 2: count, one box, page, territory (+contracts)
        with django_assert_num_queries(expected):
            response = client.get("/api/v1/stores/", {"near": "31.2304,121.4737", "page_size": 2})
        # then the queries do not grow with the stores
        assert response.json()["count"] == 3 + extra


def test_service_radius_is_a_decimal_and_distance_a_float(tenant, in_tenant):
    with in_tenant(tenant):
        store = make_store(tenant, service_radius_km=Decimal("7.25"))
        found, _ = nearest_stores(tenant=tenant, lat=store.lat, lng=store.lng, limit=1)
    assert (found[0][0].service_radius_km, found[0][1]) == (Decimal("7.25"), 0.0)


def test_hq_sees_the_contracts_in_a_near_list_and_the_public_does_not(api, tenant, hq_admin, in_tenant):
    with in_tenant(tenant):
        _three_stores(tenant)
    hq = api(hq_admin, tenant).get("/api/v1/stores/", {"near": "31.2304,121.4737", "page_size": 1}).json()
    public = api(None, tenant).get("/api/v1/stores/", {"near": "31.2304,121.4737", "page_size": 1}).json()
    assert hq["results"][0]["contract"] == {
        "sales_share_rate": "0.0000",
        "tac_chargeable": False,
        "commission_borne_by_store": False,
        "valid_from": "2000-01-01",
    }
    assert public["results"][0]["contract"] is None
    assert {k: v for k, v in hq["results"][0].items() if k != "contract"} == {
        k: v for k, v in public["results"][0].items() if k != "contract"
    }


def test_a_page_past_the_last_store_is_empty_with_the_count(tenant, in_tenant):
    with in_tenant(tenant):
        _three_stores(tenant)
        assert nearest_stores(tenant=tenant, lat=31.0, lng=121.0, limit=10, offset=3) == ([], 3)
        assert nearest_stores(tenant=tenant, lat=31.0, lng=121.0, limit=0) == ([], 3)
        assert nearest_stores(tenant=tenant, lat=31.0, lng=121.0, limit=5, kind="franchise") == ([], 0)
