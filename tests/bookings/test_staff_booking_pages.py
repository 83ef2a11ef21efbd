"""One booking's page for the store's staff and for HQ: its facts on the store's clock, and the
actions the reader may take that its status and the clock allow now (check in, mark a no-show,
cancel, reschedule: the store and HQ change a booking at any time, no cut-off).

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.choices import BookingStatus
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import clock, occupancy
from tests.bookings.pages import book, reload, utc
from tests.pages import client_for, elements, text, texts

pytestmark = pytest.mark.django_db


def test_the_store_sees_a_booking_with_what_it_may_do_now(tenant, store, service, guide):
    booking = book(tenant, store, service, SLOT, name="王芳")
    client = client_for(tenant, guide)
    # on Friday: cancel, and a new time among the next two weeks' slots (check-in is not open yet)
    with clock(NOW):
        friday = client.get(f"/store/bookings/{booking.pk}/")
    assert friday.status_code == 200
    assert text(friday, "when") == "Saturday 2026-03-21 10:00–10:30 (Asia/Shanghai)"
    assert (text(friday, "name"), text(friday, "phone"), text(friday, "status")) == ("王芳", "+8613900000001", "Booked")
    assert (elements(friday, "check-in"), len(elements(friday, "cancel"))) == ([], 1)
    assert text(friday, "selected-day") == "Saturday 2026-03-21"
    assert texts(friday, "slot-remaining")[:2] == ["1 place left", "2 places left"]
    # at the start: check-in too; an hour after the slot: the no-show as well
    with clock(SLOT):
        at_start = client.get(f"/store/bookings/{booking.pk}/")
    with clock(SLOT + dt.timedelta(hours=1)):
        later = client.get(f"/store/bookings/{booking.pk}/")
    assert (len(elements(at_start, "check-in")), elements(at_start, "no-show")) == (1, [])
    assert (len(elements(later, "check-in")), len(elements(later, "no-show"))) == (1, 1)
    # and the day's page links to it
    with clock(NOW):
        day = client.get("/store/today/?date=2026-03-21")
    assert elements(day, "name")[0].attrs["href"] == f"/store/bookings/{booking.pk}/"


def test_the_store_cancels_and_moves_a_booking_past_the_consumers_cut_off(tenant, store, service, manager, member):
    moved = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    cancelled = book(tenant, store, service, SLOT, phone="+8613900000009")
    client = client_for(tenant, manager)
    late = SLOT - dt.timedelta(minutes=119)  # too late for the consumer, not for the store
    # when the store moves one to 11:00 and cancels the other, an hour before the start
    with clock(late):
        move = client.post(
            f"/store/bookings/{moved.pk}/action/",
            {"action": "reschedule", "start": utc(NEXT_SLOT + dt.timedelta(minutes=30))},
        )
        cancel = client.post(f"/store/bookings/{cancelled.pk}/action/", {"action": "cancel"})
        page = client.get(cancel["Location"])
    # then both are done, each back on its page with what happened
    assert (move.status_code, move["Location"]) == (302, f"/store/bookings/{moved.pk}/")
    assert reload(tenant, moved).start_at == NEXT_SLOT + dt.timedelta(minutes=30)
    assert reload(tenant, cancelled).status == BookingStatus.CANCELLED
    assert occupancy(tenant, store, service) == {SLOT: (0, 2), NEXT_SLOT + dt.timedelta(minutes=30): (1, 2)}
    assert "The booking of 王芳 is cancelled." in page.content.decode()
    assert (text(page, "status"), elements(page, "cancel")) == ("Cancelled", [])


def test_hq_checks_in_a_booking_of_any_store_from_its_page(tenant, other_store, service, hq_staff):
    booking = book(tenant, other_store, service, SLOT, name="赵敏")
    client = client_for(tenant, hq_staff)
    with clock(NOW):
        listing = client.get("/hq/bookings/")
    link = elements(listing, "booking-link")[0].attrs["href"]
    assert link == f"/hq/bookings/{booking.pk}/"
    with clock(SLOT - dt.timedelta(minutes=5)):
        response = client.post(f"/hq/bookings/{booking.pk}/action/", {"action": "check_in"})
        page = client.get(response["Location"])
    assert reload(tenant, booking).status == BookingStatus.CHECKED_IN
    assert "赵敏 is checked in for Eye exam." in page.content.decode()
    assert text(page, "checked-in-at") == "2026-03-21 09:55"


def test_the_visit_of_an_order_is_not_cancelled_alone_on_the_staff_page(tenant, store, service, manager, member):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="", for_order=True)
    client = client_for(tenant, manager)
    with clock(NOW):
        page = client.get(f"/store/bookings/{booking.pk}/")
        refused = client.post(f"/store/bookings/{booking.pk}/action/", {"action": "cancel"})
    assert elements(page, "cancel") == []
    assert text(page, "held-by-order") == (
        "This visit belongs to a try-in-store order: cancel the order to cancel the visit."
    )
    assert (refused.status_code, refused["X-Page-Error"]) == (409, "held_by_order")
    assert reload(tenant, booking).status == BookingStatus.BOOKED


def test_an_unknown_action_is_a_400_and_another_stores_booking_a_404(tenant, store, other_store, service, manager):
    mine = book(tenant, store, service, SLOT)
    elsewhere = book(tenant, other_store, service, SLOT, phone="+8613900000002")
    client = client_for(tenant, manager)
    with clock(NOW):
        unknown = client.post(f"/store/bookings/{mine.pk}/action/", {"action": "refund"})
        foreign = client.get(f"/store/bookings/{elsewhere.pk}/")
    assert (unknown.status_code, text(unknown, "action-error")) == (400, "Unknown action.")
    assert foreign.status_code == 404
