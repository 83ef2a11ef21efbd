"""A real browser: a consumer checks out a pick-up order (its code on the confirmation and on the
store's queue), the store's manager accepts it from the queue (htmx), and the consumer's tracking
page shows it accepted; a delivery asks for the recipient and address only once delivery is chosen,
and the store's queue shows them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from playwright.sync_api import Browser, Page, expect

from catalog.models import Category, Product, Sku
from members.services import join_brand
from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders import services as order_services
from orders.models import Order
from orders.routing import Location
from orders.views import QUEUE_POLL_SECONDS
from stores import services as store_services
from tests.e2e.conftest import TIMEOUT_MS, brand_url, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLES_SQUARE = {"latitude": 31.2304, "longitude": 121.4737}
SCREENSHOTS = "/tmp/o2o-checkout-{}.png"


def open_store(tenant: Tenant, code: str, name: str, lng: float, stock: dict[Sku, int]) -> Any:
    data = store_services.StoreInput(
        code=code,
        name=name,
        kind="direct",
        region="east",
        city="Shanghai",
        address=f"{code} Nanjing Road",
        lat=PEOPLES_SQUARE["latitude"],
        lng=lng,
        capabilities=["pickup", "delivery"],
    )
    with tenant_scope(tenant):
        store = store_services.create_store(tenant=tenant, data=data)
        store_services.set_stock(
            tenant=tenant,
            store=store,
            levels=[store_services.StockLevel(sku_id=sku.pk, on_hand=n) for sku, n in stock.items()],
        )
    return store


def lumen_with_a_lamp(make_tenant: Any) -> tuple[Tenant, Sku]:
    """The brand Lumen with one lamp for sale at 199.00."""
    tenant = make_tenant("lumen", name="Lumen Lighting")
    with tenant_scope(tenant):
        category = Category.objects.create(tenant=tenant, name="Lamps")
        product = Product.objects.create(tenant=tenant, name="Reader desk lamp", category=category)
        lamp = Sku.objects.create(
            tenant=tenant, product=product, code="LUM-RD-W", name="White", price=Decimal("199.00")
        )
    return tenant, lamp


def make_manager(tenant: Tenant, store: Any) -> None:
    """The store's manager, who logs in as sh1-manager."""
    with tenant_scope(tenant):
        store_services.create_staff(
            tenant=tenant,
            store=store,
            username="sh1-manager",
            password="pw-secret-42",
            name="Manager Wang",
            phone="",
            role=Role.STORE_MANAGER,
        )


def new_page(chromium: Browser, live_server: Any, **options: Any) -> Page:
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1100, "height": 1000}, **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def pages(chromium: Browser, live_server: Any) -> Iterator[dict[str, Page]]:
    """The consumer's browser (standing on People's Square) and the store manager's."""
    consumer = new_page(chromium, live_server, geolocation=PEOPLES_SQUARE, permissions=["geolocation"])
    manager = new_page(chromium, live_server)
    yield {"consumer": consumer, "manager": manager}
    consumer.context.close()
    manager.context.close()


