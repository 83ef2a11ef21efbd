"""A real browser opens the API docs: Swagger UI, served from our own static files, starts within
the Content-Security-Policy (no inline script) and lists the operations of the schema."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_reads_the_api_docs_in_a_browser(browser_page, live_server):
    # given a browser that notes every error the page logs (a CSP violation among them)
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if _is_error(message) else None)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # when it opens the API docs
    # (a deep link to the roles: Swagger UI draws only the resources near the viewport)
    page.goto("/api/docs/#/roles")
    # then Swagger UI shows the API, its operations grouped by resource, with nothing blocked
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("O2O platform API")
    expect(page.locator(".swagger-ui .opblock-tag", has_text="roles")).to_be_visible()
    expect(page.locator(".swagger-ui .opblock-summary-path", has_text="/api/v1/roles/{role_id}/").first).to_be_visible()
    assert errors == []
    assert [url for url in requested if not url.startswith(live_server.url)] == []  # no CDN


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
