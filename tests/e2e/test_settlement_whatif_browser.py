"""A real browser: HQ opens the what-if page and previews May (the hand-worked month,
tests/settlements/scenario.py) without the cap per visit, then with another share rate for the
franchise store; each time the store's difference shows, and nothing is posted."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from settlements.models import JournalEntry, SettlementRun, Statement
from tests.e2e.conftest import login
from tests.settlements.scenario import Scenario, build_scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def differences(page: Page, store: str) -> list[str]:
    """The store's difference row: net sales, share, TAC, commissions, net."""
    return page.locator(f'tr[data-testid="difference"][data-store="{store}"] td.num').all_inner_texts()


def test_hq_previews_may_without_the_cap_and_with_another_share_rate(
    browser_page, live_server, tenant: Tenant, make_user
):
    scenario: Scenario = build_scenario(tenant)
    make_user(tenant, Role.HQ_ADMIN, username="alpha-admin")
    page = browser_page
    # given HQ on the what-if page
    login(page, "alpha-admin", "pw-secret-42")
    page.goto("/hq/settlements/what-if/")
    expect(page.get_by_test_id("page-title")).to_have_text("What-if preview")
    # when they preview May with no cap per visit
    form = page.get_by_test_id("what-if-form")
    form.locator('input[name="period_start"]').fill("2025-05-01")
    form.locator('input[name="period_end"]').fill("2025-06-01")
    form.locator('input[name="tac_cap_per_visit"]').fill("none")
    form.get_by_test_id("preview").click()
    # then the franchise store pays 8.33 more TAC, so its net is 8.33 less; the others do not change
    expect(page.get_by_test_id("what-if-table")).to_be_visible()
    assert differences(page, "F") == ["0.00", "0.00", "-8.33", "0.00", "-8.33"]
    assert differences(page, "D")[-1] == "0.00"
    assert differences(page, "C")[-1] == "0.00"
    expect(page.locator('tr[data-testid="difference"][data-store="F"] [data-testid="diff-5"]')).to_have_class(
        "num delta-down"
    )
    # when they preview instead the franchise store's share at 95% (the cap as today)
    form.locator('input[name="tac_cap_per_visit"]').fill("")
    form.locator('select[name="store"]').select_option(label=f"F {scenario.franchise.name}")
    form.locator('input[name="share_rate"]').fill("0.95")
    form.get_by_test_id("preview").click()
    # then F's share and net grow by 3% of its net sales (2100.00 x 0.03 = 63.00); TAC unchanged
    expect(page.get_by_test_id("what-if-table")).to_be_visible()
    assert differences(page, "F") == ["0.00", "63.00", "0.00", "0.00", "63.00"]
    assert "share_rate=0.95" in page.url
    # and nothing was posted or saved: no run, no statement, no entry
    with tenant_scope(tenant):
        assert (
            SettlementRun.objects.filter(tenant=tenant).count(),
            Statement.objects.filter(tenant=tenant).count(),
            JournalEntry.objects.filter(tenant=tenant).count(),
        ) == (0, 0, 0)
