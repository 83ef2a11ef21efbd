"""The repurchase cycle (issue 11 item 6) with hand-worked numbers.

The shop (January 2026, Shanghai), bands from 0.00 ("Budget") and 500.00 ("Premium"):
- A buys Frames at 100.00 on the 1st, the 11th (01:00 in Shanghai: the 10th in UTC) and the 31st:
  intervals 10 and 20; Premium frames at 800.00 on the 3rd and at exactly 500.00 on the 10th: 7;
  also Frames on Dec 25th (before the window), and at 100.00 on Tmall's B2C channel on the 21st;
- B buys Frames at 200.00 on the 1st, and two lines of Frames (150.00 and 120.00) on the 6th: one
  purchase, interval 5; Lenses at 50.00 on the 2nd;
- C buys Frames at 100.00 on the 1st and the 14th: 13; and on the 7th an order that was cancelled.
Budget frames: members A, B, C; purchases 3 + 2 + 2 = 7; intervals 5, 10, 13, 20: an even count,
the median the mean of 10 and 13: 11.5. Premium frames: 1 member, 2 purchases, 1 interval, 7.0.
Lenses: 1 member, 1 purchase, no interval: no median.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from attribution.models import PriceBand
from attribution.selectors import repurchase as selectors
from attribution.selectors.price_bands import report_bands
from attribution.selectors.reports import repurchase_report
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from orders.choices import OrderStatus
from tests.attribution.report_factories import API_QUERIES, Shop, at, open_shop

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/repurchase/"
JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}


@pytest.fixture
def shop(tenant: Tenant) -> Shop:
    shop = open_shop(tenant)
    with tenant_scope(tenant):
        PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("0.00"), label="Budget")
        PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("500.00"), label="Premium")
        shop.buy("A", at("2026-01-01"), [("Frames", "100.00")])
        shop.buy("A", at("2026-01-11", "01:00"), [("Frames", "100.00")])
        shop.buy("A", at("2026-01-31"), [("Frames", "100.00")])
        shop.buy("A", at("2026-01-03"), [("Frames", "800.00")])
        shop.buy("A", at("2026-01-10"), [("Frames", "500.00")])
        shop.buy("A", at("2025-12-25"), [("Frames", "100.00")])
        shop.buy("A", at("2026-01-21"), [("Frames", "100.00")], channel=OrderChannel.B2C)
        shop.buy("B", at("2026-01-01"), [("Frames", "200.00")])
        shop.buy("B", at("2026-01-06", "09:00"), [("Frames", "150.00"), ("Frames", "120.00")])
        shop.buy("B", at("2026-01-02"), [("Lenses", "50.00")])
        shop.buy("C", at("2026-01-01"), [("Frames", "100.00")])
        shop.buy("C", at("2026-01-14"), [("Frames", "100.00")])
        shop.buy("C", at("2026-01-07"), [("Frames", "100.00")], status=OrderStatus.CANCELLED)
    return shop


@pytest.fixture
def hq(api: Callable[..., APIClient], shop: Shop, make_user: Callable[..., User]) -> APIClient:
    return api(make_user(shop.tenant, Role.HQ_STAFF), shop.tenant)


def rows(client: APIClient, **params: str) -> list[tuple[Any, ...]]:
    response = client.get(URL, {**JANUARY, **params})
    assert response.status_code == 200, response.json()
    return [
        (
            row["category_name"],
            row["band"]["label"],
            row["band"]["lower"],
            row["band"]["upper"],
            row["members"],
            row["purchases"],
            row["intervals"],
            row["median_days"],
        )
        for row in response.json()["rows"]
    ]


EXPECTED = [
    ("Frames", "Budget", "0.00", "500.00", 3, 7, 4, "11.5"),
    ("Frames", "Premium", "500.00", None, 1, 2, 1, "7.0"),
    ("Lenses", "Budget", "0.00", "500.00", 1, 1, 0, None),
]


def test_median_days_between_purchases_by_category_and_band(hq: APIClient, shop: Shop) -> None:
    assert rows(hq) == EXPECTED


def test_the_body_names_the_window_and_the_category(hq: APIClient, shop: Shop) -> None:
    frames = shop.categories["Frames"].pk
    body = hq.get(URL, {**JANUARY, "category": str(frames)}).json()
    assert (body["from"], body["to"], body["category"]) == ("2026-01-01", "2026-01-31", frames)
    assert [(row["category"], row["band"]["label"]) for row in body["rows"]] == [
        (frames, "Budget"),
        (frames, "Premium"),
    ]


def test_an_odd_count_takes_the_middle_interval(hq: APIClient, shop: Shop) -> None:
    # without C (13 days): intervals 5, 10, 20: the median is 10
    with tenant_scope(shop.tenant):
        shop.members["C"].orders.all().update(status=OrderStatus.CANCELLED)
    assert rows(hq)[0] == ("Frames", "Budget", "0.00", "500.00", 2, 5, 3, "10.0")


def test_a_brand_without_bands_has_one_band_all_prices(hq: APIClient, shop: Shop) -> None:
    with tenant_scope(shop.tenant):
        PriceBand.objects.filter(tenant=shop.tenant).delete()
    # frames: A 1st, 3rd, 10th, 11th, 31st (intervals 2, 7, 1, 20); B 5; C 13: 1, 2, 5, 7, 13, 20: (5 + 7) / 2
    assert rows(hq) == [
        ("Frames", "All prices", "0.00", None, 3, 9, 6, "6.0"),
        ("Lenses", "All prices", "0.00", None, 1, 1, 0, None),
    ]


def test_a_price_below_the_lowest_bound_falls_in_the_lowest_band(hq: APIClient, shop: Shop) -> None:
    with tenant_scope(shop.tenant):
        PriceBand.objects.filter(tenant=shop.tenant, label="Budget").update(lower_bound=Decimal("150.00"))
    found = rows(hq)
    assert found[0] == ("Frames", "Budget", "150.00", "500.00", 3, 7, 4, "11.5")


def test_the_window_s_days_are_the_brand_s(hq: APIClient, shop: Shop) -> None:
    # A's purchase on the 11th at 01:00 in Shanghai is the 10th in UTC: from the 11th it counts
    found = rows(hq, **{"from": "2026-01-11", "to": "2026-01-31", "category": str(shop.categories["Frames"].pk)})
    # budget: A 11th, 31st (20); C 14th: members 2, purchases 3, one interval
    assert found == [("Frames", "Budget", "0.00", "500.00", 2, 3, 1, "20.0")]


@pytest.mark.postgres
def test_percentile_cont_and_the_portable_median_agree(shop: Shop) -> None:
    assert connection.vendor == "postgresql"
    with tenant_scope(shop.tenant):
        report = repurchase_report(tenant=shop.tenant, first=at("2026-01-01").date(), last=at("2026-01-31").date())
        bands = report_bands(tenant=shop.tenant)
        for median in (selectors.PERCENTILE, selectors.PORTABLE):
            again = selectors.repurchase(tenant=shop.tenant, window=report.window, bands=bands, median=median)
            assert again == report.rows
    assert [row.median_days for row in report.rows] == [Decimal("11.5"), Decimal("7.0"), None]


def test_a_store_manager_and_a_guide_may_not_read_it(
    api: Callable[..., APIClient], shop: Shop, make_staff: Callable[[Any, str], User]
) -> None:
    for role in (Role.STORE_MANAGER, Role.GUIDE):
        response = api(make_staff(shop.store, role), shop.tenant).get(URL, JANUARY)
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "soon"}, "to"),
        ({"from": "2026-01-31", "to": "2026-01-01"}, "to"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"category": "999999"}, "category"),
        ({"category": "lamps"}, "category"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(hq: APIClient, params: dict[str, str], field: str) -> None:
    response = hq.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_another_brand_s_category_is_unknown(hq: APIClient, shop: Shop, other_tenant: Tenant) -> None:
    theirs = open_shop(other_tenant)
    with tenant_scope(other_tenant):
        theirs.buy("A", at("2026-01-05"), [("Frames", "100.00")])
        theirs.buy("A", at("2026-01-06"), [("Frames", "100.00")])
    response = hq.get(URL, {**JANUARY, "category": str(theirs.categories["Frames"].pk)})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["category"]
    assert rows(hq) == EXPECTED  # and their purchases never count


def test_the_query_count_does_not_grow_with_the_data(hq: APIClient, shop: Shop, django_assert_num_queries: Any) -> None:
    # the request's own; then the bands, the statement, the categories' names
    expected = API_QUERIES[connection.vendor] + 3
    with django_assert_num_queries(expected):
        rows(hq)
    with tenant_scope(shop.tenant):
        for day in range(2, 20):
            shop.buy(f"N{day}", at(f"2026-01-{day:02d}"), [("Frames", "90.00"), ("Glasses", "700.00")])
            shop.buy(f"N{day}", at(f"2026-01-{day + 5:02d}"), [("Frames", "90.00"), ("Cases", "20.00")])
    with django_assert_num_queries(expected):
        assert len(rows(hq)) == 5
