"""A real browser logs in as HQ and reaches the HQ landing page, then switches to Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from o2o.choices import Role
from tests.e2e.conftest import brand_url, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_hq_admin_logs_in_lands_on_the_hq_page_and_switches_to_chinese(
    browser_page, live_server, make_tenant, make_user
):
    # given a brand with an HQ admin
    tenant = make_tenant("lumen", name="Lumen Lighting 光明灯饰")
    make_user(tenant, Role.HQ_ADMIN, username="lumen-admin", password="lamp-pass-2026")
    page = browser_page
    # when they log in through the login form
    login(page, "lumen-admin", "lamp-pass-2026")
    # then they land on their brand's HQ page, which shows the brand, the user and the HQ navigation
    expect(page).to_have_url(f"{live_server.url}/hq/")
    expect(page).to_have_title("HQ dashboard · Lumen Lighting 光明灯饰")
    expect(page.get_by_test_id("page-title")).to_have_text("HQ dashboard")
    expect(page.get_by_test_id("brand")).to_have_text("Lumen Lighting 光明灯饰")
    expect(page.get_by_test_id("user")).to_have_text("Test User")
    expect(page.get_by_test_id("roles")).to_have_text("HQ admin")
    nav = page.get_by_test_id("nav").get_by_role("link")
    expect(nav).to_have_text(["HQ", "Admin"])
    # when they switch the language to Chinese
    page.get_by_role("button", name="简体中文").click()
    # then the same page speaks Chinese
    expect(page.get_by_test_id("page-title")).to_have_text("总部看板")
    expect(page).to_have_title("总部看板 · Lumen Lighting 光明灯饰")
    expect(page).to_have_url(f"{live_server.url}/hq/")
    expect(nav).to_have_text(["总部", "管理后台"])
    expect(page.get_by_test_id("roles")).to_have_text("总部管理员")


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(browser_page, live_server, make_tenant, make_user):
    tenant = make_tenant("lumen", name="Lumen Lighting")
    make_user(tenant, Role.HQ_ADMIN, username="lumen-admin", password="lamp-pass-2026")
    login(browser_page, "lumen-admin", "not-the-password")
    expect(browser_page).to_have_url(re.compile(r"/login/$"))
    expect(browser_page.get_by_role("alert")).to_have_text("Your username and password didn't match. Please try again.")


def test_an_anonymous_visitor_on_the_brands_host_sees_its_shop(browser_page, live_server, make_tenant):
    # given a brand
    make_tenant("lumen", name="Lumen Lighting 光明灯饰")
    # when an anonymous visitor opens the brand's address
    browser_page.goto(brand_url(live_server, "lumen"))
    # then the shop of that brand opens, with a way to log in
    expect(browser_page.get_by_test_id("page-title")).to_have_text("Lumen Lighting 光明灯饰")
    expect(browser_page.get_by_text("Welcome to Lumen Lighting 光明灯饰.")).to_be_visible()
    expect(browser_page.get_by_role("main").get_by_role("link", name="Log in")).to_have_attribute(
        "href", "/login/?next=/"
    )
