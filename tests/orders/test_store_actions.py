"""The store's side through the API: accept, reject (re-routes with the stock), ready, complete,
cancel, HQ's manual assignment; illegal transitions are 409 and change nothing."""

from __future__ import annotations

from typing import cast

import pytest

from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.models import Order, OrderEvent
from stores.models import Stock
from tests.orders.conftest import body
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stores(brand):
    """NEAR (1 km) and FAR (3 km), each with 5 lamps and 10 bulbs; NEAR's manager."""
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5, brand.bulb: 10})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5, brand.bulb: 10})
    return near, far


def _place(brand, shopper, *lines, **extra) -> dict:
    response = shopper.post("/api/v1/orders/", body(brand, *lines, **extra), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _state(brand, order_id: int) -> dict:
    with tenant_scope(brand.tenant):
        return {
            "order": Order.objects.filter(pk=order_id).values().get(),
            "events": list(OrderEvent.objects.filter(order_id=order_id).values_list("from_status", "to_status")),
            "stock": snapshot(Stock, brand.tenant),
        }


def test_accept_ready_complete_takes_the_stock_off_on_hand_and_reserved(api, brand, shopper, two_stores):
    # given an order of 2 lamps and 3 bulbs routed to NEAR
    near, _far = two_stores
    manager = api(brand.staff(near), brand.tenant)
    order = _place(brand, shopper, (brand.lamp, 2), (brand.bulb, 3))
    assert (brand.stock(near, brand.lamp), brand.stock(near, brand.bulb)) == ((5, 2), (10, 3))
    # when NEAR's manager accepts it, marks it ready and completes it
    accepted = manager.post(f"/api/v1/orders/{order['id']}/accept/")
    ready = manager.post(f"/api/v1/orders/{order['id']}/ready/")
    completed = manager.post(f"/api/v1/orders/{order['id']}/complete/")
    # then each answers the order in its new status, and the goods left the store's stock
    assert [r.status_code for r in (accepted, ready, completed)] == [200, 200, 200]
    assert [r.json()["status"] for r in (accepted, ready, completed)] == ["accepted", "ready", "completed"]
    assert completed.json()["completed_at"] is not None
    assert (brand.stock(near, brand.lamp), brand.stock(near, brand.bulb)) == ((3, 0), (7, 0))
    assert _state(brand, order["id"])["events"] == [
        ("placed", "routed"),
        ("routed", "accepted"),
        ("accepted", "ready"),
        ("ready", "completed"),
    ]


def test_an_accepted_order_may_be_completed_without_ready(api, brand, shopper, two_stores):
    near, _far = two_stores
    manager = api(brand.staff(near), brand.tenant)
    order = _place(brand, shopper, (brand.lamp, 1))
    manager.post(f"/api/v1/orders/{order['id']}/accept/")
    response = manager.post(f"/api/v1/orders/{order['id']}/complete/")
    assert (response.status_code, response.json()["status"]) == (200, "completed")
    assert brand.stock(near, brand.lamp) == (4, 0)


def test_a_reject_moves_the_order_and_its_reservation_to_the_next_store(api, brand, shopper, two_stores):
    # given an order of 2 lamps routed to NEAR
    near, far = two_stores
    order = _place(brand, shopper, (brand.lamp, 2))
    # when NEAR's guide rejects it
    response = api(brand.staff(near, Role.GUIDE), brand.tenant).post(
        f"/api/v1/orders/{order['id']}/reject/", {"reason": "no courier today"}, format="json"
    )
    # then it is routed to FAR, the reservation moved there, and NEAR is excluded as declined; the
    # answer no longer shows NEAR the customer's recipient and address, nor the other stores
    assert response.status_code == 200, response.content
    moved = response.json()
    assert (moved["status"], moved["store"], moved["declined_stores"]) == ("routed", far.pk, [near.pk])
    assert [(c["store"], c["excluded"]) for c in moved["routing"]["candidates"]] == [(far.pk, None)]
    assert moved["delivery"] is None
    assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((5, 0), (5, 2))
    with tenant_scope(brand.tenant):
        event = cast(OrderEvent, OrderEvent.objects.filter(order_id=order["id"]).last())
        assert (event.from_status, event.to_status, event.store_id, event.reason, event.rule, event.note) == (
            "routed",
            "routed",
            near.pk,
            "rejected",
            "nearest",
            "no courier today",
        )
    # and NEAR's manager no longer sees it; FAR's does
    assert api(brand.staff(near), brand.tenant).get(f"/api/v1/orders/{order['id']}/").status_code == 404
    assert api(brand.staff(far), brand.tenant).get(f"/api/v1/orders/{order['id']}/").status_code == 200


def test_when_every_store_rejected_the_order_is_unroutable_its_stock_released_and_hq_sees_it(
    api, brand, shopper, two_stores, hq_admin
):
    # given an order routed to NEAR, then rejected by NEAR and by FAR
    near, far = two_stores
    order = _place(brand, shopper, (brand.lamp, 2))
    api(brand.staff(near), brand.tenant).post(f"/api/v1/orders/{order['id']}/reject/", {"reason": "busy"})
    response = api(brand.staff(far), brand.tenant).post(f"/api/v1/orders/{order['id']}/reject/", {"reason": "busy"})
    # then it is unroutable, with no store and nothing reserved anywhere
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["store"]) == ("unroutable", None)
    assert response.json()["accept_by"] is None
    assert sorted(response.json()["declined_stores"]) == sorted([near.pk, far.pk])
    assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((5, 0), (5, 0))
    # and HQ finds it in the unroutable queue
    listed = api(hq_admin, brand.tenant).get("/api/v1/orders/", {"status": "unroutable"}).json()
    assert [row["id"] for row in listed["results"]] == [order["id"]]


