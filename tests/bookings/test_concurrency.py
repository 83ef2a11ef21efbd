"""Capacity under real concurrency (rules.md 2.3): transactions in parallel threads, each with its
own PostgreSQL connection, through the whole HTTP stack; never over capacity, never a deadlock."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest

from bookings.models import Booking, SlotOccupancy
from bookings.services import book_visit
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import clock, occupancy, offer

pytestmark = pytest.mark.postgres


def test_twenty_concurrent_bookings_of_a_slot_for_two_give_two_bookings(api, tenant, store, service, run_concurrently):
    # given a slot with room for two, and twenty guests with their own phones (handed out under a
    # lock: a generator's next() in two threads at once raises "generator already executing")
    phones = iter(f"+86138{n:08d}" for n in range(20))
    handing_out = threading.Lock()

    def book():
        with handing_out:
            phone = next(phones)
        body = {
            "store": store.pk,
            "service": service.pk,
            "start": SLOT.isoformat(),
            "name": "张伟",
            "phone": phone,
        }
        return api(None, tenant).post("/api/v1/bookings/", body, format="json")

    # when they all book it at the same moment
    with clock(NOW):
        responses = run_concurrently(20, book)
    # then exactly two succeed, eighteen are told the slot is full, and the slot shows none left
    assert sorted(r.status_code for r in responses) == [201] * 2 + [409] * 18
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"slot_full"}
    assert occupancy(tenant, store, service) == {SLOT: (2, 2)}
    with tenant_scope(tenant):
        assert sorted(Booking.objects.values_list("pk", flat=True)) == sorted(
            r.json()["id"] for r in responses if r.status_code == 201
        )


def test_opposite_concurrent_reschedules_never_deadlock(api, tenant, store, service, hq_staff, run_concurrently):
    # given ten bookings at 10:00 and ten at 10:30, with room for twenty in each slot
    with tenant_scope(tenant):
        offer(tenant, store, (service, 20))
    numbers = itertools.count()
    bookings = [
        book_in(tenant, store, service, start, f"+86139{next(numbers):08d}")
        for start in (SLOT, NEXT_SLOT)
        for _ in range(10)
    ]
    moves = iter([(b.pk, NEXT_SLOT if b.start_at == SLOT else SLOT) for b in bookings])

    def move():
        booking_id, start = next(moves)
        return api(hq_staff, tenant).post(
            f"/api/v1/bookings/{booking_id}/reschedule/", {"start": start.isoformat()}, format="json"
        )

    # when HQ moves each to the other slot, all at the same moment (opposite lock orders, were the
    # rows not locked in primary-key order)
    with clock(NOW):
        responses = run_concurrently(20, move)
    # then every move succeeded (no deadlock error, no 500) and each slot holds ten again
    assert [r.status_code for r in responses] == [200] * 20
    assert occupancy(tenant, store, service) == {SLOT: (10, 20), NEXT_SLOT: (10, 20)}
    with tenant_scope(tenant):
        assert SlotOccupancy.objects.count() == 2


def book_in(tenant, store, service, start: dt.datetime, phone: str) -> Booking:
    with tenant_scope(tenant):
        return book_visit(
            tenant=tenant, store=store, service=service, start_at=start, member=None, name="王芳", phone=phone, now=NOW
        )
