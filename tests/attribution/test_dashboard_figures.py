"""The dashboards' snapshot (attribution.services.dashboard) on the small world of
`dashboard_world`, with exact numbers: the brand's funnel, its days, its campaigns and stores, the
model comparison, each store's figures; B2C never counts; another brand never shows; refreshing
twice gives the same figures."""

from __future__ import annotations

from typing import Any

import pytest

from attribution.models import DashboardSnapshot, VisitorIdentity
from attribution.services.dashboard import refresh_dashboard
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from tests.attribution.credits_factories import World, days_ago
from tests.attribution.dashboard_world import TODAY, build_dashboard_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant: Tenant) -> World:
    return build_dashboard_world(tenant)[0]


def snapshots(tenant: Tenant) -> dict[Any, dict[str, Any]]:
    with tenant_scope(tenant):
        refresh_dashboard(tenant=tenant, today=TODAY)
        return {row.store_id: row.figures for row in DashboardSnapshot.objects.filter(tenant=tenant)}


def brand(tenant: Tenant) -> dict[str, Any]:
    return snapshots(tenant)[None]


def test_the_brand_s_funnel_totals(world: World) -> None:
    figures = brand(world.tenant)
    assert figures["model"] == "last_touch"
    # P1, P2, P3 (v4 only touched the Tmall shop: B2C, no visitor); P1's Tmall order is no conversion
    assert figures["totals"] == {
        "visitors": 3,
        "bookings": "1.00",
        "visits": "2.00",
        "orders": "2.00",
        "revenue": "249.00",
    }


def test_every_visitor_only_person_counts_once_and_a_member_s_devices_once(world: World) -> None:
    # two more anonymous visitors, and P1's second device (stitched): 3 + 2 persons
    with tenant_scope(world.tenant):
        world.touch("v5", days_ago(6), world.wechat)
        world.touch("v6", days_ago(6), world.poster)
        VisitorIdentity.objects.create(
            tenant=world.tenant,
            visitor_id="p1-tablet",
            member_id=VisitorIdentity.objects.get(tenant=world.tenant, visitor_id="v1").member_id,
            source="log_in",
            stitched_at=days_ago(9),
        )
        world.touch("p1-tablet", days_ago(6), world.poster)
    figures = brand(world.tenant)
    assert figures["totals"]["visitors"] == 5
    assert {day["day"]: day["visitors"] for day in figures["daily"]}["2026-06-24"] == 3


def test_each_day_s_visitors_visits_and_orders(world: World) -> None:
    daily = brand(world.tenant)["daily"]
    assert (len(daily), daily[0]["day"], daily[-1]["day"]) == (30, "2026-06-01", "2026-06-30")
    busy = [(day["day"], day["visitors"], day["visits"], day["orders"]) for day in daily if day != _quiet(day["day"])]
    assert busy == [
        ("2026-06-20", 1, "0.00", "0.00"),  # P1's WeChat
        ("2026-06-25", 1, "0.00", "0.00"),  # P2
        ("2026-06-26", 1, "0.00", "0.00"),  # P3's poster
        ("2026-06-27", 1, "0.00", "0.00"),  # P1's poster (v4's Tmall touch is not a visitor)
        ("2026-06-28", 0, "1.00", "1.00"),  # P1's visit and order at North
        ("2026-06-29", 0, "1.00", "1.00"),  # P3's at South
    ]


def _quiet(day: str) -> dict[str, Any]:
    return {"day": day, "visitors": 0, "visits": "0.00", "orders": "0.00"}


def test_campaigns_rate_and_cost_per_visit_without_the_b2c_campaign(world: World) -> None:
    assert brand(world.tenant)["campaigns"] == [
        {
            "id": world.wechat.pk,
            "label": "Summer WeChat",
            "visitors": 2,
            "bookings": "0.00",
            "visits": "0.00",
            "orders": "0.00",
            "revenue": "0.00",
            "rate": "0.0",
            "cost": "100.00",
            "cost_per_visit": None,
        },
        {
            "id": world.poster.pk,
            "label": "Poster QR",
            "visitors": 2,
            "bookings": "1.00",
            "visits": "2.00",
            "orders": "2.00",
            "revenue": "249.00",
            "rate": "100.0",
            "cost": "90.00",  # June's only: May's 500.00 is outside the window
            "cost_per_visit": "45.00",
        },
    ]