def test_hq_assigns_an_unroutable_order_to_a_store_with_stock(api, brand, shopper, two_stores, hq_admin):
    # given an unroutable order (both stores rejected it) and a third store with lamps
    near, far = two_stores
    order = _place(brand, shopper, (brand.lamp, 2))
    for store in (near, far):
        api(brand.staff(store), brand.tenant).post(f"/api/v1/orders/{order['id']}/reject/", {"reason": "busy"})
    third = brand.store("THIRD", km=9.0, stock={brand.lamp: 2})
    # when HQ assigns it to the third store
    response = api(hq_admin, brand.tenant).post(f"/api/v1/orders/{order['id']}/assign/", {"store": third.pk})
    # then it is routed there by hand, with the stock reserved there
    assert response.status_code == 200, response.content
    assigned = response.json()
    assert (assigned["status"], assigned["store"], assigned["routing"]["reason"]) == ("routed", third.pk, "manual")
    assert assigned["accept_by"] is not None
    assert brand.stock(third, brand.lamp) == (2, 2)


def test_assigning_to_a_store_without_the_stock_is_409_and_changes_nothing(api, brand, shopper, two_stores, hq_admin):
    near, far = two_stores
    order = _place(brand, shopper, (brand.lamp, 2))
    for store in (near, far):
        api(brand.staff(store), brand.tenant).post(f"/api/v1/orders/{order['id']}/reject/", {"reason": "busy"})
    poor = brand.store("POOR", km=1.0, stock={brand.lamp: 1})
    before = _state(brand, order["id"])
    response = api(hq_admin, brand.tenant).post(f"/api/v1/orders/{order['id']}/assign/", {"store": poor.pk})
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["detail"]) == (
        "no_stock",
        "POOR cannot take this order: no stock of LAMP-1.",
    )
    assert _state(brand, order["id"]) == before


def test_cancel_by_the_consumer_releases_the_reservation(brand, shopper, two_stores):
    near, _far = two_stores
    order = _place(brand, shopper, (brand.lamp, 2), (brand.bulb, 1))
    response = shopper.post(f"/api/v1/orders/{order['id']}/cancel/", {"reason": "changed my mind"})
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert response.json()["cancelled_at"] is not None
    assert (brand.stock(near, brand.lamp), brand.stock(near, brand.bulb)) == ((5, 0), (10, 0))


