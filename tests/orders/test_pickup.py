"""A pick-up order's code and the customer on the store's queue: the code is drawn when the order is
placed (six digits, unique among the brand's orders not yet completed or cancelled), shown to the
customer and to the store; completing with a code checks it (a code given must be the order's, as
a booking's check-in code); the queue shows who ordered, the phone masked."""

from __future__ import annotations

import re
from unittest import mock

import pytest

from o2o.choices import Role
from orders.choices import OrderStatus
from tests.orders.conftest import act, body, client_for, place, rows, snapshot, text_of, value_of

pytestmark = pytest.mark.django_db


def test_a_pickup_order_gets_a_code_the_customer_and_the_store_read(api, brand, shopper):
    # given a store
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    manager = brand.staff(store)
    # when the consumer orders for pick-up
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), fulfilment="pickup"), format="json")
    # then the order has a six-digit code, answered to the consumer, read by the store, never a delivery
    assert response.status_code == 201, response.content
    code = response.json()["pickup_code"]
    assert re.fullmatch(r"\d{6}", code)
    assert (response.json()["delivery"], brand.order(response.json()["id"]).pickup_code) == (None, code)
    assert api(manager, brand.tenant).get(f"/api/v1/orders/{response.json()['id']}/").json()["pickup_code"] == code
    # and the consumer's page, the store's queue and its order page show it
    order_id = response.json()["id"]
    tracking = client_for(brand, brand.consumer).get(f"/shop/orders/{order_id}/").content.decode()
    queue = client_for(brand, manager).get("/store/orders/").content.decode()
    page = client_for(brand, manager).get(f"/store/orders/{order_id}/").content.decode()
    assert text_of(tracking, "pickup-code") == text_of(queue, "pickup-code") == text_of(page, "pickup-code") == [code]


def test_a_code_taken_by_an_open_order_is_drawn_again(brand, shopper):
    # given an open pick-up order holding the code 123456
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    with mock.patch("secrets.randbelow", return_value=123456):
        first = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), fulfilment="pickup"), format="json")
    # when the next order's first draw is the same code, the second another
    draws = iter([123456, 654321])
    with mock.patch("secrets.randbelow", side_effect=lambda n: next(draws)):
        second = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), fulfilment="pickup"), format="json")
    # then each order has its own code, and the second's stock is reserved once
    assert (first.json()["pickup_code"], second.json()["pickup_code"]) == ("123456", "654321")
    assert brand.orders() == 2
    assert brand.stock(store, brand.lamp) == (5, 2)
    # and once the first is completed, its code may be drawn again
    manager = brand.staff(store)
    for action in ("accept_order", "complete_order"):
        act(brand, action, brand.order(first.json()["id"]), by=manager)
    with mock.patch("secrets.randbelow", return_value=123456):
        third = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), fulfilment="pickup"), format="json")
    assert (third.status_code, third.json()["pickup_code"]) == (201, "123456")


def test_completing_with_the_wrong_code_completes_nothing_and_with_the_right_one_or_none_completes(api, brand):
    # given two accepted pick-up orders at a store
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    manager = brand.staff(store)
    mine, other = place(brand, (brand.lamp, 1), store=store), place(brand, (brand.lamp, 1), store=store)
    for order in (mine, other):
        act(brand, "accept_order", order, by=manager)
    staff = api(manager, brand.tenant)
    before = snapshot(brand, mine)

    # when the staff scan the other order's code to complete this one
    wrong = staff.post(f"/api/v1/orders/{mine.pk}/complete/", {"pickup_code": other.pickup_code}, format="json")

    # then 400 naming the code, and nothing changed
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"pickup_code": ["This pick-up code is not this order's."]}
    assert snapshot(brand, mine) == before

    # when they give its own code, or none (the staff's word)
    right = staff.post(f"/api/v1/orders/{mine.pk}/complete/", {"pickup_code": mine.pickup_code}, format="json")
    without = staff.post(f"/api/v1/orders/{other.pk}/complete/")

    # then both are completed
    assert (right.status_code, right.json()["status"]) == (200, "completed")
    assert (without.status_code, without.json()["status"]) == (200, "completed")


def test_the_store_page_refuses_a_wrong_code_keeping_it_and_completes_with_the_right_one(brand):
    # given an accepted pick-up order, on its page at the store
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    manager = brand.staff(store)
    order = place(brand, (brand.lamp, 2), store=store)
    act(brand, "accept_order", order, by=manager)
    client = client_for(brand, manager)
    before = snapshot(brand, order)
    wrong_code = "999999" if order.pickup_code != "999999" else "111111"

    # when the manager completes it with a wrong code, then with its code (from the queue, by htmx)
    data = {"page": "detail", "action": "complete", "pickup_code": wrong_code}
    refused = client.post(f"/store/orders/{order.pk}/action/", data)
    refused_state = snapshot(brand, order)
    done = client.post(
        f"/store/orders/{order.pk}/action/",
        {"action": "complete", "pickup_code": order.pickup_code},
        HTTP_HX_REQUEST="true",
    )

    # then the page says the code is not the order's (400), keeps it, and nothing changed; the right
    # code completes it and the stock leaves the store
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "This pick-up code is not this order&#x27;s." in html
    assert value_of(html, "pickup_code") == wrong_code
    assert refused_state == before
    assert done.status_code == 200
    assert f"Order {order.number} completed." in done.content.decode()
    assert brand.order(order.pk).status == OrderStatus.COMPLETED
    assert brand.stock(store, brand.lamp) == (3, 0)


def test_the_queue_shows_the_customer_with_the_phone_masked_and_each_delivery_and_code(brand):
    # given a pick-up and a delivery of the consumer (张伟, +86 138 0013 8000) at the store
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    pickup = place(brand, (brand.lamp, 1), store=store)
    delivery = place(brand, (brand.lamp, 1), store=store, fulfilment="delivery")

    # when a guide of the store opens the queue
    html = client_for(brand, brand.staff(store, Role.GUIDE)).get("/store/orders/").content.decode()

    # then each order shows the customer's name and masked phone; the pick-up its code, the
    # delivery its recipient, their phone and the address
    assert rows(html, "incoming-order") == [pickup.number, delivery.number]
    assert text_of(html, "customer-name") == ["张伟", "张伟"]
    assert text_of(html, "customer-phone") == ["138****8000", "138****8000"]
    assert "+8613800138000" not in html
    assert text_of(html, "pickup-code") == [pickup.pickup_code]
    assert text_of(html, "recipient") == ["王芳"]
    assert text_of(html, "address") == [delivery.address]
