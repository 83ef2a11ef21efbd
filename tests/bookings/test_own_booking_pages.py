"""The consumer's own bookings: cancel and reschedule with the cut-off, someone else's booking; and
the walk-in the store's QR code records.

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.choices import BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from o2o.visitors import VISITOR_COOKIE
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import clock, occupancy
from tests.bookings.pages import book, reload, snapshot, utc
from tests.pages import client_for, elements, text, texts

pytestmark = pytest.mark.django_db


# --- cancel and reschedule ----------------------------------------------------------------------


def test_cancelling_before_the_cut_off_frees_the_place(tenant, store, service, consumer, member):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    client = client_for(tenant, consumer)
    # when the consumer cancels on Friday
    with clock(NOW):
        response = client.post(f"/bookings/{booking.pk}/cancel/")
        page = client.get(response["Location"])
    # then the booking is cancelled and its place free again
    assert response.status_code == 302
    assert reload(tenant, booking).status == BookingStatus.CANCELLED
    assert occupancy(tenant, store, service) == {SLOT: (0, 2)}
    assert text(page, "status") == "Cancelled"
    assert elements(page, "check-in-code") == []


def test_cancelling_after_the_cut_off_shows_the_message_and_changes_nothing(tenant, store, service, consumer, member):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    client = client_for(tenant, consumer)
    before = snapshot(tenant)
    late = SLOT - dt.timedelta(minutes=119)
    # given the booking page 119 minutes before the start: no cancel button any more
    with clock(late):
        page = client.get(f"/bookings/{booking.pk}/")
    assert elements(page, "cancel") == []
    assert text(page, "too-late").startswith("It is too late to cancel or change this booking online")
    # when the consumer posts the cancel anyway (a page left open)
    with clock(late):
        response = client.post(f"/bookings/{booking.pk}/cancel/")
    # then the page says why, and nothing changed
    assert response.status_code == 409
    assert text(response, "action-error") == "A booking can be cancelled until 120 minutes before it starts."
    assert snapshot(tenant) == before


def test_the_visit_of_a_try_in_store_order_is_cancelled_with_its_order_not_here(
    tenant, store, service, consumer, member
):
    # given the visit a try-in-store order booked (the orders app books it with `for_order`)
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="", for_order=True)
    client = client_for(tenant, consumer)
    before = snapshot(tenant)
    # when the consumer opens its page: it says so, and offers no cancel button (a new time, yes)
    with clock(NOW):
        page = client.get(f"/bookings/{booking.pk}/")
    assert text(page, "held-by-order") == (
        "This visit belongs to your try-in-store order: cancelling the order cancels the visit."
    )
    assert elements(page, "cancel") == []
    assert len(elements(page, "reschedule")) == 1
    # and when they post the cancel anyway, the page says why, and nothing changed
    with clock(NOW):
        response = client.post(f"/bookings/{booking.pk}/cancel/")
    assert response.status_code == 409
    assert text(response, "action-error") == (
        "This visit belongs to a try-in-store order: cancel the order to cancel the visit."
    )
    assert snapshot(tenant) == before


def test_rescheduling_moves_the_place_and_a_full_slot_keeps_the_old_one(tenant, store, service, consumer, member):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    client = client_for(tenant, consumer)
    # given the reschedule page: Saturday's slots
    with clock(NOW):
        page = client.get(f"/bookings/{booking.pk}/reschedule/")
    assert page.status_code == 200
    assert texts(page, "slot-remaining")[:2] == ["1 place left", "2 places left"]
    # when the consumer moves to 10:30
    with clock(NOW):
        moved = client.post(f"/bookings/{booking.pk}/reschedule/", {"start": utc(NEXT_SLOT)})
    assert moved.status_code == 302
    assert reload(tenant, booking).start_at == NEXT_SLOT
    assert occupancy(tenant, store, service) == {SLOT: (0, 2), NEXT_SLOT: (1, 2)}
    # when 10:00 fills up and they try to move back
    book(tenant, store, service, SLOT, phone="+8613900000001")
    book(tenant, store, service, SLOT, phone="+8613900000002")
    before = snapshot(tenant)
    with clock(NOW):
        refused = client.post(f"/bookings/{booking.pk}/reschedule/", {"start": utc(SLOT)})
    # then the page says why and the booking keeps its place
    assert refused.status_code == 409
    assert text(refused, "action-error") == "This slot is full."
    assert snapshot(tenant) == before


def test_a_guest_cancels_the_booking_made_in_their_browser_and_nobody_else_can(tenant, store, service):
    # given a guest's booking made through the pages (their browser remembers it)
    guest, stranger = client_for(tenant), client_for(tenant)
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "token": "t1", "name": "赵敏"}
    with clock(NOW):
        made = guest.post("/book/confirm/", body | {"phone": "13900000009"})
    booking_id = int(made["Location"].strip("/").split("/")[-1])
    # when another browser tries, then it does not exist for it
    with clock(NOW):
        refused = stranger.post(f"/bookings/{booking_id}/cancel/")
    assert refused.status_code == 404
    with tenant_scope(tenant):
        assert Booking.objects.get(pk=booking_id).status == BookingStatus.BOOKED
    # when the guest cancels it on its page, then it is cancelled (the consumer who made it)
    with clock(NOW):
        cancelled = guest.post(f"/bookings/{booking_id}/cancel/")
    assert cancelled.status_code == 302
    with tenant_scope(tenant):
        assert Booking.objects.get(pk=booking_id).status == BookingStatus.CANCELLED


def test_someone_elses_booking_page_is_404(tenant, store, service, consumer, member, make_user):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    stranger = make_user(tenant, Role.CONSUMER, username="+8613900000077")
    for path in (f"/bookings/{booking.pk}/", f"/bookings/{booking.pk}/reschedule/"):
        assert client_for(tenant, stranger).get(path).status_code == 404
    assert client_for(tenant, stranger).post(f"/bookings/{booking.pk}/cancel/").status_code == 404
    assert reload(tenant, booking).status == BookingStatus.BOOKED


# --- walk-ins -----------------------------------------------------------------------------------


def test_scanning_the_store_qr_code_records_a_walk_in_once_a_day(tenant, store, consumer, member):
    client = client_for(tenant, consumer)
    client.cookies[VISITOR_COOKIE] = "vid-123"
    # when the consumer scans the store's QR code twice on Friday
    with clock(NOW):
        first = client.get(f"/stores/{store.pk}/visit/")
        second = client.get(f"/stores/{store.pk}/visit/")
    # then they land on the store page, and one walk-in is recorded with their membership and device
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/stores/{store.pk}/"
    with tenant_scope(tenant):
        visits = list(StoreVisit.objects.values_list("store_id", "member_id", "visitor_id", "source", "visited_at"))
    assert visits == [(store.pk, member.pk, "vid-123", VisitSource.WALK_IN, NOW)]


def test_an_anonymous_scan_is_a_walk_in_without_member(tenant, store):
    with clock(NOW):
        response = client_for(tenant).get(f"/stores/{store.pk}/visit/")
    assert response.status_code == 302
    with tenant_scope(tenant):
        assert list(StoreVisit.objects.values_list("member_id", "visitor_id", "source")) == [
            (None, "", VisitSource.WALK_IN)
        ]
