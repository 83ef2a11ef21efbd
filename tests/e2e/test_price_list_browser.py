"""A real browser edits the price grid: a cell saves when it is left; a bad one comes back in its
place, keeping what was typed with why, and the rest of the page stays as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import Category, Product, RegionalPrice, Sku
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from tests.catalog.snapshots import regional_prices_of
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bad_cell_is_shown_in_place_and_a_good_one_is_saved(browser_page, live_server, make_tenant, make_user):
    # given a brand's HQ staff and a lamp with two SKUs, the white one at 189.00 in the east
    tenant = make_tenant("lumen", name="Lumen Lighting")
    make_user(tenant, Role.HQ_STAFF, username="lumen-staff", password="lamp-pass-2026")
    with tenant_scope(tenant):
        product = Product.objects.create(
            tenant=tenant, name="Reader", category=Category.objects.create(tenant=tenant, name="Lamps")
        )
        white = Sku.objects.create(tenant=tenant, product=product, code="RD-W", name="White", price=Decimal("199"))
        Sku.objects.create(tenant=tenant, product=product, code="RD-B", name="Black", price=Decimal("209"))
        RegionalPrice.objects.create(tenant=tenant, sku=white, region="east", price=Decimal("189.00"))
    page = browser_page
    login(page, "lumen-staff", "lamp-pass-2026")
    page.goto("/hq/price-lists/")
    cell = page.locator('[data-testid="price-cell"][data-sku="RD-W"][data-region="east"]')
    # when HQ types -1 in that cell and leaves it
    cell.locator('input[name="price"]').fill("-1")
    cell.locator('input[name="price"]').press("Tab")
    # then the cell says why, keeping -1, and the grid around it is still there
    cell = page.locator('[data-testid="price-cell"][data-sku="RD-W"][data-region="east"]')
    expect(cell.get_by_test_id("price-error")).to_have_text("Ensure this value is greater than or equal to 0.")
    expect(cell.locator('input[name="price"]')).to_have_value("-1")
    expect(page.get_by_test_id("page-title")).to_have_text("Price lists")
    expect(page.get_by_test_id("price-row")).to_have_count(2)
    assert regional_prices_of(tenant) == [("east", "RD-W", "189.00")]
    # when HQ corrects it and leaves it
    cell.locator('input[name="price"]').fill("179")
    cell.locator('input[name="price"]').press("Tab")
    # then it is saved
    expect(cell.get_by_test_id("price-saved")).to_have_text("Saved")
    expect(cell.get_by_test_id("price-error")).to_have_count(0)
    assert regional_prices_of(tenant) == [("east", "RD-W", "179.00")]
