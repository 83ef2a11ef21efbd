"""The booking pages: the consumer's steps (service, store, slot, confirm), the booking page with its
check-in code, cancel and reschedule with the cut-off; the store's day with check-in and no-show;
HQ's bookings and show-up rates; the walk-in scan.

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from bookings import services
from bookings.choices import BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from bookings.views import show_up_rates
from catalog.models import Service
from members.models import Member
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores.models import Store
from stores.qr import make_qr
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import bookable_store, clock, hours, make_service, occupancy, offer
from tests.pages import elements, text, texts

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- clients ---------------------------------------------------------------------------------------


def client_for(tenant: Tenant, user: User | None = None, **extra: Any) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost", **extra)
    if user is not None:
        client.force_login(user)
    return client


def utc(moment: dt.datetime) -> str:
    """A slot's start as the pages post it."""
    return moment.astimezone(dt.UTC).isoformat()


# --- rows ---------------------------------------------------------------------------------------


def book(
    tenant: Tenant,
    store: Store,
    service: Service,
    start: dt.datetime,
    *,
    name: str = "王芳",
    phone: str = "+8613900000001",
    member: Member | None = None,
    now: dt.datetime = NOW,
    for_order: bool = False,
) -> Booking:
    with tenant_scope(tenant), clock(now):
        return services.book_visit(
            tenant=tenant,
            store=store,
            service=service,
            start_at=start,
            member=member,
            name=name,
            phone=phone,
            for_order=for_order,
        )


def reload(tenant: Tenant, booking: Booking) -> Booking:
    with tenant_scope(tenant):
        return Booking.objects.get(pk=booking.pk)


def snapshot(tenant: Tenant) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    from bookings.models import SlotOccupancy

    with tenant_scope(tenant):
        return (
            list(Booking.objects.order_by("pk").values()),
            list(SlotOccupancy.objects.order_by("pk").values("start_at", "taken", "capacity")),
        )


# --- step 1 and 2: the service, the store -------------------------------------------------------


def test_the_first_step_lists_the_services_offered_somewhere(tenant, store, service):
    # given an inactive service and one no store offers, beside the offered eye exam
    with tenant_scope(tenant):
        make_service(tenant, "Hair styling")
        Service.objects.create(tenant=tenant, name="Old exam", duration_minutes=30, price=0, is_active=False)
    # when a guest opens /book/
    response = client_for(tenant).get("/book/")
    # then only the eye exam can be picked, leading to the store step
    assert response.status_code == 200
    assert texts(response, "service-name") == ["Eye exam"]
    link = elements(response, "service-name")[0].attrs["href"]
    assert link == f"/book/store/?service={service.pk}"


def test_the_store_step_lists_the_stores_offering_the_service_nearest_first(tenant, store, other_store, service):
    # given a third store, farther north, offering the exam, and a fourth not offering it
    with tenant_scope(tenant):
        north = bookable_store(tenant, code="SH02", name="Suzhou Creek", lat=31.2400, lng=121.4737)
        offer(tenant, north, (service, 1))
        bookable_store(tenant, code="SH03", name="No exams here", lat=31.2304, lng=121.4737)
        Store.objects.filter(pk=other_store.pk).update(lat=30.25, lng=120.16)
    client = client_for(tenant)
    # when the visitor shares their position on People's Square
    response = client.get(f"/book/store/?service={service.pk}&lat=31.2304&lng=121.4737")
    # then the stores offering the exam come nearest first, with their distances
    assert response.status_code == 200
    assert texts(response, "store-name") == ["Shanghai People's Square", "Suzhou Creek", "Hangzhou West Lake"]
    assert texts(response, "distance") == ["0.0 km", "1.1 km", "166.3 km"]
    assert text(response, "result-count") == "3 stores offer it"
    choose = elements(response, "choose-store")[0].attrs["href"]
    assert choose == f"/book/slots/?service={service.pk}&store={store.pk}"
    # and a city narrows them down (htmx gets the results only)
    response = client.get(f"/book/store/?service={service.pk}&city=Hangzhou", HTTP_HX_REQUEST="true")
    assert texts(response, "store-name") == ["Hangzhou West Lake"]
    assert b"<html" not in response.content


def test_the_store_step_of_an_unknown_service_is_404(tenant, other_tenant, service):
    with tenant_scope(other_tenant):
        foreign = make_service(other_tenant, "Foreign exam")
    assert client_for(tenant).get(f"/book/store/?service={foreign.pk}").status_code == 404
    assert client_for(tenant).get("/book/store/").status_code == 404


# --- step 3: the day and the slot ---------------------------------------------------------------


