"""The domain events orders records for the higher apps (orders/events.py): each with its change,
once, with ids in its payload; none for a refused change."""

from __future__ import annotations

import pytest

from bookings.events import BOOKING_CANCELLED, BOOKING_MADE
from o2o.events.models import Event
from o2o.tenancy import tenant_scope
from orders.events import ORDER_CANCELLED, ORDER_COMPLETED, ORDER_PLACED, ORDER_REFUNDED
from tests.orders.conftest import body
from tests.orders.test_experience import experience, showroom
from tests.stores.factories import make_service

pytestmark = pytest.mark.django_db


def recorded(brand) -> list[tuple[str, dict]]:
    with tenant_scope(brand.tenant):
        return list(Event.objects.filter(tenant=brand.tenant).order_by("pk").values_list("name", "payload"))


def test_placing_completing_and_refunding_an_order_records_each_event_once(api, brand, shopper):
    # given a store and its manager
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    manager = api(brand.staff(store), brand.tenant)
    # when an order is placed, accepted, completed and partly refunded
    order = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json").json()
    assert recorded(brand) == [(ORDER_PLACED, {"order_id": order["id"]})]
    manager.post(f"/api/v1/orders/{order['id']}/accept/")
    manager.post(f"/api/v1/orders/{order['id']}/complete/")
    refund = manager.post(
        f"/api/v1/orders/{order['id']}/refund/",
        {"lines": [{"line": order["lines"][0]["id"], "quantity": 1}]},
        format="json",
    ).json()
    # then placed, completed and refunded were each recorded once (accepting tells no one)
    assert recorded(brand) == [
        (ORDER_PLACED, {"order_id": order["id"]}),
        (ORDER_COMPLETED, {"order_id": order["id"]}),
        (ORDER_REFUNDED, {"order_id": order["id"], "refund_id": refund["id"]}),
    ]


def test_a_cancellation_is_recorded_once_and_a_refused_order_or_cancellation_never(brand, shopper):
    # given a store with one lamp
    brand.store("NEAR", km=1.0, stock={brand.lamp: 1})
    # when an order for two lamps is refused (422), and one for a lamp is placed and cancelled twice
    refused = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json")
    order = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
    again = shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
    # then only the placed order and its cancellation were recorded, once each
    assert (refused.status_code, again.status_code) == (422, 409)
    assert recorded(brand) == [
        (ORDER_PLACED, {"order_id": order["id"]}),
        (ORDER_CANCELLED, {"order_id": order["id"]}),
    ]


def test_an_experience_order_records_its_visit_made_and_cancelled_with_it(brand, shopper):
    # given a showroom offering fittings
    with tenant_scope(brand.tenant):
        fitting = make_service(brand.tenant, name="Frame fitting", duration_minutes=30)
    fitting_store = showroom(brand, "SHOW", 2.0, fitting)
    # when the consumer orders a lamp to try there, then cancels the order
    order = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 1), store=fitting_store.pk), format="json"
    ).json()
    shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
    # then the visit was recorded made with the order, and cancelled with it
    booking_id = order["booking"]["id"]
    assert recorded(brand) == [
        (BOOKING_MADE, {"booking_id": booking_id}),
        (ORDER_PLACED, {"order_id": order["id"]}),
        (BOOKING_CANCELLED, {"booking_id": booking_id}),
        (ORDER_CANCELLED, {"order_id": order["id"]}),
    ]
