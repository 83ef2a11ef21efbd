"""The dashboards' pages: `/hq/` shows the brand's snapshot (funnel, campaigns, stores, model
comparison) with the live orders cards, `/store/` the manager's own store's funnel; neither
computes attribution in the request; a fixed number of queries whatever the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django_celery_beat.models import PeriodicTask

from attribution import panels
from attribution.models import DashboardSnapshot
from attribution.services.conversions import record_visit
from attribution.services.dashboard import refresh_dashboard
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from orders.choices import OrderStatus
from orders.models import Order
from tests.attribution.credits_factories import World, days_ago
from tests.attribution.dashboard_world import TODAY, build_dashboard_world
from tests.pages import client_for, elements, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant: Tenant) -> World:
    return build_dashboard_world(tenant)[0]


@pytest.fixture
def refreshed(world: World) -> World:
    with tenant_scope(world.tenant):
        refresh_dashboard(tenant=world.tenant, today=TODAY)
    return world


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch, tenant: Tenant) -> list[int]:
    """The refreshes the pages enqueue (tenant ids), instead of running them."""
    calls: list[int] = []

    class Task:
        @staticmethod
        def delay_on_commit(*, tenant_id: int) -> None:
            calls.append(tenant_id)

    monkeypatch.setattr(panels, "refresh_dashboard_task", Task)
    cache.delete(f"attribution:dashboard-pending:{tenant.pk}")
    return calls


@pytest.mark.parametrize("role", [Role.HQ_ADMIN, Role.HQ_STAFF])
def test_hq_sees_the_brand_s_funnel(refreshed: World, make_user: Callable[..., User], role: str) -> None:
    page = client_for(refreshed.tenant, make_user(refreshed.tenant, role)).get("/hq/")
    assert page.status_code == 200
    assert [text(page, f"funnel-{name}") for name in ("visitors", "bookings", "visits", "orders")] == [
        "3",
        "1.00",
        "2.00",
        "2.00",
    ]
    assert text(page, "funnel-revenue") == "249.00 CNY"
    assert "2026-06-01 to 2026-06-30, credited under Last touch." in text(page, "funnel-as-of")
    assert "refreshed every 15 minutes" in text(page, "funnel-as-of")
    assert texts(page, "campaign-table-row") == [
        "Summer WeChat 2 0.00 0.00 0.00 0.00 0.0% 100.00 –",
        "Poster QR 2 1.00 2.00 2.00 249.00 100.0% 90.00 45.00",
    ]
    assert texts(page, "store-table-row") == [
        "North 2 1.00 1.00 1.00 199.00 50.0% 45.00 45.00",
        "South 0 0.00 1.00 1.00 50.00 – 45.00 45.00",
        "No store 2 0.00 0.00 0.00 0.00 0.0% 0.00 –",
    ]
    assert texts(page, "model-row") == [
        "Summer WeChat 1.00 / 1.00 0.00 / 0.00 0.50 / 0.50 0.50 / 0.50 0.33 / 0.33 0.67 / 0.67",
        "Poster QR 1.00 / 1.00 2.00 / 2.00 1.50 / 1.50 1.50 / 1.50 1.67 / 1.67 1.33 / 1.33",
    ]
    assert "Tmall" not in page.content.decode()
    for chart in ("chart-funnel", "chart-daily", "chart-campaign-rate", "chart-store-rate"):
        assert len(elements(page, chart)) == 1
    assert b'id="hq-figures" type="application/json"' in page.content
    assert b"vendor/echarts/echarts.min.js" in page.content


def test_with_no_snapshot_the_page_says_so_and_enqueues_one_refresh(
    world: World, hq_admin: User, enqueued: list[int]
) -> None:
    client = client_for(world.tenant, hq_admin)
    first, second = client.get("/hq/"), client.get("/hq/")
    assert "being computed" in text(first, "funnel-pending")
    assert "being computed" in text(second, "funnel-pending")
    assert enqueued == [world.tenant.pk]  # once, not once per page view
    with tenant_scope(world.tenant):
        assert not DashboardSnapshot.objects.filter(tenant=world.tenant).exists()  # never computed in the request


def test_refresh_now_recomputes_the_figures(
    world: World, hq_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world.tenant, hq_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hq/dashboard/refresh/")
    assert (response.status_code, response["Location"]) == (302, "/hq/")
    with tenant_scope(world.tenant):
        snapshot = DashboardSnapshot.objects.get(tenant=world.tenant, store=None)  # eager: run at once
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    assert (snapshot.first, snapshot.last) == (today - dt.timedelta(days=29), today)
    assert text(client.get("/hq/"), "funnel-as-of").startswith(f"{snapshot.first:%Y-%m-%d} to {today:%Y-%m-%d}")


def test_refresh_now_is_a_post_for_hq_only_a_get_only_shows_the_button(
    world: World, hq_admin: User, make_staff: Callable[[Any, str], User], enqueued: list[int]
) -> None:
    form = client_for(world.tenant, hq_admin).get("/hq/dashboard/refresh/")  # the button alone
    assert elements(form, "refresh-now")[0].attrs["type"] == "submit"
    manager = client_for(world.tenant, make_staff(world.north, Role.STORE_MANAGER))
    assert manager.post("/hq/dashboard/refresh/").status_code == 403
    assert enqueued == []


def _order_today(world: World, total: str, status: str, **fields: Any) -> Order:
    order = world.order(dt.datetime.now(dt.UTC), total, **fields)
    Order.objects.filter(pk=order.pk).update(status=status)
    return order


def test_today_s_orders_and_the_unroutable_queue_are_live(refreshed: World, hq_admin: User) -> None:
    with tenant_scope(refreshed.tenant):
        _order_today(refreshed, "100.00", OrderStatus.ROUTED)
        _order_today(refreshed, "20.50", OrderStatus.ROUTED)
        _order_today(refreshed, "30.00", OrderStatus.CANCELLED)  # counted, but no revenue
        _order_today(refreshed, "500.00", OrderStatus.ROUTED, channel="b2c")  # a marketplace order: never
        late = _order_today(refreshed, "80.00", OrderStatus.UNROUTABLE)
    page = client_for(refreshed.tenant, hq_admin).get("/hq/")
    assert text(page, "orders-today-count") == "4"
    assert text(page, "orders-today-revenue") == "200.50 CNY"
    assert (text(page, "orders-today-routed"), text(page, "orders-today-cancelled")) == ("2", "1")
    assert text(page, "orders-today-unroutable") == "1"
    assert text(page, "unroutable-count") == "1"
    assert texts(page, "unroutable-latest")[0].startswith(late.number)
    assert elements(page, "unroutable-link")[0].attrs["href"] == "/hq/orders/unroutable/"


def test_hq_page_queries_do_not_grow_with_the_data(
    refreshed: World, hq_admin: User, django_assert_num_queries: Any
) -> None:
    client = client_for(refreshed.tenant, hq_admin)
    client.get("/hq/")  # the session and the brand's caches warmed up
    # session, user, tenant, roles, RLS on and off, the HQ team; the snapshot; today's orders by
    # status; the unroutable count and the latest few
    expected = 13
    with django_assert_num_queries(expected):
        assert client.get("/hq/").status_code == 200
    with tenant_scope(refreshed.tenant):
        for i in range(5):
            member = refreshed.member_named(f"+861390000{i:04d}")
            refreshed.touch(f"n{i}", days_ago(6), refreshed.wechat, guide=refreshed.guide)
            visit = refreshed.visit(days_ago(1), visitor_id=f"n{i}", member=member, store=refreshed.south)
            record_visit(tenant=refreshed.tenant, visit_id=visit.pk)
            _order_today(refreshed, "10.00", OrderStatus.ROUTED)
            _order_today(refreshed, "10.00", OrderStatus.UNROUTABLE)
        refresh_dashboard(tenant=refreshed.tenant, today=TODAY)
    with django_assert_num_queries(expected):
        page = client.get("/hq/")
    assert text(page, "funnel-visits") == "7.00"
    assert text(page, "unroutable-count") == "5"


def test_a_store_manager_sees_their_own_store_s_funnel_only(
    refreshed: World, make_staff: Callable[[Any, str], User]
) -> None:
    south = client_for(refreshed.tenant, make_staff(refreshed.south, Role.STORE_MANAGER)).get("/store/")
    assert texts(south, "store-campaign-row") == ["Poster QR 1.00 1.00 50.00"]
    assert text(south, "store-total-revenue") == "50.00"
    assert len(elements(south, "chart-store-campaigns")) == 1
    assert elements(south, "funnel-panel") == []  # the brand's panel is HQ's
    north = client_for(refreshed.tenant, make_staff(refreshed.north, Role.STORE_MANAGER)).get("/store/")
    assert texts(north, "store-campaign-row") == ["Poster QR 1.00 1.00 199.00"]
    assert client_for(refreshed.tenant, make_staff(refreshed.north, Role.STORE_MANAGER)).get("/hq/").status_code == 403


def test_a_guide_sees_no_funnel(refreshed: World, make_staff: Callable[[Any, str], User]) -> None:
    guide = client_for(refreshed.tenant, make_staff(refreshed.north, Role.GUIDE))
    response = guide.get("/store/")  # the store dashboard is its manager's
    assert response.status_code == 403
    assert elements(response, "store-funnel-panel") == []


# the store dashboard with its panels: the funnel's snapshot, the latest statement (settlements)
STORE_DASHBOARD_QUERIES = 14


def test_the_store_dashboard_s_queries_do_not_grow_with_the_data(
    refreshed: World, make_staff: Callable[[Any, str], User], django_assert_num_queries: Any
) -> None:
    client = client_for(refreshed.tenant, make_staff(refreshed.south, Role.STORE_MANAGER))
    client.get("/store/")
    with django_assert_num_queries(STORE_DASHBOARD_QUERIES):
        client.get("/store/")
    with tenant_scope(refreshed.tenant):
        for i in range(3):
            member = refreshed.member_named(f"+861390001{i:04d}")
            refreshed.touch(f"s{i}", days_ago(6), refreshed.wechat)
            visit = refreshed.visit(days_ago(1), visitor_id=f"s{i}", member=member, store=refreshed.south)
            record_visit(tenant=refreshed.tenant, visit_id=visit.pk)
        refresh_dashboard(tenant=refreshed.tenant, today=TODAY)
    with django_assert_num_queries(STORE_DASHBOARD_QUERIES):
        page = client.get("/store/")
    assert texts(page, "store-campaign-row") == ["Summer WeChat 3.00 0.00 0.00", "Poster QR 1.00 1.00 50.00"]


def test_another_brand_s_hq_sees_only_its_own_figures(
    refreshed: World, other_tenant: Tenant, make_user: Callable[..., User]
) -> None:
    page = client_for(other_tenant, make_user(other_tenant, Role.HQ_ADMIN)).get("/hq/")
    assert page.status_code == 200
    assert "being computed" in text(page, "funnel-pending")
    assert "Poster QR" not in page.content.decode()


def test_the_beat_jobs_exist_after_migrate() -> None:
    jobs = {
        task.name: (task.task, task.interval.every, task.interval.period, task.enabled)
        for task in PeriodicTask.objects.filter(name__startswith="attribution:").select_related("interval")
    }
    assert jobs == {
        "attribution: refresh the dashboards": (
            "attribution.tasks.refresh_dashboards_all_tenants_task",
            15,
            "minutes",
            True,
        ),
        "attribution: recompute recent credits": (
            "attribution.tasks.recompute_recent_credits_all_tenants_task",
            1,
            "days",
            True,
        ),
    }