def test_the_slot_step_shows_the_next_two_weeks_and_the_days_slots_with_the_places_left(tenant, store, service):
    # given today's 11:00 half taken and 11:30 full
    today = dt.date(2026, 3, 20)
    book(tenant, store, service, dt.datetime(2026, 3, 20, 11, 0, tzinfo=SHANGHAI), phone="+8613900000001")
    book(tenant, store, service, dt.datetime(2026, 3, 20, 11, 30, tzinfo=SHANGHAI), phone="+8613900000002")
    book(tenant, store, service, dt.datetime(2026, 3, 20, 11, 30, tzinfo=SHANGHAI), phone="+8613900000003")
    # when a guest opens the slots at 10:00 on Friday
    with clock(NOW):
        response = client_for(tenant).get(f"/book/slots/?service={service.pk}&store={store.pk}")
    # then fourteen days from today are offered, today selected, with the slots free on each
    assert response.status_code == 200
    days = elements(response, "day")
    assert [d.attrs["data-day"] for d in days] == [(today + dt.timedelta(days=n)).isoformat() for n in range(14)]
    assert texts(response, "day-available") == ["5 free"] + ["8 free"] * 13
    assert [d.attrs.get("aria-current") for d in days][:2] == ["date", None]
    # and today's slots start an hour from now (the minimum notice), with their places left
    assert texts(response, "slot-time") == ["11:00", "11:30", "14:00", "14:30", "15:00", "15:30"]
    assert texts(response, "slot-remaining") == ["1 place left", "full"] + ["2 places left"] * 4
    assert text(response, "tz-note") == "Times are the store's local time (Asia/Shanghai)."
    # and the full slot cannot be picked, the others lead to the confirmation
    slots = elements(response, "slot")
    assert "disabled" in response.content.decode().split('data-start="2026-03-20T03:30:00+00:00"')[1][:200]
    assert slots[0].attrs["data-start"] == "2026-03-20T03:00:00+00:00"
    assert (
        f'href="/book/confirm/?service={service.pk}&amp;store={store.pk}&amp;start=2026-03-20T03%3A00%3A00%2B00%3A00"'
        in response.content.decode()
    )


def test_the_slot_step_of_another_day_lists_that_days_slots(tenant, store, service):
    with clock(NOW):
        response = client_for(tenant).get(
            f"/book/slots/?service={service.pk}&store={store.pk}&day=2026-03-21", HTTP_HX_REQUEST="true"
        )
    assert text(response, "selected-day") == "Saturday 2026-03-21"
    assert texts(response, "slot-time") == ["10:00", "10:30", "11:00", "11:30", "14:00", "14:30", "15:00", "15:30"]


def test_a_store_not_offering_the_service_has_no_slot_step(tenant, store, service):
    with tenant_scope(tenant):
        other = make_service(tenant, "Hair styling")
    assert client_for(tenant).get(f"/book/slots/?service={other.pk}&store={store.pk}").status_code == 404


# --- step 4: confirm, and the booking page ------------------------------------------------------


def test_a_guest_books_through_the_pages_once_and_sees_the_check_in_code(tenant, store, service):
    client = client_for(tenant)
    confirm = f"/book/confirm/?service={service.pk}&store={store.pk}&start={utc(SLOT)}".replace("+", "%2B")
    # given the confirmation page of Saturday 10:00
    with clock(NOW):
        page = client.get(confirm)
    assert page.status_code == 200
    assert text(page, "when") == "Saturday 2026-03-21 10:00–10:30 (Asia/Shanghai)"
    token = page.context["form"].initial["token"]
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "token": token}
    body |= {"name": "王芳", "phone": "13900000001"}
    # when the guest confirms with their name and phone (and the form is submitted twice)
    with clock(NOW):
        first = client.post("/book/confirm/", body)
        second = client.post("/book/confirm/", body)
    # then exactly one booking is made, for the membership of that phone, and both land on its page
    with tenant_scope(tenant):
        booking = Booking.objects.get()
        member_phone = str(booking.member.phone)
    assert (booking.store_id, booking.service_id, booking.start_at) == (store.pk, service.pk, SLOT)
    assert (booking.status, booking.name, booking.phone, member_phone) == (
        BookingStatus.BOOKED,
        "王芳",
        "+8613900000001",
        "+8613900000001",
    )
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/bookings/{booking.pk}/"
    assert occupancy(tenant, store, service) == {SLOT: (1, 2)}
    # and the booking page shows the store's time, the status and the code, as text and as a QR code
    with clock(NOW):
        response = client.get(f"/bookings/{booking.pk}/")
    assert response.status_code == 200
    assert text(response, "status") == "Booked"
    assert text(response, "service") == "Eye exam"
    assert text(response, "when") == "Saturday 2026-03-21 10:00–10:30 (Asia/Shanghai)"
    assert text(response, "check-in-code") == booking.check_in_code
    qr = make_qr(booking.check_in_code).svg_inline(scale=6, border=2, light="#fff", omitsize=True, svgclass="qr-code")
    assert qr in response.content.decode()
    # and another browser does not find it
    assert client_for(tenant).get(f"/bookings/{booking.pk}/").status_code == 404


