"""A delivery order's recipient, phone and address (rules.md 1.8, api.md Orders): required for a
delivery, refused for the others, kept on the order, and read by the fulfilling store, HQ and the
customer only: never by a store the order was re-routed away from, nor by another consumer."""

from __future__ import annotations

from typing import Any

import pytest

from members.models import Member
from o2o.choices import Role
from stores.models import Stock
from tests.orders.conftest import DELIVERY, act, body, client_for, place, rows, text_of
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

ADDRESS = DELIVERY["address"]
RECIPIENT = {"recipient": "王芳", "phone": "+8613912345678", "address": ADDRESS}


def test_a_delivery_order_keeps_its_recipient_phone_and_address(brand, shopper):
    # given a store that delivers
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    # when the consumer orders for delivery to a recipient (spaces around, the phone as dialled)
    given = {"recipient": " 王芳 ", "phone": "139 1234 5678", "address": f" {ADDRESS} "}
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), delivery=given), format="json")
    # then the order keeps them trimmed, the phone in E.164, and answers them; no pick-up code
    assert response.status_code == 201, response.content
    assert response.json()["delivery"] == RECIPIENT
    assert response.json()["pickup_code"] is None
    order = brand.order(response.json()["id"])
    assert (order.recipient, order.recipient_phone, order.address, order.pickup_code) == (
        "王芳",
        "+8613912345678",
        ADDRESS,
        "",
    )


@pytest.mark.parametrize(
    ("delivery", "field", "message"),
    [
        (None, "delivery", "Give the recipient, their phone and the address for a delivery."),
        (
            {**DELIVERY, "recipient": " "},
            "delivery.recipient",
            "Give the name of the person who receives the delivery.",
        ),
        ({**DELIVERY, "phone": ""}, "delivery.phone", "Give the recipient's phone number."),
        ({**DELIVERY, "phone": "１３９１２３４５６７８"}, "delivery.phone", "Write the number with the digits 0-9."),
        ({**DELIVERY, "phone": "12345"}, "delivery.phone", "Enter a valid phone number."),
        ({"recipient": "王芳", "phone": "13912345678"}, "delivery.address", "Give the delivery address."),
        ({**DELIVERY, "address": "路" * 301}, "delivery", None),  # the API's bound: 300 characters
    ],
)
def test_a_delivery_without_a_complete_recipient_is_a_400_naming_what_is_missing_and_writes_nothing(
    api, brand, delivery, field, message
):
    # given a store that delivers, and someone ordering by phone
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    before = (snapshot(Stock, brand.tenant), snapshot(Member, brand.tenant))
    order: dict[str, Any] = body(brand, (brand.lamp, 1), name="李娜", phone="13900001111")
    order["delivery"] = delivery
    # when they order for delivery without all of the recipient, phone and address
    response = api(None, brand.tenant).post("/api/v1/orders/", order, format="json")
    # then 400 names the one missing, and nothing is written (no order, no membership)
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    if message is not None:
        assert response.json()["errors"][field] == [message]
    assert brand.orders() == 0
    assert (snapshot(Stock, brand.tenant), snapshot(Member, brand.tenant)) == before


@pytest.mark.parametrize("fulfilment", ["pickup", "experience"])
def test_another_fulfilment_refuses_a_delivery_address(brand, shopper, fulfilment):
    # given a store
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    # when the consumer sends a recipient and address with an order that is not a delivery
    order = body(brand, (brand.lamp, 1), fulfilment=fulfilment, delivery=DELIVERY)
    if fulfilment == "experience":
        order["slot"] = {"service": 1, "start": "2030-01-01T10:00:00+08:00"}
    response = shopper.post("/api/v1/orders/", order, format="json")
    # then 400 naming `delivery` (as a visit slot is refused for an order that is not a visit)
    assert response.status_code == 400
    assert "delivery" in response.json()["errors"]
    assert brand.orders() == 0


