"""The consumers' order pages: checkout with the store picker, the tracking page, their orders, and
cancelling one.

Orders are placed with the real services; the clock is the only thing mocked. Stores are around
HOME (People's Square, Shanghai): `brand.store(code, km=...)` is `km` east of it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from bookings.models import Booking
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.choices import OrderStatus
from orders.models import Order
from stores.services import ServiceOffering, set_store_services
from tests.orders.conftest import (
    T0,
    act,
    checkout_data,
    client_for,
    clock,
    place,
    regional_price,
    rows,
    snapshot,
    text_of,
    value_of,
)
from tests.stores.factories import make_service

pytestmark = pytest.mark.django_db

# Pinned query counts (PostgreSQL, in the test's transaction); a visitor's pages, without an account,
# skip the user's and the roles' reads.
CHECKOUT_QUERIES = 7  # the empty form: the SKUs and services for sale
PICKER_QUERIES = 12  # routing's reads, the stores shown, the price book (two, whatever the regions)
PLACE_QUERIES = 39  # a visitor's whole checkout (a new membership), in the boundary's savepoint
TRACKING_QUERIES = 9  # the visitor's order (placed in this browser), its lines, its history
LIST_QUERIES = 10  # the rows with their store (no lines: the list does not show them)
CANCEL_QUERIES = 21


def test_the_store_picker_shows_each_stores_distance_availability_and_total(brand, django_assert_num_queries):
    # given a near store without bulbs, a farther one with everything at its region's lamp price
    near = brand.store("A01", km=1, stock={brand.lamp: 5})
    far = brand.store("B01", km=3, region="north", stock={brand.lamp: 5, brand.bulb: 5})
    regional_price(brand, brand.lamp, "north", "189.00")
    client = client_for(brand)
    client.get("/shop/checkout/")

    # when a visitor picks 2 lamps and a bulb, near HOME (the htmx refresh of the picker)
    with django_assert_num_queries(PICKER_QUERIES):
        response = client.get("/shop/checkout/", checkout_data(brand), HTTP_HX_REQUEST="true")

    # then the stores come nearest first, with distance, whether they have it all and the total,
    # and routing's choice is offered first
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(html, "store-option", "data-store-id") == [str(near.pk), str(far.pk)]
    assert text_of(html, "distance") == ["1.0 km", "3.0 km"]
    assert text_of(html, "availability") == ["no stock of BULB-2", "Has all your items"]
    assert text_of(html, "store-total") == ["Total 410.50", "Total 390.50"]
    assert text_of(html, "store-auto") == [f"Let us choose: {far.name} (Nearest store)"]

    # and a Chinese-speaking visitor reads why the near store cannot serve in Chinese
    response = client_for(brand).get(
        "/shop/checkout/", checkout_data(brand), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert text_of(response.content.decode(), "availability")[0] == "BULB-2 库存不足"


def test_the_picker_shows_what_the_order_then_costs_at_a_regional_store(brand):
    # given stores in two regions, each with its own lamp price, and the east one nearer
    east = brand.store("A01", km=1, region="east", stock={brand.lamp: 5, brand.bulb: 5})
    brand.store("B01", km=3, region="north", stock={brand.lamp: 5, brand.bulb: 5})
    regional_price(brand, brand.lamp, "east", "179.90")
    regional_price(brand, brand.lamp, "north", "189.00")
    client = client_for(brand, brand.consumer)

    # when the consumer reads the picker, then places the order at the store it recommends
    picker = client.get("/shop/checkout/", checkout_data(brand), HTTP_HX_REQUEST="true").content.decode()
    placed = client.post("/shop/checkout/", checkout_data(brand))

    # then the total the picker showed for that store is what the order costs
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    assert placed.status_code == 302
    assert order.store_id == east.pk
    assert text_of(picker, "store-total") == ["Total 372.30", "Total 390.50"]
    assert str(order.total_amount) == "372.30"


def test_a_visitor_checks_out_by_phone_and_sees_the_confirmation(brand, django_assert_num_queries):
    # given a store with the lamps and bulbs
    store = brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand)
    with django_assert_num_queries(CHECKOUT_QUERIES):
        client.get("/shop/checkout/")

    # when a visitor without an account orders 2 lamps and a bulb for pick-up, with name and phone
    with django_assert_num_queries(PLACE_QUERIES):
        placed = client.post("/shop/checkout/", checkout_data(brand, name="李娜", phone="13912345678"))
    with django_assert_num_queries(TRACKING_QUERIES):
        response = client.get(placed["Location"])

    # then the order is placed for a new membership of that phone, and the page confirms it
    with tenant_scope(brand.tenant):
        order = Order.objects.select_related("member").get()
    assert (str(order.member.phone), order.member.name, order.status) == ("+8613912345678", "李娜", "routed")
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    html = response.content.decode()
    assert text_of(html, "order-number") == [order.number]
    assert text_of(html, "order-status") == ["Routed"]
    assert text_of(html, "order-store")[0].startswith(store.name)
    assert text_of(html, "order-total") == ["410.50"]
    assert html.count('data-testid="order-line"') == 2
    assert rows(html, "timeline-step", "data-status") == ["routed"]
    assert f"Thank you! Your order {order.number} is placed." in html
    assert 'data-testid="cancel-form"' not in html  # cancelling needs the account of the order's member


def test_the_confirmation_is_only_for_the_browser_that_ordered_or_its_owner(brand, make_user):
    # given an order placed by phone in one browser
    brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    client_for(brand).post("/shop/checkout/", checkout_data(brand, name="李娜", phone="13912345678"))
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    other_consumer = make_user(brand.tenant, Role.CONSUMER, username="+8613700000000")

    # when another browser, then another consumer, open its page
    stranger = client_for(brand).get(f"/shop/orders/{order.pk}/")
    someone_else = client_for(brand, other_consumer).get(f"/shop/orders/{order.pk}/")

    # then the stranger is asked to log in, and the other consumer finds no such order
    assert stranger.status_code == 302
    assert stranger["Location"] == f"/login/?next=/shop/orders/{order.pk}/"
    assert someone_else.status_code == 404


def test_a_signed_in_consumer_checks_out_as_their_membership_and_lists_their_orders(brand, django_assert_num_queries):
    # given a store, and an order of another member
    store = brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand, brand.consumer)
    other = client_for(brand).post("/shop/checkout/", checkout_data(brand, name="李娜", phone="13912345678"))
    assert other.status_code == 302

    # when the signed-in consumer orders (no name or phone asked) and opens their orders
    form = client.get("/shop/checkout/")
    placed = client.post("/shop/checkout/", checkout_data(brand, **{f"qty_{brand.bulb.pk}": "0"}))
    with django_assert_num_queries(LIST_QUERIES):
        mine = client.get("/shop/orders/")

    # then the order is theirs, and their list shows it alone
    with tenant_scope(brand.tenant):
        order = Order.objects.get(member=brand.member)
    assert 'name="phone"' not in form.content.decode()
    assert text_of(form.content.decode(), "ordering-as") == [f"Ordering as {brand.consumer}."]
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    assert (order.store_id, str(order.total_amount)) == (store.pk, "398.00")
    assert rows(mine.content.decode(), "order-row", "data-order-id") == [str(order.pk)]


def test_a_chosen_store_that_cannot_serve_shows_why_and_the_stores_that_can(brand):
    # given a near store without bulbs and a farther one with everything
    near = brand.store("A01", km=1, stock={brand.lamp: 5})
    far = brand.store("B01", km=3, stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand)
    data = checkout_data(brand, name="李娜", phone="13912345678", store=str(near.pk))

    # when the visitor insists on the near store
    refused = client.post("/shop/checkout/", data)

    # then the page says why (422), offers the store that can, keeps what was typed, and no order
    # (nor membership) is placed
    html = refused.content.decode()
    assert refused.status_code == 422
    assert text_of(html, "refusal-detail") == ["The chosen store cannot serve this order: no stock of BULB-2."]
    assert value_of(html, "name") == "李娜"
    chinese = client_for(brand).post("/shop/checkout/", data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert text_of(chinese, "refusal-detail") == ["所选门店无法承接此订单：BULB-2 库存不足。"]
    assert rows(html, "alternative", "value") == [str(far.pk)]
    assert brand.orders() == 0

    # when they pick the store offered
    placed = client.post("/shop/checkout/", {**data, "pick_store": str(far.pk)})

    # then the order goes there, as their choice
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    assert (order.store_id, order.routing_rule) == (far.pk, "customer_choice")


def test_checkout_without_items_or_contact_is_refused_keeping_the_input_and_places_nothing(brand):
    # given a store with stock
    brand.store("A01", stock={brand.lamp: 5})

    # when a visitor submits no items, a name but no phone
    response = client_for(brand).post("/shop/checkout/", {"fulfilment": "pickup", "name": "李娜", "district": "310101"})

    # then the form names what is missing, keeps what was typed, and no order is placed
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one item." in html
    assert "Give your mobile phone number, or log in." in html
    assert (value_of(html, "name"), value_of(html, "district")) == ("李娜", "310101")
    assert brand.orders() == 0


def test_a_try_in_store_checkout_shows_the_visit_times_and_books_the_one_picked(brand):
    # given a showroom offering a 30-minute fitting (two places a slot), and the clock at 10:00
    showroom = brand.store("A01", km=1, capabilities=["pickup", "services"], stock={brand.lamp: 5, brand.bulb: 5})
    with tenant_scope(brand.tenant):
        fitting = make_service(brand.tenant, name="Frame fitting", duration_minutes=30)
        set_store_services(
            tenant=brand.tenant, store=showroom, offerings=[ServiceOffering(service_id=fitting.pk, capacity=2)]
        )
    client = client_for(brand, brand.consumer)
    data = checkout_data(brand, fulfilment="experience", service=str(fitting.pk), visit_date="2026-05-05")

    # when the consumer picks the fitting and tomorrow, then a time, and places the order
    with clock(T0):
        picker = client.get("/shop/checkout/", data, HTTP_HX_REQUEST="true")
        start = dt.datetime(2026, 5, 5, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        placed = client.post(
            "/shop/checkout/", {**data, "slot_store": str(showroom.pk), "slot_start": start.isoformat()}
        )

    # then the picker lists the showroom's times of that day (on its clock), and the order holds
    # the visit booked at the time picked, at that showroom
    html = picker.content.decode()
    assert rows(html, "store-option", "data-store-id") == [str(showroom.pk)]
    times = re.findall(r'<option value="([^"]+)"[^>]*>(\d\d:\d\d) · 2 places left', html)
    assert times[:3] == [
        ("2026-05-05T02:00:00+00:00", "10:00"),
        ("2026-05-05T02:30:00+00:00", "10:30"),
        ("2026-05-05T03:00:00+00:00", "11:00"),
    ]
    assert len(times) == 24  # 10:00 to 21:30, every 30 minutes, the last ending at closing time
    with tenant_scope(brand.tenant):
        order = Order.objects.select_related("booking").get()
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    assert (order.fulfilment, order.store_id, cast(Booking, order.booking).start_at) == (
        "experience",
        showroom.pk,
        start,
    )


# --- cancelling -------------------------------------------------------------------------------


def test_the_consumer_cancels_their_order_from_its_page(brand, django_assert_num_queries):
    # given the consumer's order routed to a store
    store = brand.store("A01", stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 2), store=store)
    client = client_for(brand, brand.consumer)
    page = client.get(f"/shop/orders/{order.pk}/").content.decode()

    # when they cancel it with a reason
    with django_assert_num_queries(CANCEL_QUERIES):
        response = client.post(f"/shop/orders/{order.pk}/cancel/", {"reason": "found it cheaper"})
    after = client.get(response["Location"]).content.decode()

    # then the page offered it, the order is cancelled with its stock released, and the page says so
    assert 'data-testid="cancel-form"' in page
    assert brand.order(order.pk).status == OrderStatus.CANCELLED
    assert brand.stock(store, brand.lamp) == (5, 0)
    assert f"Order {order.number} cancelled." in after
    assert text_of(after, "order-status") == ["Cancelled"]


def too_late(number: str, language: str) -> str:
    """The 409 of a consumer cancelling an accepted order, in `language` (its Chinese comes with the
    next translation round: until then the page says it in English)."""
    with translation.override(language):
        return _("The store has accepted order %(number)s: only the store or HQ can cancel it now.") % {
            "number": number
        }


@pytest.mark.parametrize("steps", [["accept_order"], ["accept_order", "mark_ready"]])
def test_too_late_to_cancel_is_shown_on_the_order_page_in_the_readers_language(brand, steps):
    # given the consumer's order the store has accepted (and perhaps got ready)
    store = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(store)
    order = place(brand, (brand.lamp, 1), store=store)
    for step in steps:
        act(brand, step, order, by=manager)
    before = snapshot(brand, order)
    client = client_for(brand, brand.consumer)
    page = client.get(f"/shop/orders/{order.pk}/").content.decode()

    # when they try to cancel it (a stale page), in English then in Chinese
    english = client.post(f"/shop/orders/{order.pk}/cancel/", {"reason": "too slow"})
    chinese = client.post(f"/shop/orders/{order.pk}/cancel/", {"reason": "too slow"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then the page offered no cancel; the order's page says only the store or HQ can cancel now
    # (409), in each language, without the cancel form, and nothing changed
    assert 'data-testid="cancel-form"' not in page
    assert english.status_code == 409
    assert text_of(english.content.decode(), "action-error") == [
        f"The store has accepted order {order.number}: only the store or HQ can cancel it now."
    ]
    assert 'data-testid="cancel-form"' not in english.content.decode()
    assert chinese.status_code == 409
    assert text_of(chinese.content.decode(), "action-error") == [too_late(order.number, "zh-hans")]
    assert text_of(english.content.decode(), "order-number") == [order.number]
    assert snapshot(brand, order) == before


@pytest.mark.parametrize(
    ("steps", "offered"),
    [
        ([], True),
        ([("reject_order", {"reason": "no staff"})], True),  # unroutable: no store has it
        ([("accept_order", {})], False),
        ([("accept_order", {}), ("mark_ready", {})], False),
        ([("accept_order", {}), ("complete_order", {})], False),
        ([("cancel_order", {"as_staff": True})], False),
    ],
)
def test_the_order_page_offers_cancel_exactly_until_the_store_accepts(brand, steps, offered):
    # given the consumer's order at the only store with lamps, moved on by the store
    store = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(store)
    order = place(brand, (brand.lamp, 1), store=store)
    for step, kwargs in steps:
        act(brand, step, order, by=manager, **kwargs)

    # when the consumer opens its page
    page = client_for(brand, brand.consumer).get(f"/shop/orders/{order.pk}/").content.decode()

    # then the cancel form is there exactly while the consumer may cancel (rules.md 1.8)
    assert ('data-testid="cancel-form"' in page) is offered, brand.order(order.pk).status


def test_another_consumer_cannot_cancel_the_order(brand, make_user):
    # given the consumer's order and another consumer
    store = brand.store("A01", stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1), store=store)
    stranger = make_user(brand.tenant, Role.CONSUMER, username="+8613700000001")
    before = snapshot(brand, order)

    # when the other consumer posts its cancel
    response = client_for(brand, stranger).post(f"/shop/orders/{order.pk}/cancel/")

    # then the order does not exist for them, and nothing changed
    assert response.status_code == 404
    assert snapshot(brand, order) == before