def test_a_member_books_with_their_membership_and_finds_it_in_their_list(tenant, store, service, consumer, member):
    client = client_for(tenant, consumer)
    # given the confirmation page, prefilled with the membership's name and phone
    with clock(NOW):
        page = client.get(f"/book/confirm/?service={service.pk}&store={store.pk}&start={utc(SLOT)}".replace("+", "%2B"))
    assert (page.context["form"].initial["name"], page.context["form"].initial["phone"]) == ("李娜", "+8613800138000")
    # when they confirm
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "token": "t1"}
    with clock(NOW):
        response = client.post("/book/confirm/", body | {"name": "李娜", "phone": "+8613800138000"})
    # then the booking is their membership's, and their list shows it
    with tenant_scope(tenant):
        booking = Booking.objects.get()
    assert response["Location"] == f"/bookings/{booking.pk}/"
    assert booking.member_id == member.pk
    with clock(NOW):
        listing = client.get("/bookings/")
    assert texts(listing, "booking-link") == ["Eye exam · Shanghai People's Square"]
    assert texts(listing, "when") == ["2026-03-21 10:00"]


def test_booking_a_full_slot_shows_the_409_message_and_books_nothing(tenant, store, service):
    # given Saturday 10:00 taken by two others
    book(tenant, store, service, SLOT, phone="+8613900000001")
    book(tenant, store, service, SLOT, phone="+8613900000002")
    before = snapshot(tenant)
    # when a guest confirms it anyway (the page was open before it filled)
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "token": "t1"}
    with clock(NOW):
        response = client_for(tenant).post("/book/confirm/", body | {"name": "赵敏", "phone": "13900000009"})
    # then the page says why, and nothing changed
    assert response.status_code == 409
    assert text(response, "form-errors") == "This slot is full."
    assert snapshot(tenant) == before


def test_a_guest_must_give_a_valid_phone(tenant, store, service):
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "token": "t1", "name": "赵敏"}
    with clock(NOW):
        response = client_for(tenant).post("/book/confirm/", body | {"phone": "12345"})
    assert response.status_code == 400
    assert text(response, "phone-error") == "Enter a valid phone number."
    with tenant_scope(tenant):
        assert not Booking.objects.exists()


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


def test_someone_elses_booking_page_is_404(tenant, store, service, consumer, member, make_user):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    stranger = make_user(tenant, Role.CONSUMER, username="+8613900000077")
    for path in (f"/bookings/{booking.pk}/", f"/bookings/{booking.pk}/reschedule/"):
        assert client_for(tenant, stranger).get(path).status_code == 404
    assert client_for(tenant, stranger).post(f"/bookings/{booking.pk}/cancel/").status_code == 404
    assert reload(tenant, booking).status == BookingStatus.BOOKED


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
    # too early: 10 minutes after the slot ended
    with clock(dt.datetime(2026, 3, 21, 9, 40, tzinfo=BERLIN)):
        early = client.post(f"/store/today/bookings/{booking.pk}/no-show/")
    assert early.status_code == 302
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


# --- HQ -----------------------------------------------------------------------------------------


@pytest.fixture
def known_set(tenant, store, other_store, service):
    """Saturday's bookings: SH01 exam 2 checked in, 1 completed, 1 no-show (and 1 next week still
    booked); SH01 frame fitting 1 checked in, 2 no-shows; HZ01 exam 1 no-show, 1 cancelled."""
    with tenant_scope(tenant):
        fitting = make_service(tenant, "Frame fitting", duration_minutes=30)
        offer(tenant, store, (service, 2), (fitting, 2))
    at = {n: dt.datetime(2026, 3, 21, 10, 0, tzinfo=SHANGHAI) + dt.timedelta(minutes=30 * n) for n in range(3)}
    phones = iter(f"+86139000001{n:02d}" for n in range(50))

    def many(where, what, start, count):
        return [book(tenant, where, what, start, phone=next(phones)) for _ in range(count)]

    exam_a = many(store, service, at[0], 2) + many(store, service, at[1], 2)
    fit_a = many(store, fitting, at[0], 2) + many(store, fitting, at[1], 1)
    exam_b = many(other_store, service, at[0], 2)
    many(store, service, at[0] + dt.timedelta(days=7), 1)
    with tenant_scope(tenant):
        for booking in (exam_a[0], exam_a[1], exam_a[2], fit_a[0]):
            services.check_in(tenant=tenant, code=booking.check_in_code, now=booking.start_at)
        Booking.objects.filter(pk=exam_a[2].pk).update(status=BookingStatus.COMPLETED)  # no service completes yet
        services.cancel_booking(tenant=tenant, booking=exam_b[1], now=NOW)
        services.mark_no_shows(tenant=tenant, now=dt.datetime(2026, 3, 21, 23, 0, tzinfo=SHANGHAI))
    return fitting


