"""A real browser: HQ signs in and opens `/hq/`; the dashboard's charts (Apache ECharts, vendored)
are drawn in every chart container and the funnel's numbers are the data's, in English and in
Chinese (the Chinese words themselves are the maintainer's: numbers, `lang` and charts asserted)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from attribution.services.dashboard import refresh_dashboard
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from tests.attribution.dashboard_world import TODAY, build_dashboard_world
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("chart-funnel", "chart-daily", "chart-campaign-rate", "chart-store-rate")


def _charts_drawn(page: Page) -> None:
    for chart in CHARTS:
        container = page.get_by_test_id(chart)
        expect(container).to_have_attribute("data-drawn", "true")
        expect(container.locator("svg")).to_have_count(1)
    # the funnel chart's four stages carry the totals: 3 visitors, 1 booking, 2 visits, 2 orders
    funnel_text = page.get_by_test_id("chart-funnel").locator("svg text")
    expect(funnel_text).to_have_text(
        [re.compile(r": 3$"), re.compile(r": 1$"), re.compile(r": 2$"), re.compile(r": 2$")]
    )


def _funnel_numbers(page: Page) -> list[str]:
    return [page.get_by_test_id(f"funnel-{name}").inner_text() for name in ("visitors", "bookings", "visits", "orders")]


def test_hq_sees_the_funnel_with_its_charts_in_english_and_chinese(browser_page, live_server, tenant, make_user):
    # given a brand with a month of attribution and its snapshot computed
    build_dashboard_world(tenant)
    with tenant_scope(tenant):
        refresh_dashboard(tenant=tenant, today=TODAY)
    make_user(tenant, Role.HQ_ADMIN, username="alpha-admin", password="pw-secret-42")
    page = browser_page
    # when HQ signs in: the HQ dashboard
    login(page, "alpha-admin", "pw-secret-42")
    expect(page).to_have_url(f"{live_server.url}/hq/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # then the funnel shows the data's numbers and every chart is drawn
    assert _funnel_numbers(page) == ["3", "1.00", "2.00", "2.00"]
    expect(page.get_by_test_id("funnel-revenue")).to_have_text("249.00 CNY")
    _charts_drawn(page)
    expect(page.get_by_test_id("chart-funnel").locator("svg text").first).to_have_text("Visitors: 3")
    # when they switch to Chinese with the site's language switcher
    page.get_by_test_id("language").get_by_role("button", name="简体中文").click()
    # then the same page, in Chinese, with the same numbers and its charts drawn again
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    expect(page).to_have_url(f"{live_server.url}/hq/")
    assert _funnel_numbers(page) == ["3", "1.00", "2.00", "2.00"]
    _charts_drawn(page)
    expect(page.get_by_test_id("campaign-table-row")).to_have_count(2)
    expect(page.get_by_test_id("model-row")).to_have_count(2)
