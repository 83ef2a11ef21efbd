"""The consumer's booking steps: the service, the store, the day and slot, the confirmation, and the
booking page with its check-in code.

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.choices import BookingStatus
from bookings.models import Booking
from catalog.models import Service
from o2o.tenancy import tenant_scope
from stores.models import Store
from stores.qr import make_qr
from tests.bookings.conftest import NOW, SHANGHAI, SLOT
from tests.bookings.factories import bookable_store, clock, make_service, occupancy, offer
from tests.bookings.pages import book, snapshot, utc
from tests.pages import client_for, elements, text, texts

pytestmark = pytest.mark.django_db


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


def test_a_signed_in_non_member_joins_with_their_own_phone_never_with_anothers(tenant, store, service, consumer):
    # given a signed-in consumer of the brand without a membership yet (their username is their phone)
    client = client_for(tenant, consumer)
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "name": "李娜"}
    # when they book a visit for someone else's phone, then one for their own
    with clock(NOW):
        for_a_friend = client.post("/book/confirm/", body | {"token": "t1", "phone": "13900000002"})
        for_themself = client.post("/book/confirm/", body | {"token": "t2", "phone": "13800138000"})
    assert for_a_friend.status_code == for_themself.status_code == 302
    # then the friend's booking is the friend's membership, not linked to their account (nobody takes
    # over another person's membership by typing their phone); their own phone's is theirs
    with tenant_scope(tenant):
        members = {str(b.member.phone): b.member.user_id for b in Booking.objects.select_related("member")}
    assert members == {"+8613900000002": None, "+8613800138000": consumer.pk}
    # and both are in their list (the friend's, made in this browser)
    with clock(NOW):
        assert len(texts(client.get("/bookings/"), "booking-link")) == 2