def test_hq_sees_the_show_up_rate_per_store_and_per_service(tenant, hq_staff, known_set):
    # when HQ opens the bookings on Sunday (default range: the last 30 days and the next 14)
    with clock(dt.datetime(2026, 3, 22, 10, 0, tzinfo=SHANGHAI)):
        response = client_for(tenant, hq_staff).get("/hq/bookings/")
    assert response.status_code == 200
    # then the rates are exact: shown = checked in + completed, out of those and the no-shows
    assert _rate_rows(response, "rates-by-store") == [
        "HZ01 Hangzhou West Lake 0 1 0.0%",
        "SH01 Shanghai People's Square 4 3 57.1%",
        "All 4 4 50.0%",
    ]
    assert _rate_rows(response, "rates-by-service") == [
        "Eye exam 3 2 60.0%",
        "Frame fitting 1 2 33.3%",
        "All 4 4 50.0%",
    ]
    # and every booking of the range is listed, latest first
    assert text(response, "booking-count") == "10 bookings"
    assert texts(response, "when")[:2] == ["2026-03-28 10:00", "2026-03-21 10:30"]


def test_hq_filters_the_bookings(tenant, hq_admin, known_set, store):
    with clock(dt.datetime(2026, 3, 22, 10, 0, tzinfo=SHANGHAI)):
        client = client_for(tenant, hq_admin)
        no_shows = client.get(f"/hq/bookings/?status=no_show&store={store.pk}")
        fitting = client.get(f"/hq/bookings/?service={known_set.pk}&date_from=2026-03-21&date_to=2026-03-21")
        bad = client.get("/hq/bookings/?date_from=2026-03-22&date_to=2026-03-21")
        first_day = client.get("/hq/bookings/?date_from=0001-01-01&date_to=0001-01-01")
        last_days = client.get("/hq/bookings/?date_from=9999-01-01&date_to=9999-12-31")
    assert text(no_shows, "booking-count") == "3 bookings"
    assert [(page.status_code, text(page, "booking-count")) for page in (first_day, last_days)] == [
        (200, "0 bookings"),
        (200, "0 bookings"),
    ]
    assert set(texts(no_shows, "status")) == {"No-show"}
    assert text(fitting, "booking-count") == "3 bookings"
    assert _rate_rows(fitting, "rates-by-store") == ["SH01 Shanghai People's Square 1 2 33.3%", "All 1 2 33.3%"]
    assert bad.status_code == 400
    assert text(bad, "filter-errors") == "The end date is before the start date."


def test_the_show_up_rates_are_one_aggregate_query(tenant, known_set, django_assert_num_queries):
    with tenant_scope(tenant):
        bookings = Booking.objects.filter(tenant=tenant)
        with django_assert_num_queries(1):
            rates = show_up_rates(tenant=tenant, bookings=bookings)
    assert [(r.label, r.shown, r.no_shows, str(r.rate)) for r in rates.by_service] == [
        ("Eye exam", 3, 2, "60.0"),
        ("Frame fitting", 1, 2, "33.3"),
    ]


def _rate_rows(response: Any, testid: str) -> list[str]:
    """The rows of a rate table (its body and total) as text."""
    html = response.content.decode()
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "tr":
                self.rows.append([])

        def handle_data(self, data: str) -> None:
            if self.rows and data.strip():
                self.rows[-1].append(data.strip())

    parser = Rows()
    parser.feed(table)
    return [" ".join(row) for row in parser.rows[1:] if row]


# --- walk-ins -----------------------------------------------------------------------------------


def test_scanning_the_store_qr_code_records_a_walk_in_once_a_day(tenant, store, consumer, member):
    client = client_for(tenant, consumer)
    client.cookies["o2o_vid"] = "vid-123"
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
