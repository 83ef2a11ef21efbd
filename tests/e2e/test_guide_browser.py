"""A real browser on a phone-sized screen (390x844): a guide opens their workbench and copies their
store share link; a customer follows it, signs in and orders at checkout; the order shows in the
guide's orders (credited through the binding); a second order, placed without the link, is claimed
by the guide with a note, the store's manager approves the claim, and the guide sees it approved."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from attribution.redirect import record_touchpoint_task
from members.services import join_brand
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders import services as order_services
from orders.models import Order
from orders.routing import Location
from stores import services as store_services
from tests.e2e.conftest import TIMEOUT_MS, brand_url, login
from tests.e2e.test_checkout_browser import PEOPLES_SQUARE, lumen_with_a_lamp, make_manager, open_store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/o2o-guide-{}.png"


def phone_page(chromium: Browser, live_server: Any, **options: Any) -> Page:
    context = chromium.new_context(
        base_url=brand_url(live_server, "lumen", ""), locale="en-US", viewport=PHONE, is_mobile=True, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def phones(chromium: Browser, live_server: Any) -> Iterator[dict[str, Page]]:
    pages = {
        "guide": phone_page(chromium, live_server, permissions=["clipboard-read", "clipboard-write"]),
        "customer": phone_page(chromium, live_server, geolocation=PEOPLES_SQUARE, permissions=["geolocation"]),
        "manager": phone_page(chromium, live_server),
    }
    yield pages
    for page in pages.values():
        page.context.close()


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_guide_shares_a_link_the_customer_orders_through_it_and_a_claim_is_approved(
    phones, live_server, make_tenant, make_user, monkeypatch
):
    # the link's touchpoint (which binds the customer) is written as the worker would, at once
    monkeypatch.setattr(record_touchpoint_task.app.conf, "task_always_eager", True)
    # given a brand with a lamp, a store with its manager and a guide, and a customer with an account
    tenant, lamp = lumen_with_a_lamp(make_tenant)
    store = open_store(tenant, "SH-1", "People's Square", PEOPLES_SQUARE["longitude"] + 0.0105, {lamp: 5})
    make_manager(tenant, store)
    with tenant_scope(tenant):
        post = store_services.create_staff(
            tenant=tenant,
            store=store,
            username="sh1-guide",
            password="pw-secret-42",
            name="Guide Li",
            phone="",
            role=Role.GUIDE,
        )
    consumer = make_user(tenant, Role.CONSUMER, username="+8613800138000")
    with tenant_scope(tenant):
        join_brand(tenant=tenant, phone="+8613800138000", name="张伟", user=consumer)
    guide, customer, manager = phones["guide"], phones["customer"], phones["manager"]

    # when the guide opens their workbench on their phone and copies their store link
    login(guide, "sh1-guide", "pw-secret-42")
    guide.goto("/guide/")
    expect(guide.get_by_test_id("page-title")).to_have_text("My workbench")
    expect(guide.get_by_test_id("guide-code")).to_have_text(post.code)
    store_link = guide.get_by_test_id("share-link").first
    expect(store_link.get_by_test_id("share-link-label")).to_have_text("My store: People's Square")
    store_link.get_by_test_id("copy-link").click()
    expect(store_link.get_by_test_id("copy-link")).to_have_attribute("data-done", "1")
    url = store_link.get_by_test_id("link-url").input_value()
    code = store_link.get_attribute("data-code")
    assert url.endswith(f"/t/{code}")
    fits_the_phone(guide)
    guide.screenshot(path=SCREENSHOTS.format("1-workbench"), full_page=True)

    # and the customer follows the guide's link, signs in, then orders a lamp at checkout
    customer.goto(f"/t/{code}")
    expect(customer).to_have_url(brand_url(live_server, "lumen", f"/stores/{store.pk}/"))
    login(customer, "+8613800138000", "pw-secret-42")
    customer.goto("/shop/checkout/")
    customer.get_by_label("Reader desk lamp").fill("1")
    customer.get_by_label("Reader desk lamp").dispatch_event("change")
    customer.get_by_role("button", name="Use my location").click()
    expect(customer.get_by_test_id("store-name").first).to_have_text("People's Square")
    customer.get_by_test_id("place-order").click()
    expect(customer.get_by_test_id("order-status")).to_have_text("Routed")
    with tenant_scope(tenant):
        first = Order.objects.get()
    assert (first.guide_id, first.guide_source) == (post.pk, "binding")

    # then the guide sees the order among theirs, and the customer among theirs
    guide.reload()
    expect(guide.get_by_test_id("order-number")).to_have_text([first.number])
    expect(guide.get_by_test_id("order-total")).to_have_text(["¥199.00"])
    expect(guide.get_by_test_id("customer-phone")).to_have_text(["138****8000"])
    expect(guide.get_by_test_id("days-left")).to_have_text(["30 days left"])

    # when another customer of the store orders without the link, and the guide claims that order
    with tenant_scope(tenant):
        second = order_services.checkout(
            tenant=tenant,
            user=None,
            as_consumer=False,
            customer=order_services.Customer(name="王芳", phone="+8613900139000"),
            lines=[order_services.LineInput(sku_id=lamp.pk, quantity=1)],
            fulfilment="pickup",
            location=Location(PEOPLES_SQUARE["latitude"], PEOPLES_SQUARE["longitude"]),
            chosen_store_id=None,
            slot=None,
        )
    assert second.guide_id is None
    form = guide.get_by_test_id("claim-form")
    form.get_by_label("Order number").fill(second.number)
    form.get_by_label("Why it is yours").fill("She tried the lamp with me on Sunday")
    form.get_by_test_id("submit-claim").click()
    expect(guide.get_by_test_id("claim-status")).to_have_text(["Pending"])
    expect(guide.get_by_test_id("claim-order")).to_have_text([second.number])

    # and the store's manager approves it on the claims page
    login(manager, "sh1-manager", "pw-secret-42")
    manager.goto("/store/claims/")
    pending = manager.get_by_test_id("pending-claim")
    expect(pending).to_have_count(1)
    expect(pending.get_by_test_id("claim-order")).to_have_text(second.number)
    expect(pending.get_by_test_id("claim-note")).to_have_text("She tried the lamp with me on Sunday")
    fits_the_phone(manager)
    manager.screenshot(path=SCREENSHOTS.format("2-claims"), full_page=True)
    pending.get_by_test_id("approve").click()
    expect(manager.get_by_test_id("no-pending")).to_be_visible()
    expect(manager.get_by_test_id("decided-claim").get_by_test_id("claim-status")).to_have_text("Approved")

    # then the guide sees their claim approved
    guide.reload()
    expect(guide.get_by_test_id("claim-status")).to_have_text(["Approved"])
    fits_the_phone(guide)
    guide.screenshot(path=SCREENSHOTS.format("3-approved"), full_page=True)