@pytest.mark.parametrize("steps", [["accept"], ["accept", "ready"]])
def test_a_consumer_cannot_cancel_once_the_store_accepted_but_the_store_can(api, brand, shopper, two_stores, steps):
    # given an order the store has accepted (and perhaps got ready)
    near, _far = two_stores
    manager = api(brand.staff(near), brand.tenant)
    order = _place(brand, shopper, (brand.lamp, 1))
    for step in steps:
        assert manager.post(f"/api/v1/orders/{order['id']}/{step}/").status_code == 200
    before = _state(brand, order["id"])
    # when the consumer cancels: 409 saying the store has it, nothing changed
    response = shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["status"]) == (
        "illegal_transition",
        brand.order(order["id"]).status,
    )
    assert response.json()["detail"] == (
        f"The store has accepted order {order['number']}: only the store or HQ can cancel it now."
    )
    assert _state(brand, order["id"]) == before
    # when the store cancels: done, and the reservation released
    response = manager.post(f"/api/v1/orders/{order['id']}/cancel/")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert brand.stock(near, brand.lamp) == (5, 0)


@pytest.mark.parametrize(
    ("path", "setup"),
    [
        ("accept", ["accept"]),  # accepting twice
        ("ready", []),  # ready before accepted
        ("complete", []),  # complete a routed order
        ("reject", ["accept"]),  # reject after accepting
        ("accept", ["cancel"]),  # accept a cancelled order
        ("complete", ["accept", "complete"]),  # complete twice
        ("cancel", ["accept", "complete"]),  # cancel a completed order
        ("assign", []),  # assign an order that is routed, not unroutable
    ],
)
def test_an_illegal_transition_is_409_and_changes_nothing(api, brand, shopper, two_stores, hq_admin, path, setup):
    # given an order taken through `setup` by HQ
    order = _place(brand, shopper, (brand.lamp, 1))
    hq = api(hq_admin, brand.tenant)
    for step in setup:
        assert hq.post(f"/api/v1/orders/{order['id']}/{step}/").status_code == 200
    before = _state(brand, order["id"])
    # when HQ tries a transition its status does not allow
    payload = {"reason": "x"} if path == "reject" else {"store": two_stores[1].pk} if path == "assign" else {}
    response = hq.post(f"/api/v1/orders/{order['id']}/{path}/", payload, format="json")
    # then 409 illegal_transition naming the status, and nothing changed (order, events, stock)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["status"] == before["order"]["status"]
    assert _state(brand, order["id"]) == before


def test_another_stores_staff_and_another_consumer_do_not_see_the_order(api, brand, shopper, two_stores, make_user):
    # given an order routed to NEAR
    _near, far = two_stores
    order = _place(brand, shopper, (brand.lamp, 1))
    before = _state(brand, order["id"])
    stranger = make_user(brand.tenant, Role.CONSUMER, username="+8613900000000")
    # then FAR's manager and another consumer get 404 for it, and it stays as it was
    assert api(brand.staff(far), brand.tenant).post(f"/api/v1/orders/{order['id']}/accept/").status_code == 404
    assert api(stranger, brand.tenant).post(f"/api/v1/orders/{order['id']}/cancel/").status_code == 404
    assert api(stranger, brand.tenant).get(f"/api/v1/orders/{order['id']}/").status_code == 404
    assert _state(brand, order["id"]) == before


def test_a_reject_needs_a_reason(api, brand, shopper, two_stores):
    near, _far = two_stores
    order = _place(brand, shopper, (brand.lamp, 1))
    before = _state(brand, order["id"])
    response = api(brand.staff(near), brand.tenant).post(f"/api/v1/orders/{order['id']}/reject/", {}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert _state(brand, order["id"]) == before


def test_a_409_speaks_the_callers_language(api, brand, shopper, two_stores, hq_admin):
    # given a cancelled order
    order = _place(brand, shopper, (brand.lamp, 1))
    hq = api(hq_admin, brand.tenant)
    assert hq.post(f"/api/v1/orders/{order['id']}/cancel/").status_code == 200
    # when a Chinese-speaking HQ accepts it
    response = hq.post(f"/api/v1/orders/{order['id']}/accept/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the refusal is in Chinese (the status by its Chinese label), the code unchanged
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["status"]) == ("illegal_transition", "cancelled")
    assert response.json()["detail"] == f"订单 {order['number']} 当前状态为“已取消”，无法接单。"
    # and in English it reads as before
    response = hq.post(f"/api/v1/orders/{order['id']}/accept/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["detail"] == f"Cannot accept order {order['number']}: it is cancelled."
