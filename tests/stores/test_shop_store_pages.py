"""The consumer's store pages: "stores near me" (by position or city, paged) and a store's page."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import cast

import pytest

from catalog.models import Service
from stores.models import StoreService
from stores.views.common import store_today
from tests.pages import client_for, elements, queries_for, text, texts
from tests.stores.conftest import EVERY_DAY

pytestmark = pytest.mark.django_db


# Client.get sends floats as they print, but the stubs accept only str, bytes and int values.
PEOPLES_SQUARE = (31.2304, 121.4737)  # the consumer's position in the near-me tests


# --- consumers: stores near me and the store page ----------------------------------------------


@pytest.fixture
def near_stores(tenant, other_tenant, make_store):
    """Stores around People's Square at known distances; an inactive nearer one; another brand's at the point."""
    return {
        "east": make_store(
            tenant, "SH-E", name="East Nanjing Road", lat=31.2304, lng=121.5000, capabilities=["delivery"]
        ),
        "north": make_store(tenant, "SH-N", name="Suzhou Creek", lat=31.2400, lng=121.4737),
        "far": make_store(tenant, "SH-FAR", name="Pudong Airport Road", lat=31.3000, lng=121.6000),
        "south": make_store(tenant, "SH-S", name="Xujiahui", lat=31.1500, lng=121.4737, city="Shanghai"),
        "closed": make_store(tenant, "SH-X", name="Closed one", lat=31.2310, lng=121.4740, active=False),
        "hangzhou": make_store(tenant, "HZ-1", name="West Lake", lat=30.2741, lng=120.1551, city="Hangzhou"),
        "foreign": make_store(other_tenant, "B-1", name="Beta at the square", lat=31.2304, lng=121.4737),
    }


def test_near_me_lists_the_active_stores_nearest_first_with_their_distance(tenant, near_stores):
    # when a visitor asks for the stores near People's Square
    lat, lng = PEOPLES_SQUARE
    response = client_for(tenant).get("/stores/", {"lat": lat, "lng": lng})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    # then the brand's active stores come nearest first, each with its distance to 0.1 km
    assert response.status_code == 200
    assert texts(response, "store-name") == [
        "Suzhou Creek",
        "East Nanjing Road",
        "Xujiahui",
        "Pudong Airport Road",
        "West Lake",
    ]
    assert texts(response, "distance") == ["1.1 km", "2.5 km", "8.9 km", "14.3 km", "164.9 km"]
    assert texts(response, "address")[:2] == ["SH-N Nanjing Road", "SH-E Nanjing Road"]
    assert texts(response, "hours-today")[0] == "Open today 09:00–21:00"
    assert texts(response, "capabilities")[:2] == ["Pick-up", "Delivery"]
    assert text(response, "result-count") == "5 stores"


def test_near_me_through_htmx_returns_the_results_only(tenant, near_stores):
    lat, lng = PEOPLES_SQUARE
    response = client_for(tenant).get("/stores/", {"lat": lat, "lng": lng}, HTTP_HX_REQUEST="true")  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert texts(response, "distance") == ["1.1 km", "2.5 km", "8.9 km", "14.3 km", "164.9 km"]
    assert response["Vary"].split(", ").count("HX-Request") == 1


def test_near_me_filters_by_city_and_capability(tenant, near_stores):
    lat, lng = PEOPLES_SQUARE
    client = client_for(tenant)
    by_city = client.get("/stores/", {"lat": lat, "lng": lng, "city": "Hangzhou"})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    by_capability = client.get("/stores/", {"lat": lat, "lng": lng, "capability": "delivery"})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    assert texts(by_city, "store-name") == ["West Lake"]
    assert texts(by_capability, "store-name") == ["East Nanjing Road"]
    assert texts(by_capability, "distance") == ["2.5 km"]


def test_without_a_position_the_city_picker_lists_that_citys_stores(tenant, near_stores):
    # when a visitor who shares no position picks Shanghai
    response = client_for(tenant).get("/stores/", {"city": "Shanghai"})
    # then Shanghai's active stores are listed by code, without distances
    assert texts(response, "store-name") == ["East Nanjing Road", "Pudong Airport Road", "Suzhou Creek", "Xujiahui"]
    assert texts(response, "distance") == []
    # and the picker offers the cities of the brand's active stores
    assert response.context["form"].fields["city"].choices == [
        ("", "Any city"),
        ("Hangzhou", "Hangzhou"),
        ("Shanghai", "Shanghai"),
    ]


def test_near_me_without_a_search_shows_the_picker_only(tenant, near_stores):
    response = client_for(tenant).get("/stores/")
    assert response.status_code == 200
    assert text(response, "prompt") == "Share your location, or pick a city, to see the stores near you."
    assert "hidden" in elements(response, "locate")[0].attrs  # until the script finds geolocation
    assert elements(response, "store-card") == []


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"lat": "north", "lng": "121.47"}, "Enter a number."),
        ({"lat": "91", "lng": "121.47"}, "Ensure this value is less than or equal to 90."),
        ({"lat": "31.2"}, "A position needs both a latitude and a longitude."),
    ],
)
def test_a_bad_position_is_a_400_that_says_why(tenant, near_stores, query, error):
    response = client_for(tenant).get("/stores/", query)
    assert response.status_code == 400
    assert texts(response, "search-errors") == [error]
    assert elements(response, "store-card") == []


def test_near_me_pages_by_ten_nearest_first(tenant, make_store):
    # given twelve stores due north, 1..12 hundredths of a degree away
    for number in range(1, 13):
        make_store(tenant, f"N{number:02d}", name=f"North {number:02d}", lat=31.2304 + number / 100, lng=121.4737)
    lat, lng = PEOPLES_SQUARE
    client = client_for(tenant)
    # when the visitor opens the first page and then the next one
    first = client.get("/stores/", {"lat": lat, "lng": lng})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    more = elements(first, "more-stores")[0].attrs["href"]
    second = client.get(cast(str, more))
    # then ten come first, the last two after
    assert texts(first, "store-name") == [f"North {n:02d}" for n in range(1, 11)]
    assert more == f"/stores/?lat={lat}&lng={lng}&page=2"
    assert texts(second, "store-name") == ["North 11", "North 12"]
    assert texts(second, "distance") == ["12.2 km", "13.3 km"]


def test_the_store_page_shows_address_hours_services_stock_and_qr(tenant, make_store, make_sku, stock_of, in_tenant):
    # given a store closed on Sundays, with two services and some stock
    hours = {**EVERY_DAY, "fri": [["09:00", "12:00"], ["13:00", "21:00"]], "sun": []}
    store = make_store(
        tenant,
        "SH-D1",
        name="Xintiandi",
        address="181 Taicang Road",
        phone="021-6333 0000",
        opening_hours=hours,
        capabilities=["pickup", "services"],
    )
    with in_tenant(tenant):
        exam = Service.objects.create(tenant=tenant, name="Eye exam", duration_minutes=30, price=Decimal("0.00"))
        fitting = Service.objects.create(
            tenant=tenant, name="Frame fitting", duration_minutes=15, price=Decimal("50.00")
        )
        retired = Service.objects.create(tenant=tenant, name="Retired", duration_minutes=15, price=1, is_active=False)
        for service in (exam, fitting, retired):
            StoreService.objects.create(tenant=tenant, store=store, service=service, capacity=2)
    stock_of(store, make_sku(tenant, "RF-BLK", "Black"), on_hand=3)
    stock_of(store, make_sku(tenant, "RF-GLD", "Gold"), on_hand=2, reserved=2)
    stock_of(store, make_sku(tenant, "AV-01", "Aviator", product="Aviator"), on_hand=1)
    # when anyone opens the store page
    response = client_for(tenant).get(f"/stores/{store.pk}/")
    # then it shows where, when, what services and what is available now, and the QR code
    assert response.status_code == 200
    assert text(response, "page-title") == "Xintiandi"
    assert text(response, "address") == "181 Taicang Road"
    assert text(response, "phone") == "021-6333 0000"
    assert texts(response, "hours-row") == [
        "Monday 09:00–21:00",
        "Tuesday 09:00–21:00",
        "Wednesday 09:00–21:00",
        "Thursday 09:00–21:00",
        "Friday 09:00–12:00, 13:00–21:00",
        "Saturday 09:00–21:00",
        "Sunday Closed",
    ]
    assert texts(response, "service") == ["Eye exam 30 min · free", "Frame fitting 15 min · 50.00 CNY"]
    assert texts(response, "in-stock-item") == ["Aviator · Aviator", "Round frame · Black"]
    assert text(response, "capabilities") == "Pick-up In-store services"
    assert elements(response, "closed-notice") == []
    images = re.findall(r'<img class="qr-small" src="([^"]+)"', response.content.decode())
    assert images == [f"/stores/{store.pk}/qr.svg"]


def test_the_store_page_marks_today_in_the_stores_time_zone(tenant, make_store):
    store = make_store(tenant, "SH-D1", timezone="America/New_York")
    response = client_for(tenant).get(f"/stores/{store.pk}/")
    today = [e.text.split()[0] for e in elements(response, "hours-row") if e.attrs.get("aria-current") == "date"]
    assert today == [store_today(store).strftime("%A")]


def test_an_inactive_stores_page_says_it_is_closed(tenant, make_store):
    store = make_store(tenant, "SH-X", active=False)
    response = client_for(tenant).get(f"/stores/{store.pk}/")
    assert response.status_code == 200
    assert text(response, "closed-notice") == "This store is temporarily closed."


def test_near_me_takes_as_many_queries_for_ten_stores_as_for_one(tenant, make_store):
    lat, lng = PEOPLES_SQUARE
    client = client_for(tenant)
    make_store(tenant, "N00", lat=31.2404, lng=121.4737, territory=["310101"])
    one = queries_for(client, "/stores/", {"lat": lat, "lng": lng})
    for number in range(1, 10):
        make_store(tenant, f"N{number:02d}", lat=31.2404 + number / 100, lng=121.4737, territory=["310101"])
    ten = queries_for(client, "/stores/", {"lat": lat, "lng": lng})
    assert one == ten
