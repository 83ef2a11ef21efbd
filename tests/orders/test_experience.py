"""Try-in-store orders: the order and its visit are made together (no order without its slot, no
slot without its order), move together, are cancelled together; the check-in makes the order ready."""

from __future__ import annotations

import datetime as dt
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.models import Booking, SlotOccupancy
from bookings.services import book_visit, check_in
from catalog.models import Service
from o2o.tenancy import tenant_scope
from orders.models import Order, OrderEvent
from stores.models import Stock
from stores.services import ServiceOffering, set_store_services
from tests.orders.conftest import body
from tests.stores.factories import make_service, snapshot

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def tomorrow_at(hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.now().astimezone(SHANGHAI).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


SLOT = tomorrow_at(18, 30)


@pytest.fixture
def fitting(brand) -> Service:
    with tenant_scope(brand.tenant):
        return make_service(brand.tenant, name="Frame fitting", duration_minutes=30)


def offering(brand, store, service, capacity: int = 2) -> None:
    with tenant_scope(brand.tenant):
        set_store_services(
            tenant=brand.tenant, store=store, offerings=[ServiceOffering(service_id=service.pk, capacity=capacity)]
        )


def showroom(brand, code: str, km: float, service: Service | None, capacity: int = 2, **stock):
    store = brand.store(code, km=km, capabilities=["pickup", "services"], stock=stock or {brand.lamp: 5, brand.bulb: 5})
    if service is not None:
        offering(brand, store, service, capacity)
    return store


def experience(brand, service, *lines, start=SLOT, **extra):
    return body(
        brand, *lines, fulfilment="experience", slot={"service": service.pk, "start": start.isoformat()}, **extra
    )


def _bookings(brand):
    with tenant_scope(brand.tenant):
        return list(Booking.objects.order_by("pk").values_list("store_id", "status", "start_at"))


def test_an_experience_order_books_its_visit_and_holds_the_items_at_the_store(brand, shopper, fitting):
    # given a showroom offering frame fittings, chosen by the consumer
    store = showroom(brand, "SHOW", 2.0, fitting)
    # when the consumer orders two lamps to try there tomorrow at 18:30
    response = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 2), store=store.pk), format="json"
    )
    # then the order is routed there with its booked visit, and the lamps are held
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["status"], order["store"], order["fulfilment"]) == ("routed", store.pk, "experience")
    assert (order["booking"]["status"], order["booking"]["service"]) == ("booked", fitting.pk)
    assert dt.datetime.fromisoformat(order["booking"]["start"]) == SLOT
    assert _bookings(brand) == [(store.pk, "booked", SLOT.astimezone(dt.UTC))]
    assert brand.stock(store, brand.lamp) == (5, 2)


def test_a_full_slot_is_409_and_nothing_is_written(brand, shopper, fitting):
    # given the showroom's only place at 18:30 is taken
    store = showroom(brand, "SHOW", 2.0, fitting, capacity=1)
    with tenant_scope(brand.tenant):
        book_visit(
            tenant=brand.tenant,
            store=store,
            service=fitting,
            start_at=SLOT,
            member=None,
            name="王芳",
            phone="+8613711112222",
        )
        occupancy = snapshot(SlotOccupancy, brand.tenant)
    before = (snapshot(Stock, brand.tenant), _bookings(brand), brand.orders())
    # when the consumer orders to try lamps in that slot
    response = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 1), store=store.pk), format="json"
    )
    # then 409 slot_full; no order, no booking, no stock held, the slot as it was
    assert (response.status_code, response.json()["code"]) == (409, "slot_full")
    assert (snapshot(Stock, brand.tenant), _bookings(brand), brand.orders()) == before
    assert snapshot(SlotOccupancy, brand.tenant) == occupancy


def test_a_slot_that_is_not_one_is_a_400_naming_slot(brand, shopper, fitting):
    store = showroom(brand, "SHOW", 2.0, fitting)
    response = shopper.post(
        "/api/v1/orders/",
        experience(brand, fitting, (brand.lamp, 1), store=store.pk, start=tomorrow_at(18, 40)),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["slot"]
    assert (brand.orders(), _bookings(brand), brand.stock(store, brand.lamp)) == (0, [], (5, 0))


def test_without_a_chosen_store_the_nearest_store_offering_the_service_serves(api, brand, shopper, fitting, hq_admin):
    # given a nearer showroom that does not offer fittings
    plain = showroom(brand, "PLAIN", 1.0, None)
    fitted = showroom(brand, "FITTED", 3.0, fitting)
    # when the consumer orders a fitting visit without choosing a store
    response = shopper.post("/api/v1/orders/", experience(brand, fitting, (brand.lamp, 1)), format="json")
    # then the store that offers it serves; HQ reads the other excluded, saying why
    assert response.status_code == 201, response.content
    assert (response.json()["store"], response.json()["routing"]["reason"]) == (fitted.pk, "nearest")
    record = api(hq_admin, brand.tenant).get(f"/api/v1/orders/{response.json()['id']}/").json()["routing"]
    assert {c["store"]: (c["excluded"], c["detail"]) for c in record["candidates"]} == {
        plain.pk: ("no_capability", "the store does not offer Frame fitting"),
        fitted.pk: (None, ""),
    }


def test_cancelling_an_experience_order_cancels_its_visit_and_releases_the_items(brand, shopper, fitting):
    store = showroom(brand, "SHOW", 2.0, fitting)
    order = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 2), store=store.pk), format="json"
    ).json()
    response = shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert response.json()["booking"]["status"] == "cancelled"
    assert _bookings(brand) == [(store.pk, "cancelled", SLOT.astimezone(dt.UTC))]
    assert brand.stock(store, brand.lamp) == (5, 0)


