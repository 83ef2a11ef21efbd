"""The domain events the kernel and the bookings app record (o2o.events, bookings/events.py): each
by its service, with its change, with ids in its payload; none for a refused change. (The orders
app's: tests/orders/test_events.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.events import BOOKING_CANCELLED, BOOKING_CHECKED_IN, BOOKING_MADE, STORE_VISITED
from bookings.models import StoreVisit
from bookings.services import cancel_booking, check_in, record_walk_in
from catalog.models import Service
from o2o.choices import Role
from o2o.errors import Conflict
from o2o.events import CONSUMER_SIGNED_UP
from o2o.events.models import Event
from o2o.models import User
from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.bookings.factories import book, bookable_store, hours, make_service, offer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)  # Friday 10:00 in Shanghai
SLOT = dt.datetime(2026, 3, 21, 2, 0, tzinfo=dt.UTC)  # Saturday 10:00 in Shanghai
SIGNUP = "/api/v1/auth/signup/"
BODY = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}


def recorded(tenant) -> list[tuple[str, dict]]:
    with tenant_scope(tenant):
        return list(Event.objects.filter(tenant=tenant).order_by("pk").values_list("name", "payload"))


@pytest.fixture
def store(tenant) -> Store:
    with tenant_scope(tenant):
        return bookable_store(tenant, code="SH01", opening_hours=hours(("10:00", "12:00")))


@pytest.fixture
def exam(tenant, store) -> Service:
    with tenant_scope(tenant):
        service = make_service(tenant, "Eye exam", duration_minutes=30)
        offer(tenant, store, (service, 2))
        return service


def test_signing_up_and_joining_record_consumer_signed_up_once_each(api, tenant, other_tenant, make_user):
    # when a consumer signs up in alpha, the same phone signs up again, and a user of alpha joins beta twice
    api(None, tenant).post(SIGNUP, BODY, format="json")
    api(None, tenant).post(SIGNUP, BODY, format="json")
    user = User.objects.get(username="+8613800138000")
    api(user, other_tenant).post("/api/v1/auth/join/", format="json")
    api(user, other_tenant).post("/api/v1/auth/join/", format="json")
    # then each brand recorded that consumer's sign-up once (the known phone: nothing)
    assert recorded(tenant) == [(CONSUMER_SIGNED_UP, {"user_id": user.pk, "visitor_id": ""})]
    assert recorded(other_tenant) == [(CONSUMER_SIGNED_UP, {"user_id": user.pk, "visitor_id": ""})]


def test_a_booking_records_made_checked_in_and_visited_and_a_refusal_nothing(tenant, store, exam, make_staff):
    manager = make_staff(store, Role.STORE_MANAGER)
    with tenant_scope(tenant):
        # when a guest books, a check-in is refused as too early, and the store then checks them in
        booking = book(tenant, store, exam, SLOT, now=NOW)
        with pytest.raises(Conflict):
            check_in(tenant=tenant, booking=booking, by=manager, now=SLOT - dt.timedelta(minutes=31))
        check_in(tenant=tenant, booking=booking, by=manager, now=SLOT)
        visit = StoreVisit.objects.get()
    # then the booking made, its check-in and the store visit were each recorded once
    assert recorded(tenant) == [
        (BOOKING_MADE, {"booking_id": booking.pk}),
        (BOOKING_CHECKED_IN, {"booking_id": booking.pk}),
        (STORE_VISITED, {"visit_id": visit.pk}),
    ]


def test_a_cancellation_records_booking_cancelled_once(tenant, store, exam):
    with tenant_scope(tenant):
        booking = book(tenant, store, exam, SLOT, now=NOW)
        cancel_booking(tenant=tenant, booking=booking, now=NOW)
        with pytest.raises(Conflict):
            cancel_booking(tenant=tenant, booking=booking, now=NOW)
    assert recorded(tenant) == [
        (BOOKING_MADE, {"booking_id": booking.pk}),
        (BOOKING_CANCELLED, {"booking_id": booking.pk}),
    ]


def test_a_walk_in_records_one_store_visit_per_person_and_day(tenant, store):
    with tenant_scope(tenant):
        # when a device scans the store's QR code twice the same day
        first, _ = record_walk_in(tenant=tenant, store=store, visitor_id="v-1", now=SLOT)
        record_walk_in(tenant=tenant, store=store, visitor_id="v-1", now=SLOT + dt.timedelta(hours=1))
    # then one visit was recorded
    assert recorded(tenant) == [(STORE_VISITED, {"visit_id": first.pk})]