def test_the_recipient_is_read_by_the_orders_store_hq_and_the_customer_only(api, brand, shopper, hq_admin, make_user):
    # given a delivery routed to NEAR, whose manager rejects it: it goes to FAR
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    near_manager, far_manager = brand.staff(near), brand.staff(far)
    placed = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    path = f"/api/v1/orders/{placed['id']}/"
    before = api(near_manager, brand.tenant).get(path).json()
    rejected = api(near_manager, brand.tenant).post(f"{path}reject/", {"reason": "no courier"}, format="json")
    stranger = make_user(brand.tenant, Role.CONSUMER, username="+8613700000002")

    # when each reads the order, and the lists
    def read(user: Any) -> Any:
        return api(user, brand.tenant).get(path)

    # then NEAR read it while it was theirs, and no longer: not in the answer to its rejection, not
    # by the order's id, not in its list
    assert before["delivery"] == RECIPIENT
    assert rejected.status_code == 200
    assert (rejected.json()["store"], rejected.json()["delivery"]) == (far.pk, None)
    assert read(near_manager).status_code == 404
    assert api(near_manager, brand.tenant).get("/api/v1/orders/").json()["count"] == 0
    # and FAR's staff, HQ and the customer read it; another consumer finds no such order
    assert read(far_manager).json()["delivery"] == RECIPIENT
    assert read(brand.staff(far, Role.GUIDE)).json()["delivery"] == RECIPIENT
    assert read(hq_admin).json()["delivery"] == RECIPIENT
    assert read(brand.consumer).json()["delivery"] == RECIPIENT
    assert [o["delivery"] for o in api(far_manager, brand.tenant).get("/api/v1/orders/").json()["results"]] == [
        RECIPIENT
    ]
    assert read(stranger).status_code == 404


def test_a_store_the_order_left_never_sees_the_address_on_its_pages(brand, hq):
    # given a delivery placed at NEAR and rejected there: FAR has it now
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    near_manager, far_manager = brand.staff(near), brand.staff(far)
    order = place(brand, (brand.lamp, 1), fulfilment="delivery")
    near_queue = client_for(brand, near_manager).get("/store/orders/").content.decode()
    act(brand, "reject_order", order, by=near_manager, reason="no courier")

    # when each opens their pages
    near_client = client_for(brand, near_manager)
    near_after = near_client.get("/store/orders/").content.decode()
    near_page = near_client.get(f"/store/orders/{order.pk}/")
    far_queue = client_for(brand, far_manager).get("/store/orders/").content.decode()
    far_page = client_for(brand, far_manager).get(f"/store/orders/{order.pk}/").content.decode()
    hq_page = client_for(brand, hq).get(f"/hq/orders/{order.pk}/").content.decode()

    # then NEAR's queue showed it while it was theirs, and has lost it with the address; FAR's queue
    # and page and HQ's page show the recipient, their phone and the address
    assert text_of(near_queue, "address") == [ADDRESS]
    assert ADDRESS not in near_after
    assert "王芳" not in near_after
    assert near_page.status_code == 404
    assert rows(far_queue, "incoming-order") == [order.number]
    for html in (far_queue, far_page, hq_page):
        assert (text_of(html, "recipient"), text_of(html, "recipient-phone")) == (["王芳"], ["+8613912345678"])
        assert text_of(html, "address") == [ADDRESS]


def test_an_anonymous_checkout_reads_its_stores_routing_entry_only_and_hq_reads_them_all(api, brand, hq_admin):
    # given a near store without bulbs, a store that does not deliver, and the one that serves
    empty = brand.store("EMPTY", km=0.5, stock={brand.lamp: 5, brand.bulb: 0})
    pickup_only = brand.store("PICKUP", km=0.8, stock={brand.lamp: 5, brand.bulb: 5}, capabilities=["pickup"])
    served = brand.store("SERVED", km=2.0, stock={brand.lamp: 5, brand.bulb: 5})
    order = body(brand, (brand.lamp, 1), (brand.bulb, 1), name="李娜", phone="13900001111")

    # when someone not signed in orders for delivery
    response = api(None, brand.tenant).post("/api/v1/orders/", order, format="json")

    # then they read the rule and the serving store's entry: no other store, no one's shortage;
    # and what they gave (the recipient and address)
    assert response.status_code == 201, response.content
    routing = response.json()["routing"]
    assert (routing["reason"], routing["store"]) == ("nearest", served.pk)
    assert [(c["store"], c["excluded"], c["detail"]) for c in routing["candidates"]] == [(served.pk, None, "")]
    assert "no stock" not in response.content.decode()
    assert "EMPTY" not in response.content.decode()
    assert response.json()["delivery"] == RECIPIENT
    # and HQ reads the whole record of the order
    record = api(hq_admin, brand.tenant).get(f"/api/v1/orders/{response.json()['id']}/").json()["routing"]
    assert [(c["store"], c["excluded"]) for c in record["candidates"]] == [
        (empty.pk, "no_stock"),
        (pickup_only.pk, "no_capability"),
        (served.pk, None),
    ]
