"""Real-browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

Browsers are never downloaded: Playwright launches the system Chromium (`tests.services.CHROMIUM`).
A browser test is marked `browser` (skipped loudly where Chromium is missing, failed under
O2O_REQUIRE_SERVICES=1) and `django_db(transaction=True)`, because the live server answers from
another thread and only sees committed rows:

    @pytest.mark.browser
    @pytest.mark.django_db(transaction=True)
    def test_something(browser_page, live_server, ...):
        login(browser_page, "alpha-admin", "pw-secret-42")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.services import CHROMIUM

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The time an action, a navigation or an `expect(...)` may take before it fails: generous, for a
# loaded machine (CI runs two workers on two CPUs, each with a browser and a live server).
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium(django_db_setup: None) -> Iterator[Browser]:
    """One headless Chromium for the session (started after the test database is set up).

    `expect(...)` retries for `TIMEOUT_MS` as the pages' actions do (its own default is only 5 s,
    which `context.set_default_timeout` does not change).

    Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse
    ORM calls from the test body ("async context"); the tests use the ORM synchronously and never
    from a coroutine, so the check is lifted while the browser is open, and put back after.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        expect.set_options(timeout=None)
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh page (own cookies) in an English-speaking browser, relative URLs on the live server."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def brand_url(live_server: LiveServer, slug: str, path: str = "/") -> str:
    """The live server's address under a brand's host prefix (`<slug>.localhost:<port>`)."""
    parts = urlsplit(live_server.url)
    return f"{parts.scheme}://{slug}.localhost:{parts.port}{path}"


def login(page: Page, username: str, password: str) -> None:
    """Log in through the portal's login form (whatever the page's language) and wait for the next page."""
    page.goto("/login/")
    form = page.locator('form[action="/login/"]')
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
