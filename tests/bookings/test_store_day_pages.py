"""The store's day: bookings by hour on the store's clock, check-in (by click or by the consumer's
code), no-shows, and the calendar's ends.

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from bookings import services
from bookings.choices import BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from catalog.models import Service
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.bookings.conftest import NOW, SLOT
from tests.bookings.factories import bookable_store, clock, hours, offer
from tests.bookings.pages import book, reload
from tests.pages import client_for, elements, text, texts

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


# --- the store's day ----------------------------------------------------------------------------


@pytest.fixture
def berlin(tenant: Tenant, service: Service, make_staff: Callable[[Store, str], User]) -> tuple[Store, User]:
    """A Berlin store open around the clock offering the exam for two, and its manager."""
    with tenant_scope(tenant):
        store = bookable_store(
            tenant, code="BE01", name="Berlin Mitte", timezone="Europe/Berlin", opening_hours=hours(("00:00", "24:00"))
        )
        offer(tenant, store, (service, 2))
    return store, make_staff(store, Role.STORE_MANAGER)


def test_the_store_day_groups_bookings_by_hour_on_the_stores_clock(tenant, service, berlin, member):
    store, manager = berlin
    # given Saturday's bookings in Berlin (UTC+1), one just after its midnight, and the next day's first
    at = {
        name: dt.datetime(2026, 3, 21, h, m, tzinfo=BERLIN)
        for name, h, m in (
            ("Ana", 0, 30),
            ("Ben", 9, 0),
            ("Cleo", 9, 30),
            ("Dan", 9, 30),
            ("Eve", 10, 0),
            ("Finn", 11, 0),
        )
    }
    made = {
        name: book(tenant, store, service, start, name=name, phone=f"+86139000000{i:02d}")
        for i, (name, start) in enumerate(at.items())
    }
    book(tenant, store, service, dt.datetime(2026, 3, 22, 0, 0, tzinfo=BERLIN), name="Gus", phone="+8613900000050")
    with tenant_scope(tenant), clock(NOW):
        services.cancel_booking(tenant=tenant, booking=made["Finn"])
    # and a walk-in at noon, and one after midnight (the next day)
    with tenant_scope(tenant):
        services.record_walk_in(
            tenant=tenant, store=store, member=member, now=dt.datetime(2026, 3, 21, 12, 0, tzinfo=BERLIN)
        )
        services.record_walk_in(
            tenant=tenant, store=store, visitor_id="v-late", now=dt.datetime(2026, 3, 22, 0, 10, tzinfo=BERLIN)
        )
    # when the manager opens the page at 17:30 in Berlin (already Sunday in Shanghai)
    with clock(dt.datetime(2026, 3, 21, 17, 30, tzinfo=BERLIN)):
        response = client_for(tenant, manager).get("/store/today/")
    # then Saturday's bookings are grouped by their hour in Berlin
    assert response.status_code == 200
    assert text(response, "day") == "Saturday 2026-03-21"
    assert texts(response, "hour") == ["00:00", "09:00", "10:00"]
    groups = elements(response, "hour-group")
    assert [g.attrs["data-hour"] for g in groups] == ["00:00", "09:00", "10:00"]
    assert texts(response, "name") == ["Ana", "Ben", "Cleo", "Dan", "Eve"]
    assert texts(response, "time") == ["00:30–01:00", "09:00–09:30", "09:30–10:00", "09:30–10:00", "10:00–10:30"]
    assert text(response, "day-counts") == "5 to come · 0 checked in · 1 cancelled"
    # and each booked one can be checked in (the day is not over) or marked a no-show (its slot ended)
    assert len(elements(response, "check-in")) == 5
    assert len(elements(response, "no-show")) == 5
    # and the walk-in of the day is listed, not the one after midnight
    assert texts(response, "walk-in") == ["12:00 李娜"]


def test_checking_in_from_the_store_day_records_a_visit(tenant, service, berlin, member):
    store, manager = berlin
    booking = book(
        tenant, store, service, dt.datetime(2026, 3, 21, 10, 0, tzinfo=BERLIN), member=member, name="李娜", phone=""
    )
    client = client_for(tenant, manager)
    arrival = dt.datetime(2026, 3, 21, 9, 40, tzinfo=BERLIN)
    # when the manager clicks "check in" (htmx) 20 minutes before the start
    with clock(arrival):
        response = client.post(f"/store/today/bookings/{booking.pk}/check-in/", HTTP_HX_REQUEST="true")
    # then the row comes back checked in, and the visit is recorded with the member
    assert response.status_code == 200
    assert text(response, "status") == "Checked in"
    assert text(response, "row-done") == "Checked in."
    assert elements(response, "check-in") == []
    assert reload(tenant, booking).status == BookingStatus.CHECKED_IN
    with tenant_scope(tenant):
        visit = StoreVisit.objects.get()
    assert (visit.store_id, visit.member_id, visit.booking_id, visit.source, visit.visited_at) == (
        store.pk,
        member.pk,
        booking.pk,
        VisitSource.CHECK_IN,
        arrival,
    )
    # and a second click says why not, and changes nothing
    with clock(arrival):
        again = client.post(f"/store/today/bookings/{booking.pk}/check-in/", HTTP_HX_REQUEST="true")
    assert text(again, "row-error") == "A Checked in booking cannot be checked in."
    with tenant_scope(tenant):
        assert StoreVisit.objects.count() == 1


def test_marking_a_no_show_from_the_store_day(tenant, service, berlin):
    store, manager = berlin
    booking = book(tenant, store, service, dt.datetime(2026, 3, 21, 9, 0, tzinfo=BERLIN), name="Ana")
    client = client_for(tenant, manager)
    # too early: 10 minutes after the slot ended; the day's page says why on the booking's row
    with clock(dt.datetime(2026, 3, 21, 9, 40, tzinfo=BERLIN)):
        early = client.post(f"/store/today/bookings/{booking.pk}/no-show/")
    assert early.status_code == 409
    assert text(early, "day") == "Saturday 2026-03-21"
    assert text(early, "row-error") == "A booking becomes a no-show 30 minutes after its slot ends."
    assert reload(tenant, booking).status == BookingStatus.BOOKED
    # after the grace period: marked, and listed with the no-shows
    with clock(dt.datetime(2026, 3, 21, 10, 0, tzinfo=BERLIN)):
        response = client.post(f"/store/today/bookings/{booking.pk}/no-show/")
        page = client.get(response["Location"])
    assert response["Location"] == "/store/today/?date=2026-03-21"
    assert reload(tenant, booking).status == BookingStatus.NO_SHOW
    # (with a button for her coming late the same day)
    assert texts(page, "no-show-row") == ["09:00 Ana Eye exam · +8613900000001 Came late: check in"]
    assert texts(page, "name") == []


def test_a_no_show_who_comes_later_that_day_is_checked_in_from_the_store_day(tenant, service, berlin):
    store, manager = berlin
    booking = book(tenant, store, service, dt.datetime(2026, 3, 21, 9, 0, tzinfo=BERLIN), name="Ana")
    client = client_for(tenant, manager)
    with clock(dt.datetime(2026, 3, 21, 10, 0, tzinfo=BERLIN)):
        client.post(f"/store/today/bookings/{booking.pk}/no-show/")
    # given the no-show, listed at 15:00 with a late check-in button
    with clock(dt.datetime(2026, 3, 21, 15, 0, tzinfo=BERLIN)):
        page = client.get("/store/today/")
        assert texts(page, "no-show-row") == ["09:00 Ana Eye exam · +8613900000001 Came late: check in"]
        # when the store checks Ana in, who came late
        response = client.post(f"/store/today/bookings/{booking.pk}/check-in/")
        page = client.get(response["Location"])
    # then she is checked in, no longer a no-show, and her visit is counted
    assert reload(tenant, booking).status == BookingStatus.CHECKED_IN
    assert texts(page, "no-show-row") == []
    assert texts(page, "name") == ["Ana"]
    # and on the next day the button is gone (check-in closes at the end of the booking's day)
    with tenant_scope(tenant):
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.NO_SHOW, checked_in_at=None)
    with clock(dt.datetime(2026, 3, 22, 9, 0, tzinfo=BERLIN)):
        page = client.get("/store/today/?date=2026-03-21")
    assert texts(page, "no-show-row") == ["09:00 Ana Eye exam · +8613900000001"]


def test_checking_in_by_the_consumers_code(tenant, store, other_store, service, manager):
    booking = book(tenant, store, service, SLOT, name="王芳")
    elsewhere = book(tenant, other_store, service, SLOT, name="赵敏", phone="+8613900000002")
    client = client_for(tenant, manager)
    # too early (the day before): refused with the reason
    with clock(NOW):
        early = client.post("/store/today/", {"code": booking.check_in_code.lower()})
    assert early.status_code == 409
    assert text(early, "code-error") == "Check-in opens 30 minutes before the start."
    # another store's booking: refused, nothing changes
    with clock(SLOT - dt.timedelta(minutes=10)):
        wrong = client.post("/store/today/", {"code": elsewhere.check_in_code})
    assert wrong.status_code == 404
    assert text(wrong, "code-error") == "This code is of a booking at another store."
    assert reload(tenant, elsewhere).status == BookingStatus.BOOKED
    # at the store 10 minutes before the start: checked in, with a visit
    with clock(SLOT - dt.timedelta(minutes=10)):
        response = client.post("/store/today/", {"code": booking.check_in_code.lower()})
        page = client.get("/store/today/")
    assert response.status_code == 302
    assert reload(tenant, booking).status == BookingStatus.CHECKED_IN
    with tenant_scope(tenant):
        assert list(StoreVisit.objects.values_list("booking_id", "source")) == [(booking.pk, VisitSource.CHECK_IN)]
    assert "王芳 is checked in for Eye exam." in page.content.decode()
    assert text(page, "day-counts") == "0 to come · 1 checked in"


def test_a_guide_sees_the_day_and_another_stores_manager_cannot_act(tenant, store, service, guide, other_manager):
    booking = book(tenant, store, service, SLOT)
    with clock(SLOT):
        page = client_for(tenant, guide).get("/store/today/")
        refused = client_for(tenant, other_manager).post(f"/store/today/bookings/{booking.pk}/check-in/")
    assert texts(page, "name") == ["王芳"]
    assert refused.status_code == 404
    assert reload(tenant, booking).status == BookingStatus.BOOKED


def test_the_store_day_page_opens_on_the_calendars_first_and_last_days(tenant, store, manager):
    client = client_for(tenant, manager)
    with clock(NOW):
        first = client.get("/store/today/?date=0001-01-01")
        last = client.get("/store/today/?date=9999-12-31")
    # then each shows its day, with no way past the calendar's end
    assert (first.status_code, text(first, "day")) == (200, "Monday 0001-01-01")
    assert (texts(first, "previous-day"), texts(first, "next-day")) == ([], ["Next day"])
    assert (last.status_code, text(last, "day")) == (200, "Friday 9999-12-31")
    assert (texts(last, "previous-day"), texts(last, "next-day")) == (["Previous day"], [])