def test_a_consumer_checks_out_for_pickup_and_sees_the_store_accept_it(pages, live_server, make_tenant, make_user):
    # given a brand with a lamp, two stores that have it (1 km and 3 km east of the square), the
    # near store's manager, and a consumer with an account
    tenant, lamp = lumen_with_a_lamp(make_tenant)
    near = open_store(tenant, "SH-1", "People's Square", PEOPLES_SQUARE["longitude"] + 0.0105, {lamp: 5})
    open_store(tenant, "SH-3", "Lujiazui", PEOPLES_SQUARE["longitude"] + 0.0315, {lamp: 5})
    make_manager(tenant, near)
    consumer = make_user(tenant, Role.CONSUMER, username="+8613800138000")
    with tenant_scope(tenant):
        join_brand(tenant=tenant, phone="+8613800138000", name="张伟", user=consumer)
    shopper, manager = pages["consumer"], pages["manager"]

    # when the consumer logs in, picks two lamps, shares their location and places the order
    login(shopper, "+8613800138000", "pw-secret-42")
    shopper.goto("/shop/checkout/")
    expect(shopper.get_by_test_id("page-title")).to_have_text("Order online")
    shopper.get_by_label("Reader desk lamp").fill("2")
    shopper.get_by_label("Reader desk lamp").dispatch_event("change")
    shopper.get_by_role("button", name="Use my location").click()
    expect(shopper.get_by_test_id("store-name")).to_have_text(["People's Square", "Lujiazui"])
    expect(shopper.get_by_test_id("distance")).to_have_text(["1.0 km", "3.0 km"])
    expect(shopper.get_by_test_id("store-total")).to_have_text(["Total 398.00", "Total 398.00"])
    expect(shopper.get_by_test_id("store-auto")).to_contain_text("People's Square")
    shopper.screenshot(path=SCREENSHOTS.format("1-checkout"), full_page=True)
    shopper.get_by_test_id("place-order").click()

    # then the confirmation shows the order's number, its store, its total, that it was routed,
    # and the pick-up code to show at the store
    expect(shopper.get_by_test_id("order-status")).to_have_text("Routed")
    with tenant_scope(tenant):
        order = Order.objects.get()
    expect(shopper.get_by_test_id("order-number")).to_have_text(order.number)
    expect(shopper.get_by_test_id("order-store")).to_contain_text("People's Square")
    expect(shopper.get_by_test_id("order-total")).to_have_text("398.00")
    expect(shopper.get_by_test_id("pickup-code")).to_have_text(order.pickup_code)
    shopper.screenshot(path=SCREENSHOTS.format("2-confirmation"), full_page=True)

    # when the store's manager logs in, opens the queue and accepts the order
    login(manager, "sh1-manager", "pw-secret-42")
    manager.goto("/store/orders/")
    incoming = manager.get_by_test_id("incoming-order")
    expect(incoming).to_have_count(1)
    expect(incoming).to_contain_text(order.number)
    expect(incoming.get_by_test_id("countdown")).to_contain_text("left")
    expect(incoming.get_by_test_id("customer-name")).to_have_text("张伟")
    expect(incoming.get_by_test_id("customer-phone")).to_have_text("138****8000")
    expect(incoming.get_by_test_id("pickup-code")).to_have_text(order.pickup_code)
    manager.screenshot(path=SCREENSHOTS.format("3-queue"), full_page=True)
    incoming.get_by_test_id("accept").click()

    # then the queue (re-rendered in place) says the order is accepted and shows it in progress
    # (the message first: the queue's next refresh, a few seconds on, no longer carries it)
    expect(manager.get_by_test_id("order-queue")).to_contain_text(f"Order {order.number} accepted")
    expect(manager.get_by_test_id("progress-order")).to_contain_text(order.number)
    expect(manager.get_by_test_id("incoming-order")).to_have_count(0)
    manager.screenshot(path=SCREENSHOTS.format("4-accepted"), full_page=True)

    # and the consumer's tracking page shows it accepted, step by step
    shopper.reload()
    expect(shopper.get_by_test_id("order-status")).to_have_text("Accepted")
    expect(shopper.get_by_test_id("timeline-step")).to_have_count(2)
    expect(shopper.get_by_test_id("timeline-step").last).to_contain_text("Accepted")
    shopper.screenshot(path=SCREENSHOTS.format("5-tracking"), full_page=True)