def test_stores_rate_and_the_poster_s_cost_shared_by_their_visits(world: World) -> None:
    fields = ("id", "label", "visitors", "visits", "orders", "revenue", "rate", "cost", "cost_per_visit")
    rows = [tuple(row[field] for field in fields) for row in brand(world.tenant)["stores"]]
    assert rows == [
        (world.north.pk, "North", 2, "1.00", "1.00", "199.00", "50.0", "45.00", "45.00"),
        (world.south.pk, "South", 0, "1.00", "1.00", "50.00", None, "45.00", "45.00"),
        (None, None, 2, "0.00", "0.00", "0.00", "0.0", "0.00", None),  # WeChat's touches name no store
    ]


def test_the_model_comparison_side_by_side(world: World) -> None:
    models = brand(world.tenant)["models"]
    assert models["models"] == ["first_touch", "last_touch", "linear", "position_based", "time_decay", "markov"]
    table = {row["label"]: [(cell["visits"], cell["orders"]) for cell in row["cells"]] for row in models["rows"]}
    # P1 touched WeChat 8 days and the poster 1 day before converting: time decay gives 1/3 and 2/3
    # (2^(-8/7) : 2^(-1/7) = 1 : 2); Markov as in test_funnel (removal effects 1/2 and 1)
    assert table == {
        "Summer WeChat": [
            ("1.00", "1.00"),
            ("0.00", "0.00"),
            ("0.50", "0.50"),
            ("0.50", "0.50"),
            ("0.33", "0.33"),
            ("0.67", "0.67"),
        ],
        "Poster QR": [
            ("1.00", "1.00"),
            ("2.00", "2.00"),
            ("1.50", "1.50"),
            ("1.50", "1.50"),
            ("1.67", "1.67"),
            ("1.33", "1.33"),
        ],
    }


def test_each_store_s_figures_by_campaign(world: World) -> None:
    found = snapshots(world.tenant)
    assert found[world.north.pk]["campaigns"] == [
        {"id": world.poster.pk, "label": "Poster QR", "visits": "1.00", "orders": "1.00", "revenue": "199.00"}
    ]
    assert found[world.north.pk]["totals"] == {"visits": "1.00", "orders": "1.00", "revenue": "199.00"}
    assert found[world.south.pk]["campaigns"] == [
        {"id": world.poster.pk, "label": "Poster QR", "visits": "1.00", "orders": "1.00", "revenue": "50.00"}
    ]


def test_a_store_nothing_was_credited_to_has_empty_figures(world: World) -> None:
    from tests.stores.factories import make_store

    with tenant_scope(world.tenant):
        quiet = make_store(world.tenant, code="EAST", name="East")
    figures = snapshots(world.tenant)[quiet.pk]
    assert (figures["campaigns"], figures["totals"]) == ([], {"visits": "0.00", "orders": "0.00", "revenue": "0.00"})


def test_refreshing_twice_gives_the_same_figures_and_one_snapshot_each(world: World) -> None:
    first = snapshots(world.tenant)
    second = snapshots(world.tenant)
    assert first == second
    with tenant_scope(world.tenant):
        assert DashboardSnapshot.objects.filter(tenant=world.tenant).count() == 3  # the brand, North, South


def test_the_brand_s_markov_model_shows_last_touch_credits(world: World) -> None:
    # Markov credits no single conversion: last touch stands in, as on the campaign pages
    world.tenant.attribution_model = "markov"
    with tenant_scope(world.tenant):
        world.tenant.save(update_fields=["attribution_model"])
    figures = brand(world.tenant)
    assert figures["model"] == "last_touch"
    assert [(row["visits"], row["orders"]) for row in figures["campaigns"]] == [("0.00", "0.00"), ("2.00", "2.00")]


def test_another_brand_s_rows_never_count(world: World, other_tenant: Tenant) -> None:
    before = snapshots(world.tenant)
    build_dashboard_world(other_tenant)
    with tenant_scope(other_tenant):
        refresh_dashboard(tenant=other_tenant, today=TODAY)
    after = snapshots(world.tenant)
    assert after == before
    with tenant_scope(world.tenant):
        assert set(DashboardSnapshot.objects.filter(tenant=world.tenant).values_list("store_id", flat=True)) == {
            None,
            world.north.pk,
            world.south.pk,
        }
