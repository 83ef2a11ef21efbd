"""The reports as CSV and XLSX files (issue 11 item 6): the same rows as the API, exact numbers,
headers in the reader's language, and a formula-like label written as a harmless text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from rest_framework.test import APIClient

from attribution.models import Campaign, PriceBand
from attribution.services.conversions import record_order
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from tests.attribution.credits_factories import World, build_world, days_ago
from tests.attribution.report_factories import API_QUERIES, Shop, at, open_shop

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil","x")'
JUNE = {"from": "2026-06-01", "to": "2026-06-30", "group_by": "campaign", "model": "linear"}
BOM = "\ufeff"


@pytest.fixture
def world(tenant: Tenant) -> World:
    world = build_world(tenant)
    with tenant_scope(tenant):
        Campaign.objects.filter(pk=world.wechat.pk).update(name=EVIL)
        world.touch("v1", days_ago(10), world.wechat)
        world.touch("v1", days_ago(9), world.poster)
        world.touch("v1", days_ago(8), world.wechat)
        record_order(tenant=tenant, order_id=world.order(days_ago(2), "100.00", visitor_id="v1").pk)
        world.spend(world.wechat, dt.date(2026, 6, 10), "100.00")
    return world


@pytest.fixture
def hq(api: Callable[..., APIClient], tenant: Tenant, make_user: Callable[..., User]) -> APIClient:
    return api(make_user(tenant, Role.HQ_ADMIN), tenant)


def test_the_funnel_as_csv(hq: APIClient, world: World) -> None:
    response = hq.get("/api/v1/reports/funnel/export.csv", JUNE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="funnel-campaign-linear-2026-06-01-2026-06-30.csv"'
    # linear thirds: WeChat two touches of three (0.666666666667 of the order, 66.67), the poster one
    assert response.content.decode("utf-8") == (
        BOM + "Key,Label,Visitors,Bookings,Visits,Orders,Revenue,Online-to-store rate,Cost,Cost per visit\r\n"
        f'{world.wechat.pk},"\'=HYPERLINK(""http://evil"",""x"")",1,0.000000000000,0.000000000000,'
        "0.666666666667,66.67,0.0000,100.00,\r\n"
        f"{world.poster.pk},Poster QR,1,0.000000000000,0.000000000000,0.333333333333,33.33,0.0000,0.00,\r\n"
    )


def test_the_funnel_as_xlsx_reads_back(hq: APIClient, world: World) -> None:
    response = hq.get("/api/v1/reports/funnel/export.xlsx", JUNE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [
        "Key", "Label", "Visitors", "Bookings", "Visits", "Orders", "Revenue", "Online-to-store rate", "Cost",
        "Cost per visit",
    ]  # fmt: skip
    assert values[1][:3] == [world.wechat.pk, EVIL, 1]  # the label a text, not a formula
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert [Decimal(str(value)) for value in values[1][5:7]] == [Decimal("0.666666666667"), Decimal("66.67")]
    assert [Decimal(str(value)) for value in (values[1][8], values[2][6])] == [Decimal("100"), Decimal("33.33")]
    assert values[1][9] is None
    assert len(values) == 3


@pytest.fixture
def shop(tenant: Tenant) -> Shop:
    shop = open_shop(tenant)
    with tenant_scope(tenant):
        PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("0.00"), label="@cheap")
        PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("500.00"))
        shop.buy("A", at("2026-01-01"), [("Frames", "100.00")])
        shop.buy("A", at("2026-01-11"), [("Frames", "100.00")])
        shop.buy("B", at("2026-01-02"), [("Frames", "600.00")])
        shop.buy("B", at("2026-01-05"), [("Frames", "600.00")])
        shop.buy("B", at("2026-01-06"), [("Frames", "600.00")])
    return shop


def test_the_repurchase_cycle_as_csv_and_xlsx(hq: APIClient, shop: Shop) -> None:
    params = {"from": "2026-01-01", "to": "2026-01-31"}
    response = hq.get("/api/v1/reports/repurchase/export.csv", params)
    assert response["Content-Disposition"] == 'attachment; filename="repurchase-2026-01-01-2026-01-31.csv"'
    # premium: intervals 3 and 1: the mean of the two, 2.0
    assert response.content.decode("utf-8") == (
        BOM + "Category,Price band,From price,Up to price,Members,Purchases,Intervals,Median days\r\n"
        "Frames,'@cheap,0.00,500.00,1,2,1,10.0\r\n"
        "Frames,500.00 and above,500.00,,1,3,2,2.0\r\n"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(hq.get("/api/v1/reports/repurchase/export.xlsx", params).content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:2] == ["Frames", "@cheap"]  # a text, not a formula
    assert rows[2][:2] == ["Frames", "500.00 and above"]
    assert rows[2][3] is None  # open-ended
    assert [Decimal(str(value)) for value in (rows[2][2], *rows[2][4:])] == [
        Decimal("500"), Decimal("1"), Decimal("3"), Decimal("2"), Decimal("2"),
    ]  # fmt: skip


def test_retention_as_csv(hq: APIClient, shop: Shop) -> None:
    response = hq.get("/api/v1/reports/retention/export.csv", {"from": "2026-01", "to": "2026-01"})
    assert response["Content-Disposition"] == 'attachment; filename="retention-2026-01-2026-01.csv"'
    lines = response.content.decode("utf-8").removeprefix(BOM).split("\r\n")
    assert lines[:3] == [
        "Cohort,Size,Months after,Month,Members,Rate",
        "2026-01,2,0,2026-01,2,1.0000",
        "2026-01,2,1,2026-02,0,0.0000",
    ]


def test_exports_are_read_as_the_reports_are(
    api: Callable[..., APIClient], world: World, make_staff: Callable[[Any, str], User]
) -> None:
    manager = api(make_staff(world.north, Role.STORE_MANAGER), world.tenant)
    funnel = manager.get("/api/v1/reports/funnel/export.csv", JUNE)
    assert funnel.status_code == 200  # their store's: the order at North
    assert funnel.content.decode("utf-8").count("\r\n") == 3
    for name in ("repurchase", "retention"):
        for suffix in ("csv", "xlsx"):
            response = manager.get(f"/api/v1/reports/{name}/export.{suffix}")
            assert response.status_code == 403
            assert response["Content-Type"] == "application/json"


def test_a_bad_parameter_is_a_json_400_naming_it(hq: APIClient, world: World) -> None:
    response = hq.get("/api/v1/reports/funnel/export.xlsx", {"from": "2026-06-31"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["from"]
    response = hq.get("/api/v1/reports/retention/export.csv", {"to": "2026/01"})
    assert list(response.json()["errors"]) == ["to"]


@pytest.mark.parametrize("name", ["funnel", "repurchase", "retention"])
def test_the_query_count_of_an_export(hq: APIClient, world: World, name: str, django_assert_num_queries: Any) -> None:
    # the request's own, then the report's: funnel 4 (visitors, credits, spend, labels),
    # repurchase 2 (bands, statement; no row, no names), retention 1
    expected = API_QUERIES[connection.vendor] + {"funnel": 4, "repurchase": 2, "retention": 1}[name]
    with django_assert_num_queries(expected):
        assert hq.get(f"/api/v1/reports/{name}/export.csv", JUNE if name == "funnel" else {}).status_code == 200
