"""A real browser finds the stores near its position, opens the nearest store's page with its QR
code; and a store manager edits a stock count in place (htmx)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Geolocation, Page, expect

from catalog.models import Category, Product, Sku
from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores import services
from stores.choices import StaffRole
from stores.models import Stock, Store, StoreStaff
from tests.e2e.conftest import TIMEOUT_MS, brand_url, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLES_SQUARE: Geolocation = {"latitude": 31.2304, "longitude": 121.4737}


def open_store(tenant: Tenant, code: str, name: str, lat: float, lng: float, **fields: Any) -> Store:
    data = services.StoreInput(
        code=code,
        name=name,
        kind=fields.pop("kind", "direct"),
        region="east",
        city=fields.pop("city", "Shanghai"),
        address=fields.pop("address", f"{code} Nanjing Road"),
        lat=lat,
        lng=lng,
        **fields,
    )
    with tenant_scope(tenant):
        return services.create_store(tenant=tenant, data=data)


@pytest.fixture
def located_page(chromium: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a browser that lets the site know it stands on People's Square."""
    context = chromium.new_context(
        locale="en-US",
        viewport={"width": 1100, "height": 900},
        geolocation=PEOPLES_SQUARE,
        permissions=["geolocation"],
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_a_visitor_finds_the_nearest_store_by_location_and_opens_its_page(located_page, live_server, make_tenant):
    # given a brand with three stores around People's Square (one closed) and one of another brand on it
    tenant = make_tenant("lumen", name="Lumen Lighting")
    other = make_tenant("beta", name="Beta Lighting")
    open_store(tenant, "SH-E", "East Nanjing Road", 31.2304, 121.5000, capabilities=["pickup", "delivery"])
    north = open_store(
        tenant, "SH-N", "Suzhou Creek", 31.2400, 121.4737, address="88 North Suzhou Road", capabilities=["pickup"]
    )
    open_store(tenant, "SH-S", "Xujiahui", 31.1500, 121.4737)
    open_store(tenant, "SH-X", "Closed one", 31.2310, 121.4740, active=False)
    open_store(other, "B-1", "Beta at the square", 31.2304, 121.4737)
    page = located_page
    # when a visitor opens "stores near me" on the brand's host and shares their location
    page.goto(brand_url(live_server, "lumen", "/stores/"))
    expect(page.get_by_test_id("page-title")).to_have_text("Stores near me")
    page.get_by_role("button", name="Use my location").click()
    # then the brand's open stores are listed nearest first, with their distances
    cards = page.get_by_test_id("store-card")
    expect(cards).to_have_count(3)
    expect(page.get_by_test_id("store-name")).to_have_text(["Suzhou Creek", "East Nanjing Road", "Xujiahui"])
    expect(page.get_by_test_id("distance")).to_have_text(["1.1 km", "2.5 km", "8.9 km"])
    expect(cards.first.get_by_test_id("address")).to_have_text("88 North Suzhou Road")
    expect(cards.first.get_by_test_id("hours-today")).to_have_text("Open today 10:00–22:00")
    expect(page.get_by_test_id("result-count")).to_have_text("3 stores")
    # and the address bar holds the search, so that it can be shared or reloaded
    expect(page).to_have_url(brand_url(live_server, "lumen", "/stores/?lat=31.230400&lng=121.473700&city=&capability="))
    page.screenshot(path="/tmp/stores_near_me.png", full_page=True)
    # when they open the nearest store
    cards.first.get_by_role("link", name="Suzhou Creek").click()
    # then its page shows its address, the week's hours and its QR code, drawn
    expect(page).to_have_url(brand_url(live_server, "lumen", f"/stores/{north.pk}/"))
    expect(page.get_by_test_id("page-title")).to_have_text("Suzhou Creek")
    expect(page.get_by_test_id("address")).to_have_text("88 North Suzhou Road")
    expect(page.get_by_test_id("hours-row")).to_have_count(7)
    qr = page.get_by_test_id("store-qr").get_by_role("img")
    expect(qr).to_be_visible()
    # (decode() waits for the image to load and fails when it cannot be drawn)
    assert qr.evaluate("async image => { await image.decode(); return image.naturalWidth; }") > 0
    page.screenshot(path="/tmp/store_page.png", full_page=True)


def test_a_reload_of_a_shared_search_shows_the_same_list(located_page, live_server, make_tenant):
    tenant = make_tenant("lumen", name="Lumen Lighting")
    open_store(tenant, "SH-E", "East Nanjing Road", 31.2304, 121.5000)
    open_store(tenant, "SH-N", "Suzhou Creek", 31.2400, 121.4737)
    located_page.goto(brand_url(live_server, "lumen", "/stores/?lat=31.2304&lng=121.4737"))
    expect(located_page.get_by_test_id("distance")).to_have_text(["1.1 km", "2.5 km"])


def test_a_store_manager_edits_a_stock_count_in_place(browser_page, live_server, make_tenant, make_user):
    # given a store manager whose store holds 5 lamps, 2 of them reserved
    tenant = make_tenant("lumen", name="Lumen Lighting")
    store = open_store(tenant, "SH-N", "Suzhou Creek", 31.2400, 121.4737)
    manager = make_user(tenant, Role.STORE_MANAGER, username="sh-manager", password="lamp-pass-2026")
    with tenant_scope(tenant):
        StoreStaff.objects.create(tenant=tenant, user=manager, store=store, role=StaffRole.STORE_MANAGER, code="M1")
        category = Category.objects.create(tenant=tenant, name="Lamps")
        product = Product.objects.create(tenant=tenant, name="Desk lamp", category=category)
        sku = Sku.objects.create(tenant=tenant, product=product, code="DL-1", name="White", price=Decimal("299.00"))
        Stock.objects.create(tenant=tenant, store=store, sku=sku, on_hand=5, reserved=2)
    page = browser_page
    login(page, "sh-manager", "lamp-pass-2026")
    expect(page.get_by_test_id("store-name")).to_have_text("Suzhou Creek")
    row = page.locator('[data-testid="stock-row"][data-sku="DL-1"]')
    # when they set 1 on hand (below the reservations)
    row.get_by_role("spinbutton").fill("1")
    row.get_by_role("button", name="Save").click()
    # then the row says why and nothing changes
    expect(row.get_by_test_id("stock-error")).to_have_text(
        "SKU DL-1: on hand 1 is below the 2 reserved for open orders."
    )
    expect(row.get_by_test_id("available")).to_have_text("3")
    # when they set 8
    row.get_by_role("spinbutton").fill("8")
    row.get_by_role("button", name="Save").click()
    # then the row is saved in place (no page load) with the new availability, and the database has it
    expect(row.get_by_test_id("stock-saved")).to_have_text("Saved")
    expect(row.get_by_test_id("available")).to_have_text("6")
    expect(row.get_by_test_id("stock-error")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/store/")
    with tenant_scope(tenant):
        assert Stock.objects.get(store=store, sku=sku).on_hand == 8
    page.screenshot(path="/tmp/store_dashboard.png", full_page=True)
