"""A real browser: the franchise store's manager opens May's statement (the hand-worked month,
tests/settlements/scenario.py), downloads its PDF (a real download: `%PDF`, the net readable in
it), and disputes it with a note; HQ finds the dispute on /hq/settlements/disputes/ and answers it;
the manager then reads HQ's answer on the statement."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from settlements.models import Statement
from tests.e2e.conftest import login
from tests.settlements.pdf_text import pdf_strings
from tests.settlements.scenario import Scenario, build_scenario
from tests.settlements.statement_world import world  # noqa: F401  (the settled May and its people)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "The refund of 5 May was counted twice. 请核对。"
ANSWER = "Checked: one refund, recorded on 12 May. 已核对。"


@pytest.fixture
def scenario(tenant: Tenant) -> Scenario:
    return build_scenario(tenant)


def test_a_manager_downloads_and_disputes_a_statement_and_hq_answers(browser_page, live_server, world):  # noqa: F811
    page = browser_page
    statement = world.franchise
    # given the franchise store's manager, signed in: their statements list shows May, open
    login(page, world.manager.username, "pw-secret-42")
    page.goto("/store/statements/")
    row = page.get_by_test_id("statement-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("statement-net")).to_have_text("1653.07")
    # when they open it: its lines and net
    row.get_by_test_id("statement-link").click()
    expect(page).to_have_url(f"{live_server.url}/store/statements/{statement.pk}/")
    expect(page.get_by_test_id("statement-net")).to_have_text("1653.07")
    # and download the PDF: a PDF file whose text shows the net
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    shown = pdf_strings(content)
    assert "Net: HQ pays the store" in shown
    assert "1653.07" in shown
    # when they dispute it with a note
    page.locator('textarea[name="note"]').fill(NOTE)
    page.get_by_test_id("dispute").click()
    # then the statement says disputed, the note is kept, and the form is gone until HQ answers
    expect(page.get_by_test_id("dispute-note")).to_contain_text(NOTE)
    expect(page.get_by_test_id("statement-status")).to_have_text("Disputed")
    with tenant_scope(world.scenario.tenant):
        saved = Statement.objects.get(pk=statement.pk)
    assert (saved.status, saved.note, saved.answered_at) == ("disputed", NOTE, None)

    # when HQ signs in (a fresh browser context) and opens the disputes
    hq_page = page.context.browser.new_page(base_url=live_server.url, locale="en-US")
    try:
        login(hq_page, world.hq.username, "pw-secret-42")
        hq_page.goto("/hq/settlements/disputes/")
        dispute = hq_page.get_by_test_id("dispute-row")
        # then May's dispute of store F is there, with its note
        expect(dispute).to_have_count(1)
        expect(dispute).to_have_attribute("data-store", "F")
        expect(dispute.get_by_test_id("dispute-note")).to_have_text(NOTE)
        # when HQ opens it and answers
        dispute.get_by_role("link").click()
        expect(hq_page).to_have_url(f"{live_server.url}/hq/settlements/statements/{statement.pk}/")
        hq_page.get_by_test_id("answer-form").locator('textarea[name="note"]').fill(ANSWER)
        hq_page.get_by_test_id("answer").click()
        # then the answer shows on the statement, and no dispute waits any more
        expect(hq_page.get_by_test_id("hq-answer")).to_contain_text(ANSWER)
        hq_page.goto("/hq/settlements/disputes/")
        expect(hq_page.get_by_test_id("no-disputes")).to_be_visible()
    finally:
        hq_page.context.close()
    # and the manager reads HQ's answer on their statement, and may confirm it now
    page.reload()
    expect(page.get_by_test_id("hq-answer")).to_contain_text(ANSWER)
    expect(page.get_by_test_id("confirm")).to_be_visible()
