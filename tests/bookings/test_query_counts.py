"""Constant query counts of every bookings page that lists or acts: each costs the pinned number of
queries with one booking in the brand and with many (more bookings on the same day, of the same
consumer, at the same store), so that no page reads a row at a time.

Counts are PostgreSQL's, of a request in the test's transaction (the tenant's scope sets and clears
its `set_config`). Checking a booking in, or marking a no-show, on the store's pages reads the
reader's store post once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import clock, offer
from tests.bookings.pages import book, utc
from tests.pages import client_for

pytestmark = pytest.mark.django_db

MANY = 12


@dataclass
class World:
    tenant: Any
    store: Any
    service: Any
    member: Any
    shop: Client
    staff: Client
    hq: Client
    phones: Any

    def booking(self, start: dt.datetime = SLOT, *, own: bool = True) -> Booking:
        """A booking of the store at `start`, the consumer's (`own`) or a guest's."""
        if own:
            return book(self.tenant, self.store, self.service, start, member=self.member, name="李娜", phone="")
        return book(self.tenant, self.store, self.service, start, phone=next(self.phones))

    def grow(self) -> None:
        """MANY more bookings on the same day: half the consumer's, half guests', at every slot."""
        starts = [SLOT + dt.timedelta(minutes=30 * n) for n in range(4)]
        for n in range(MANY):
            self.booking(starts[n % 4], own=n % 2 == 0)


@pytest.fixture
def world(tenant, store, service, consumer, member, manager, hq_admin) -> World:
    with tenant_scope(tenant):
        offer(tenant, store, (service, 50))
    return World(
        tenant,
        store,
        service,
        member,
        client_for(tenant, consumer),
        client_for(tenant, manager),
        client_for(tenant, hq_admin),
        iter(f"+86139000{n:05d}" for n in range(1, 1000)),
    )


# name -> queries (PostgreSQL; each page's request is in CASES)
QUERIES = {
    "book: service": 10,  # the tenant, its scope (savepoint, set, clear, release), session, user, roles, 2 reads
    "book: store": 10,
    "book: slots": 10,  # ... the offering with its store and service, the slots' places
    "book: confirm page": 10,
    "book: confirm": 25,  # ... savepoints, served-by, the slot's row and place, the booking, its event and delivery
    "my bookings": 9,
    "my booking": 9,
    "cancel": 18,
    "reschedule page": 11,
    "reschedule": 22,
    "store day": 12,
    "store check-in by code": 21,  # ... the events and their deliveries (orders: ready; attribution: a visit)
    "store check-in": 21,
    "store no-show": 16,
    "store booking": 12,
    "store cancel": 18,
    "hq bookings": 14,  # ... the filters' stores, territories and services, the rates, the count, the page
    "hq booking": 11,
    "hq check-in": 20,
}

# name -> (the clock, the request on a booking of the store, its status)
CASES: dict[str, tuple[dt.datetime, Callable[[World, Booking], Any], int]] = {
    # the consumer's booking steps
    "book: service": (NOW, lambda w, b: w.shop.get("/book/"), 200),
    "book: store": (NOW, lambda w, b: w.shop.get(f"/book/store/?service={w.service.pk}&lat=31.23&lng=121.47"), 200),
    "book: slots": (NOW, lambda w, b: w.shop.get(f"/book/slots/?service={w.service.pk}&store={w.store.pk}"), 200),
    "book: confirm page": (
        NOW,
        lambda w, b: w.shop.get("/book/confirm/", {"service": w.service.pk, "store": w.store.pk, "start": utc(SLOT)}),
        200,
    ),
    "book: confirm": (
        NOW,
        lambda w, b: w.shop.post(
            "/book/confirm/",
            {"service": w.service.pk, "store": w.store.pk, "start": utc(SLOT), "token": f"t{b.pk}"}
            | {"name": "李娜", "phone": "+8613800138000"},
        ),
        302,
    ),
    # my bookings, cancel, reschedule
    "my bookings": (NOW, lambda w, b: w.shop.get("/bookings/"), 200),
    "my booking": (NOW, lambda w, b: w.shop.get(f"/bookings/{b.pk}/"), 200),
    "cancel": (NOW, lambda w, b: w.shop.post(f"/bookings/{b.pk}/cancel/"), 302),
    "reschedule page": (NOW, lambda w, b: w.shop.get(f"/bookings/{b.pk}/reschedule/"), 200),
    "reschedule": (NOW, lambda w, b: w.shop.post(f"/bookings/{b.pk}/reschedule/", {"start": utc(NEXT_SLOT)}), 302),
    # the store's day, its check-in and no-show, one booking of the store
    "store day": (SLOT, lambda w, b: w.staff.get("/store/today/"), 200),
    "store check-in by code": (SLOT, lambda w, b: w.staff.post("/store/today/", {"code": b.check_in_code}), 302),
    "store check-in": (
        SLOT,
        lambda w, b: w.staff.post(f"/store/today/bookings/{b.pk}/check-in/", HTTP_HX_REQUEST="true"),
        200,
    ),
    "store no-show": (
        SLOT + dt.timedelta(hours=1),
        lambda w, b: w.staff.post(f"/store/today/bookings/{b.pk}/no-show/", HTTP_HX_REQUEST="true"),
        200,
    ),
    "store booking": (NOW, lambda w, b: w.staff.get(f"/store/bookings/{b.pk}/"), 200),
    "store cancel": (NOW, lambda w, b: w.staff.post(f"/store/bookings/{b.pk}/action/", {"action": "cancel"}), 302),
    # HQ's bookings and show-up rates, one booking of the brand
    "hq bookings": (SLOT + dt.timedelta(days=1), lambda w, b: w.hq.get("/hq/bookings/"), 200),
    "hq booking": (NOW, lambda w, b: w.hq.get(f"/hq/bookings/{b.pk}/"), 200),
    "hq check-in": (SLOT, lambda w, b: w.hq.post(f"/hq/bookings/{b.pk}/action/", {"action": "check_in"}), 302),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_bookings_page_costs_the_same_queries_for_one_booking_and_for_many(
    name, world, django_assert_num_queries
):
    at, call, status = CASES[name]
    expected = QUERIES[name]
    # given one booking of the consumer: the page costs the pinned count
    first = world.booking()
    with clock(at), django_assert_num_queries(expected):
        assert call(world, first).status_code == status
    # when the brand has many more that day (the consumer's and guests', at every slot)
    second = world.booking()
    world.grow()
    # then the same page on another of them costs the same
    with clock(at), django_assert_num_queries(expected):
        assert call(world, second).status_code == status


@pytest.mark.parametrize("name", ["store check-in", "store check-in by code", "store no-show"])
def test_acting_on_the_store_page_reads_the_staff_post_once(name, world):
    at, call, status = CASES[name]
    booking = world.booking()
    world.grow()
    with clock(at), CaptureQueriesContext(connection) as captured:
        assert call(world, booking).status_code == status
    staff_queries = [q["sql"] for q in captured.captured_queries if '"stores_storestaff"' in q["sql"]]
    assert len(staff_queries) == 1, staff_queries