def test_a_queue_refresh_during_a_slow_accept_does_not_swallow_its_answer(pages, make_tenant):
    # given a store's manager with one order to accept, on a day the server answers slowly
    tenant, lamp = lumen_with_a_lamp(make_tenant)
    store = open_store(tenant, "SH-1", "People's Square", PEOPLES_SQUARE["longitude"], {lamp: 5})
    make_manager(tenant, store)
    with tenant_scope(tenant):
        order = order_services.checkout(
            tenant=tenant,
            user=None,
            as_consumer=False,
            customer=order_services.Customer(name="张伟", phone="+8613800138000"),
            lines=[order_services.LineInput(sku_id=lamp.pk, quantity=1)],
            fulfilment="pickup",
            location=Location(PEOPLES_SQUARE["latitude"], PEOPLES_SQUARE["longitude"]),
            chosen_store_id=None,
            slot=None,
        )
    manager = pages["manager"]
    login(manager, "sh1-manager", "pw-secret-42")
    manager.goto("/store/orders/")
    expect(manager.get_by_test_id("incoming-order")).to_contain_text(order.number)
    accept = order_services.accept_order

    def slow_accept(**kwargs: Any) -> Order:  # longer than the queue's refresh interval
        time.sleep(QUEUE_POLL_SECONDS + 2)
        return accept(**kwargs)

    # when the manager accepts it, and the queue's own refresh comes due while the accept runs
    with mock.patch("orders.views.services.accept_order", slow_accept):
        manager.get_by_test_id("incoming-order").get_by_test_id("accept").click()
        # then the accept's answer is shown, not dropped for the refresh's older queue
        expect(manager.get_by_test_id("order-queue")).to_contain_text(
            f"Order {order.number} accepted", timeout=(QUEUE_POLL_SECONDS + 2) * 1000 + TIMEOUT_MS
        )
    expect(manager.get_by_test_id("progress-order")).to_contain_text(order.number)


def test_a_delivery_asks_for_the_recipient_once_chosen_and_the_store_reads_them(pages, live_server, make_tenant):
    # given a brand with a lamp, a store near the square that delivers, and its manager
    tenant, lamp = lumen_with_a_lamp(make_tenant)
    store = open_store(tenant, "SH-1", "People's Square", PEOPLES_SQUARE["longitude"] + 0.0105, {lamp: 5})
    make_manager(tenant, store)
    shopper, manager = pages["consumer"], pages["manager"]

    # when a visitor opens the brand's checkout: pick-up is chosen, no delivery fields
    shopper.goto(brand_url(live_server, "lumen", "/shop/checkout/"))
    expect(shopper.get_by_test_id("page-title")).to_have_text("Order online")
    delivery_fields = shopper.get_by_test_id("delivery-fields")
    expect(delivery_fields).to_be_hidden()
    # and they choose delivery, the lamp and their location
    shopper.get_by_label("Delivery from a store").check()
    expect(delivery_fields).to_be_visible()
    shopper.get_by_label("Reader desk lamp").fill("1")
    shopper.get_by_label("Reader desk lamp").dispatch_event("change")
    shopper.get_by_role("button", name="Use my location").click()
    expect(shopper.get_by_test_id("store-name")).to_have_text(["People's Square"])
    # and place it without an address: refused, what was typed kept
    shopper.get_by_label("Recipient", exact=True).fill("王芳")
    shopper.get_by_label("Recipient's mobile phone").fill("13912345678")
    shopper.get_by_label("Your name").fill("李娜")
    shopper.get_by_label("Your mobile phone").fill("13900001111")
    shopper.get_by_test_id("place-order").click()
    expect(shopper.get_by_text("Give the delivery address.")).to_be_visible()
    expect(shopper.get_by_label("Recipient", exact=True)).to_have_value("王芳")
    expect(delivery_fields).to_be_visible()
    shopper.get_by_label("Delivery address").fill("上海市黄浦区南京东路 100 号 1201 室")
    shopper.get_by_test_id("place-order").click()

    # then the confirmation shows where it goes
    expect(shopper.get_by_test_id("order-status")).to_have_text("Routed")
    expect(shopper.get_by_test_id("recipient")).to_have_text("王芳")
    expect(shopper.get_by_test_id("address")).to_have_text("上海市黄浦区南京东路 100 号 1201 室")
    shopper.screenshot(path=SCREENSHOTS.format("6-delivery"), full_page=True)

    # and the store's queue shows the customer, the recipient, their phone and the address
    login(manager, "sh1-manager", "pw-secret-42")
    manager.goto("/store/orders/")
    incoming = manager.get_by_test_id("incoming-order")
    expect(incoming.get_by_test_id("customer-name")).to_have_text("李娜")
    expect(incoming.get_by_test_id("customer-phone")).to_have_text("139****1111")
    expect(incoming.get_by_test_id("recipient-phone")).to_have_text("+8613912345678")
    expect(incoming.get_by_test_id("address")).to_have_text("上海市黄浦区南京东路 100 号 1201 室")