@pytest.mark.parametrize("who", ["consumer", "store"])
def test_the_visit_of_an_experience_order_is_not_cancelled_on_its_own(api, brand, shopper, fitting, who):
    # given an experience order at SHOW holding two lamps and a visit
    store = showroom(brand, "SHOW", 2.0, fitting)
    order = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 2), store=store.pk), format="json"
    ).json()
    caller = shopper if who == "consumer" else api(brand.staff(store), brand.tenant)
    # when the consumer, or the store, cancels the visit through the bookings API
    response = caller.post(f"/api/v1/bookings/{order['booking']['id']}/cancel/")
    # then it is refused, naming the order, and the visit, the slot and the held items stay
    assert response.status_code == 409
    assert response.json()["code"] == "held_by_order"
    assert _bookings(brand) == [(store.pk, "booked", SLOT.astimezone(dt.UTC))]
    assert brand.stock(store, brand.lamp) == (5, 2)
    assert shopper.get(f"/api/v1/orders/{order['id']}/").json()["status"] == "routed"
    # and cancelling the order still cancels both
    assert shopper.post(f"/api/v1/orders/{order['id']}/cancel/").json()["booking"]["status"] == "cancelled"


def test_a_rejected_experience_order_moves_with_its_visit(api, brand, shopper, fitting):
    # given an experience order at SHOW, and another store offering fittings
    show = showroom(brand, "SHOW", 2.0, fitting)
    other = showroom(brand, "OTHER", 3.0, fitting)
    order = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 2), store=show.pk), format="json"
    ).json()
    # when SHOW rejects it
    response = api(brand.staff(show), brand.tenant).post(
        f"/api/v1/orders/{order['id']}/reject/", {"reason": "no fitter tomorrow"}, format="json"
    )
    # then the order, its visit at the same time and its items move to OTHER
    assert response.status_code == 200, response.content
    moved = response.json()
    assert moved["store"] == other.pk
    assert (moved["booking"]["status"], dt.datetime.fromisoformat(moved["booking"]["start"])) == ("booked", SLOT)
    assert _bookings(brand) == [
        (show.pk, "cancelled", SLOT.astimezone(dt.UTC)),
        (other.pk, "booked", SLOT.astimezone(dt.UTC)),
    ]
    assert (brand.stock(show, brand.lamp), brand.stock(other, brand.lamp)) == ((5, 0), (5, 2))


def test_the_check_in_of_an_accepted_experience_order_makes_it_ready(
    api, brand, shopper, fitting, django_capture_on_commit_callbacks
):
    # given an accepted experience order
    store = showroom(brand, "SHOW", 2.0, fitting)
    manager = brand.staff(store)
    order = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 1), store=store.pk), format="json"
    ).json()
    assert api(manager, brand.tenant).post(f"/api/v1/orders/{order['id']}/accept/").status_code == 200
    # when the customer checks in at the store ten minutes before the slot
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(brand.tenant):
        booking = Booking.objects.get(pk=order["booking"]["id"])
        check_in(tenant=brand.tenant, booking=booking, by=manager, now=SLOT - dt.timedelta(minutes=10))
    # then the order is ready: the customer is in the store trying the items
    assert brand.order(order["id"]).status == "ready"
    with tenant_scope(brand.tenant):
        assert cast(OrderEvent, Order.objects.get(pk=order["id"]).events.last()).reason == "checked_in"


def test_a_check_in_before_the_store_accepted_leaves_the_order_routed(
    brand, shopper, fitting, django_capture_on_commit_callbacks
):
    store = showroom(brand, "SHOW", 2.0, fitting)
    manager = brand.staff(store)
    order = shopper.post(
        "/api/v1/orders/", experience(brand, fitting, (brand.lamp, 1), store=store.pk), format="json"
    ).json()
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(brand.tenant):
        booking = Booking.objects.get(pk=order["booking"]["id"])
        check_in(tenant=brand.tenant, booking=booking, by=manager, now=SLOT - dt.timedelta(minutes=10))
    assert brand.order(order["id"]).status == "routed"
