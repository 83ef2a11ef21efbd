"""Retention by monthly cohort (issue 11 item 6) with hand-worked numbers, across a year boundary.

The shop (Shanghai clock), cohorts November 2025 to January 2026:
- M1: first order 2025-11-10, again 2025-12-05 and 2026-02-14;
- M2: first 2025-11-20, again 2025-11-28 (the same month: once) and 2026-01-03;
- M3: first 2026-01-01 at 00:30 in Shanghai (still December in UTC): cohort January; again 2026-02-10;
- M4: first 2025-10-05 (an older cohort), again 2025-11-15: not November's;
- M5: a B2C order 2025-11-01 (not counted), then 2025-12-10: cohort December;
- M6: only a cancelled order, 2025-11-12: in no cohort;
- M7: 2025-12-15 and 2026-03-01; M8: 2025-12-20 only.
November: M1, M2 (2): 2, 1, 1, 1 in Nov, Dec, Jan, Feb. December: M5, M7, M8 (3): 3, 0, 0, 1 in
Dec, Jan, Feb, Mar. January: M3 (1): 1, 1 in Jan, Feb. Later months: nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from attribution.selectors.retention import add_months, months_between
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from orders.choices import OrderStatus
from tests.attribution.report_factories import API_QUERIES, SHANGHAI, Shop, at, open_shop

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/retention/"
WINDOW = {"from": "2025-11", "to": "2026-01"}


@pytest.fixture
def shop(tenant: Tenant) -> Shop:
    shop = open_shop(tenant)
    frames = [("Frames", "100.00")]
    with tenant_scope(tenant):
        for who, day, time in (
            ("M1", "2025-11-10", "12:00"),
            ("M1", "2025-12-05", "12:00"),
            ("M1", "2026-02-14", "12:00"),
            ("M2", "2025-11-20", "12:00"),
            ("M2", "2025-11-28", "12:00"),
            ("M2", "2026-01-03", "12:00"),
            ("M3", "2026-01-01", "00:30"),
            ("M3", "2026-02-10", "12:00"),
            ("M4", "2025-10-05", "12:00"),
            ("M4", "2025-11-15", "12:00"),
            ("M5", "2025-12-10", "12:00"),
            ("M7", "2025-12-15", "12:00"),
            ("M7", "2026-03-01", "12:00"),
            ("M8", "2025-12-20", "12:00"),
        ):
            shop.buy(who, at(day, time), frames)
        shop.buy("M5", at("2025-11-01"), frames, channel=OrderChannel.B2C)
        shop.buy("M6", at("2025-11-12"), frames, status=OrderStatus.CANCELLED)
    return shop


@pytest.fixture
def hq(api: Callable[..., APIClient], shop: Shop, make_user: Callable[..., User]) -> APIClient:
    return api(make_user(shop.tenant, Role.HQ_ADMIN), shop.tenant)


def current_month() -> dt.date:
    return dt.datetime.now(SHANGHAI).date().replace(day=1)


def expected_cells(cohort: str, counts: list[int], size: int) -> list[tuple[int, str, int, str]]:
    """The cohort's cells up to the current month: `counts` first, then zeros."""
    first = dt.date.fromisoformat(f"{cohort}-01")
    cells = []
    for offset in range(months_between(first, current_month()) + 1):
        members = counts[offset] if offset < len(counts) else 0
        cells.append((offset, f"{add_months(first, offset):%Y-%m}", members, f"{members / size:.4f}"))
    return cells


def cohorts(client: APIClient, **params: str) -> list[tuple[str, int, list[tuple[int, str, int, Any]]]]:
    response = client.get(URL, {**WINDOW, **params})
    assert response.status_code == 200, response.json()
    return [
        (
            cohort["month"],
            cohort["size"],
            [(cell["offset"], cell["month"], cell["members"], cell["rate"]) for cell in cohort["months"]],
        )
        for cohort in response.json()["cohorts"]
    ]


def test_cohorts_of_different_sizes_across_a_year_boundary(hq: APIClient, shop: Shop) -> None:
    found = cohorts(hq)
    assert found == [
        ("2025-11", 2, expected_cells("2025-11", [2, 1, 1, 1], 2)),
        ("2025-12", 3, expected_cells("2025-12", [3, 0, 0, 1], 3)),
        ("2026-01", 1, expected_cells("2026-01", [1, 1], 1)),
    ]
    # spelled out: December's fourth month is a third, November's second a half
    assert found[1][2][3] == (3, "2026-03", 1, "0.3333")
    assert found[0][2][1] == (1, "2025-12", 1, "0.5000")


def test_the_body_names_the_months(hq: APIClient, shop: Shop) -> None:
    body = hq.get(URL, WINDOW).json()
    assert (body["from"], body["to"], body["current"]) == ("2025-11", "2026-01", f"{current_month():%Y-%m}")


def test_a_month_without_newcomers_is_an_empty_cohort(hq: APIClient, shop: Shop) -> None:
    found = cohorts(hq, **{"from": "2025-09", "to": "2025-10"})
    assert [(month, size) for month, size, _ in found] == [("2025-09", 0), ("2025-10", 1)]
    assert {rate for _, _, rate in [(c[0], c[2], c[3]) for c in found[0][2]]} == {None}
    assert found[1][2][:2] == [(0, "2025-10", 1, "1.0000"), (1, "2025-11", 1, "1.0000")]


def test_the_default_is_the_last_12_months(hq: APIClient, shop: Shop) -> None:
    body = hq.get(URL).json()
    current = current_month()
    assert (body["from"], body["to"]) == (f"{add_months(current, -11):%Y-%m}", f"{current:%Y-%m}")
    assert len(body["cohorts"]) == 12


def test_a_store_manager_may_not_read_it(
    api: Callable[..., APIClient], shop: Shop, make_staff: Callable[[Any, str], User]
) -> None:
    response = api(make_staff(shop.store, Role.STORE_MANAGER), shop.tenant).get(URL, WINDOW)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"from": "2025-1"}, "from"),
        ({"to": "January"}, "to"),
        ({"from": "2026-01", "to": "2025-11"}, "to"),
        ({"from": "2019-01", "to": "2025-01"}, "from"),
        ({"to": "2999-01"}, "to"),
        ({"from": "2999-01"}, "from"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(hq: APIClient, params: dict[str, str], field: str) -> None:
    response = hq.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_another_brand_s_orders_never_count(hq: APIClient, shop: Shop, other_tenant: Tenant) -> None:
    before = cohorts(hq)
    theirs = open_shop(other_tenant)
    with tenant_scope(other_tenant):
        theirs.buy("M1", at("2025-11-02"), [("Frames", "10.00")])
        theirs.buy("X", at("2025-12-02"), [("Frames", "10.00")])
    assert cohorts(hq) == before


def test_the_query_count_does_not_grow_with_the_data(hq: APIClient, shop: Shop, django_assert_num_queries: Any) -> None:
    expected = API_QUERIES[connection.vendor] + 1  # one statement
    with django_assert_num_queries(expected):
        cohorts(hq)
    with tenant_scope(shop.tenant):
        for i in range(12):
            shop.buy(f"N{i}", at(f"2025-{11 + i % 2}-0{1 + i % 9}"), [("Frames", "10.00")])
            shop.buy(f"N{i}", at("2026-01-15"), [("Frames", "10.00")])
    with django_assert_num_queries(expected):
        assert cohorts(hq)[0][1] == 2 + 6
