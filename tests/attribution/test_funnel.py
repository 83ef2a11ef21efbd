"""The funnel report (rules.md 3.6) on a small world, with exact numbers.

The world (June 2026, Shanghai):
- P1, the member with visitor v1: WeChat on the 20th, the guide's poster on the 27th; booked,
  visited North and ordered 199.00 at North on the 28th.
- P2, visitor v2 only: WeChat on the 25th, nothing else.
- P3, another member with visitor v3: the guide's poster on the 26th; visited South and ordered
  50.00 at South on the 29th.
Spend: WeChat 100.00 on the 10th, the poster 90.00 on the 20th (and 500.00 in May, outside).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from attribution.choices import Channel
from attribution.models import Campaign
from attribution.services.conversions import record_booking, record_order, record_visit
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from tests.attribution.credits_factories import World, build_world, days_ago

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/funnel/"
JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


@pytest.fixture
def world(tenant: Tenant, make_staff: Callable[[Any, str], User]) -> World:
    world = build_world(tenant)
    with tenant_scope(tenant):
        world.touch("v1", days_ago(10), world.wechat)
        world.touch("v1", days_ago(3), world.poster, guide=world.guide)
        world.touch("v2", days_ago(5), world.wechat)
        world.touch("v3", days_ago(4), world.poster, guide=world.guide)
        other = world.member_named("+8613800000003")
        record_booking(tenant=tenant, booking_id=world.booking(days_ago(2), visitor_id="v1").pk)
        record_visit(tenant=tenant, visit_id=world.visit(days_ago(2), visitor_id="v1").pk)
        record_order(tenant=tenant, order_id=world.order(days_ago(2), "199.00", visitor_id="v1").pk)
        record_visit(
            tenant=tenant, visit_id=world.visit(days_ago(1), visitor_id="v3", member=other, store=world.south).pk
        )
        record_order(
            tenant=tenant,
            order_id=world.order(days_ago(1), "50.00", visitor_id="v3", member=other, store=world.south).pk,
        )
        world.spend(world.wechat, dt.date(2026, 6, 10), "100.00")
        world.spend(world.poster, dt.date(2026, 6, 20), "90.00")
        world.spend(world.poster, dt.date(2026, 5, 1), "500.00")
    return world


@pytest.fixture
def hq(api: Callable[..., APIClient], world: World, make_user: Callable[..., User]) -> APIClient:
    return api(make_user(world.tenant, Role.HQ_ADMIN), world.tenant)


def rows(client: APIClient, **params: str) -> list[tuple[Any, ...]]:
    response = client.get(URL, {**JUNE, **params})
    assert response.status_code == 200, response.json()
    return [
        (
            row["key"],
            row["label"],
            row["visitors"],
            row["bookings"],
            row["visits"],
            row["orders"],
            row["revenue"],
            row["online_to_store_rate"],
            row["cost"],
            row["cost_per_visit"],
        )
        for row in response.json()["rows"]
    ]


def d(value: str) -> str:
    return f"{D(value):.12f}"


def test_by_campaign_under_last_touch(hq: APIClient, world: World) -> None:
    assert rows(hq, group_by="campaign", model="last_touch") == [
        (world.wechat.pk, "Summer WeChat", 2, d("0"), d("0"), d("0"), "0.00", "0.0000", "100.00", None),
        (world.poster.pk, "Poster QR", 2, d("1"), d("2"), d("2"), "249.00", "1.0000", "90.00", "45.00"),
    ]


def test_by_campaign_under_linear_gives_halves(hq: APIClient, world: World) -> None:
    assert rows(hq, group_by="campaign", model="linear") == [
        (world.wechat.pk, "Summer WeChat", 2, d("0.5"), d("0.5"), d("0.5"), "99.50", "0.2500", "100.00", "200.00"),
        (world.poster.pk, "Poster QR", 2, d("0.5"), d("1.5"), d("1.5"), "149.50", "0.7500", "90.00", "60.00"),
    ]


def test_by_store_allocates_each_campaign_s_spend_by_its_credited_visits(hq: APIClient, world: World) -> None:
    # linear visits: WeChat 0.5 at North; the poster 0.5 at North and 1 at South: 90.00 as 30.00 + 60.00
    assert rows(hq, group_by="store", model="linear") == [
        (world.north.pk, "North", 2, d("1"), d("1"), d("1"), "199.00", "0.5000", "130.00", "130.00"),
        (world.south.pk, "South", 0, d("0"), d("1"), d("1"), "50.00", None, "60.00", "60.00"),
        (None, "None", 2, d("0"), d("0"), d("0"), "0.00", "0.0000", "0.00", None),  # WeChat's touches: no store
    ]


def test_by_guide_and_by_channel(hq: APIClient, world: World) -> None:
    assert rows(hq, group_by="guide", model="first_touch") == [
        (world.guide.pk, "guide of NORTH", 2, d("0"), d("1"), d("1"), "50.00", "0.5000", "90.00", "90.00"),
        (None, "None", 2, d("1"), d("1"), d("1"), "199.00", "0.5000", "100.00", "100.00"),
    ]
    assert rows(hq, group_by="channel", model="first_touch") == [
        ("poster", "Poster and print", 2, d("0"), d("1"), d("1"), "50.00", "0.5000", "90.00", "90.00"),
        ("wechat", "WeChat", 2, d("1"), d("1"), d("1"), "199.00", "0.5000", "100.00", "100.00"),
    ]


def test_markov_by_channel_from_the_window_s_paths(hq: APIClient, world: World) -> None:
    # bookings: P1 wechat > poster > conversion; P2 wechat > null; P3 poster > null:
    #   p = 1/3; without wechat 1/6 (effect 1/2); without poster 0 (effect 1): thirds
    # visits and orders: P1 wechat > poster > conversion, P3 poster > conversion, P2 wechat > null:
    #   p = 2/3; without wechat 1/3 (effect 1/2); without poster 0 (effect 1): 2/3 and 4/3
    assert rows(hq, group_by="channel", model="markov") == [
        (
            "poster",
            "Poster and print",
            2,
            d("0.666666666667"),
            d("1.333333333333"),
            d("1.333333333333"),
            "166.00",
            "0.6667",
            "90.00",
            "67.50",
        ),
        (
            "wechat",
            "WeChat",
            2,
            d("0.333333333333"),
            d("0.666666666667"),
            d("0.666666666667"),
            "83.00",
            "0.3333",
            "100.00",
            "150.00",
        ),
    ]


@pytest.mark.parametrize("model", ["first_touch", "last_touch", "linear", "position_based", "time_decay", "markov"])
@pytest.mark.parametrize("group_by", ["campaign", "channel", "store", "guide"])
def test_the_funnel_s_totals_equal_the_conversions(hq: APIClient, world: World, model: str, group_by: str) -> None:
    if model == "markov" and group_by in ("store", "guide"):
        return
    found = rows(hq, group_by=group_by, model=model)
    assert sum(D(row[3]) for row in found) == 1  # one attributed booking
    assert sum(D(row[4]) for row in found) == 2  # two visits
    assert sum(D(row[5]) for row in found) == 2  # two orders
    assert sum(D(row[6]) for row in found) == D("249.00")


def test_a_store_manager_reads_their_own_store_s_funnel(
    api: Callable[..., APIClient], world: World, make_staff: Callable[[Any, str], User]
) -> None:
    manager = api(make_staff(world.south, Role.STORE_MANAGER), world.tenant)
    assert rows(manager, group_by="store", model="linear") == [
        (world.south.pk, "South", 0, d("0"), d("1"), d("1"), "50.00", None, "60.00", "60.00"),
    ]
    assert rows(manager, group_by="campaign", model="linear") == [
        (world.poster.pk, "Poster QR", 0, d("0"), d("1"), d("1"), "50.00", None, "60.00", "60.00"),
    ]
    response = manager.get(URL, {**JUNE, "model": "markov"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["model"]


def test_guides_and_consumers_may_not_read_the_funnel(
    api: Callable[..., APIClient], world: World, make_staff: Callable[[Any, str], User], make_user: Callable[..., User]
) -> None:
    assert api(make_staff(world.north, Role.GUIDE), world.tenant).get(URL).status_code == 403
    assert api(make_user(world.tenant, Role.CONSUMER), world.tenant).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "city"}, "group_by"),
        ({"model": "shapley"}, "model"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-06-10", "to": "2026-06-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-06-01"}, "from"),
        ({"group_by": "store", "model": "markov"}, "model"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(hq: APIClient, params: dict[str, str], field: str) -> None:
    response = hq.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_default_is_the_last_30_days_under_the_brand_s_model(hq: APIClient, world: World) -> None:
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    body = hq.get(URL).json()
    assert (body["group_by"], body["model"]) == ("campaign", "last_touch")
    assert (body["from"], body["to"]) == ((today - dt.timedelta(days=29)).isoformat(), today.isoformat())


def test_days_are_the_brand_s_and_both_included(hq: APIClient, world: World) -> None:
    # P1's conversions are on the 28th at 12:00 in Shanghai, P3's on the 29th
    only_28 = rows(hq, group_by="channel", model="last_touch", **{"from": "2026-06-28", "to": "2026-06-28"})
    assert [(row[0], row[4], row[5]) for row in only_28] == [("poster", d("1"), d("1"))]


@pytest.mark.parametrize("group_by", ["campaign", "store"])
def test_the_query_count_does_not_grow_with_the_data(
    hq: APIClient, world: World, group_by: str, django_assert_num_queries: Any
) -> None:
    # the tenant, the token, the roles, RLS on and off and a savepoint; then visitors, credits,
    # spend, (the visits' weights for store rows,) the labels
    expected = 11 if group_by == "campaign" else 12
    with django_assert_num_queries(expected):
        rows(hq, group_by=group_by, model="linear")
    with tenant_scope(world.tenant):
        for i in range(5):
            member = world.member_named(f"+861390000{i:04d}")
            world.touch(f"n{i}", days_ago(6), world.wechat, guide=world.guide)
            record_visit(
                tenant=world.tenant,
                visit_id=world.visit(days_ago(1), visitor_id=f"n{i}", member=member, store=world.south).pk,
            )
    with django_assert_num_queries(expected):
        rows(hq, group_by=group_by, model="linear")


def test_visitors_are_distinct_persons(hq: APIClient, world: World) -> None:
    with tenant_scope(world.tenant):
        world.touch("v4", days_ago(7), world.wechat)  # two anonymous visitors: two persons
        world.touch("v5", days_ago(7), world.wechat)
        world.touch("v1-laptop", days_ago(7), world.wechat)  # P1 again, on another device
        world.touch("v1", days_ago(8), world.wechat)  # and P1's second WeChat touch
        from attribution.models import VisitorIdentity

        VisitorIdentity.objects.create(
            tenant=world.tenant, visitor_id="v1-laptop", member=world.member, source="log_in"
        )
    found = {row[0]: row[2] for row in rows(hq, group_by="campaign", model="last_touch")}
    assert found == {world.wechat.pk: 4, world.poster.pk: 2}


def test_another_brand_s_rows_never_count(
    hq: APIClient, world: World, other_tenant: Tenant, make_staff: Callable[[Any, str], User]
) -> None:
    before = rows(hq, group_by="channel", model="linear")
    theirs = build_world(other_tenant)
    with tenant_scope(other_tenant):
        theirs.touch("v1", days_ago(3), theirs.wechat)  # the same visitor id, in another brand
        record_visit(tenant=other_tenant, visit_id=theirs.visit(days_ago(1), visitor_id="v1").pk)
        theirs.spend(theirs.wechat, dt.date(2026, 6, 15), "1000.00")
    assert rows(hq, group_by="channel", model="linear") == before


def test_thirds_of_an_order_s_revenue_add_up_to_the_cent(hq: APIClient, world: World) -> None:
    from attribution.models import Campaign

    with tenant_scope(world.tenant):
        sms = Campaign.objects.create(tenant=world.tenant, name="SMS", channel="sms", starts=dt.date(2026, 5, 1))
        for age, campaign in ((9, world.wechat), (8, world.poster), (7, sms)):
            world.touch("solo", days_ago(age), campaign)
        buyer = world.member_named("+8613800000009")
        record_order(
            tenant=world.tenant, order_id=world.order(days_ago(6), "100.00", visitor_id="solo", member=buyer).pk
        )
    found = rows(hq, group_by="campaign", model="linear", **{"from": "2026-06-24", "to": "2026-06-24"})
    # 100.00 in thirds: 33.333...: the cent left over goes to the largest remainder, the first row on a tie
    assert [(row[0], row[5], row[6]) for row in found] == [
        (world.wechat.pk, d("0.333333333334"), "33.34"),
        (world.poster.pk, d("0.333333333333"), "33.33"),
        (sms.pk, d("0.333333333333"), "33.33"),
    ]


def test_a_marketplace_campaign_s_touches_and_spend_count_nowhere(hq: APIClient, world: World) -> None:
    with tenant_scope(world.tenant):
        tmall = Campaign.objects.create(
            tenant=world.tenant, name="Tmall shop", channel=Channel.TMALL, starts=dt.date(2026, 6, 1)
        )
        world.touch("v2", days_ago(6), tmall)
        world.spend(tmall, dt.date(2026, 6, 15), "300.00")
    by_campaign = rows(hq, group_by="campaign", model="last_touch")
    assert [row[0] for row in by_campaign] == [world.wechat.pk, world.poster.pk]
    assert sum(D(row[8]) for row in by_campaign) == D("190.00")
    assert [(row[0], row[8]) for row in rows(hq, group_by="channel", model="last_touch")] == [
        ("poster", "90.00"),
        ("wechat", "100.00"),
    ]
