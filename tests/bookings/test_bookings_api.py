"""The bookings API as api.md writes it: slots, bookings, their transitions and walk-ins; who may
do what; bad input a 400 naming the field; and the query counts of the list and write endpoints."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.models import Booking, SlotOccupancy, StoreVisit
from bookings.services import book_visit
from o2o.models import IdempotencyRecord
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import clock, make_service, occupancy
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db
UTC = dt.UTC
SATURDAY = [
    ("2026-03-21T10:00:00+08:00", "2026-03-21T10:30:00+08:00"),
    ("2026-03-21T10:30:00+08:00", "2026-03-21T11:00:00+08:00"),
    ("2026-03-21T11:00:00+08:00", "2026-03-21T11:30:00+08:00"),
    ("2026-03-21T11:30:00+08:00", "2026-03-21T12:00:00+08:00"),
    ("2026-03-21T14:00:00+08:00", "2026-03-21T14:30:00+08:00"),
    ("2026-03-21T14:30:00+08:00", "2026-03-21T15:00:00+08:00"),
    ("2026-03-21T15:00:00+08:00", "2026-03-21T15:30:00+08:00"),
    ("2026-03-21T15:30:00+08:00", "2026-03-21T16:00:00+08:00"),
]


def guest_body(store, service, start="2026-03-21T10:00:00+08:00", **extra):
    return {"store": store.pk, "service": service.pk, "start": start, "name": "张伟", "phone": "13812345678", **extra}


def booked(tenant, store, service, *, start=SLOT, phone="13812345678", member=None):
    with tenant_scope(tenant):
        return book_visit(
            tenant=tenant,
            store=store,
            service=service,
            start_at=start,
            member=member,
            name="张伟",
            phone=phone,
            now=NOW,
        )


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


# --- slots -------------------------------------------------------------------------------------


def test_anyone_lists_a_days_slots_on_the_stores_clock(api, tenant, store, service):
    # given one place of 10:00 taken
    booked(tenant, store, service)
    # when a signed-out visitor lists Saturday's slots
    with clock(NOW):
        response = api(None, tenant).get(
            f"/api/v1/stores/{store.pk}/slots/", {"service": service.pk, "date": "2026-03-21"}
        )
    # then the eight slots come with their offsets and places left
    assert response.status_code == 200
    assert response.json() == [
        {"start": start, "end": end, "remaining": 1 if n == 0 else 2} for n, (start, end) in enumerate(SATURDAY)
    ]


def test_slots_for_1_and_30_days_cost_the_same_queries(api, tenant, store, service, django_assert_num_queries):
    client = api(None, tenant)
    url = f"/api/v1/stores/{store.pk}/slots/"
    with clock(NOW):
        # when one day, then thirty days are listed: the tenant, the scope (savepoint, setting;
        # setting, release), the offering with its store and service, the occupancy of the range
        with django_assert_num_queries(7):
            one = client.get(url, {"service": service.pk, "date": "2026-03-21"})
        with django_assert_num_queries(7):
            month = client.get(url, {"service": service.pk, "date": "2026-03-20", "days": 30})
    # then the month is every slot from today's 11:00 to 2026-04-18 16:00
    assert (one.status_code, len(one.json())) == (200, 8)
    assert (month.status_code, len(month.json())) == (200, 6 + 29 * 8)
    assert month.json()[0]["start"] == "2026-03-20T11:00:00+08:00"
    assert month.json()[-1] == {
        "start": "2026-04-18T15:30:00+08:00",
        "end": "2026-04-18T16:00:00+08:00",
        "remaining": 2,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2026-03-21"}, "service"),
        ({"service": "eye", "date": "2026-03-21"}, "service"),
        ({"service": 0, "date": "2026-03-21"}, "service"),
        ({"date": "21/03/2026", "service": 1}, "date"),
        ({"service": 1}, "date"),
        ({"date": "2026-03-21", "days": 31, "service": 1}, "days"),
        ({"date": "2026-03-21", "days": 0, "service": 1}, "days"),
    ],
)
def test_bad_slot_queries_name_the_field(api, tenant, store, service, params, field):
    response = api(None, tenant).get(f"/api/v1/stores/{store.pk}/slots/", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_slots_of_a_service_not_offered_name_the_service_and_an_unknown_store_is_404(
    api, tenant, other_tenant, store, service
):
    with tenant_scope(tenant):
        facial = make_service(tenant, "Facial")
    client = api(None, tenant)
    not_offered = client.get(f"/api/v1/stores/{store.pk}/slots/", {"service": facial.pk, "date": "2026-03-21"})
    missing = client.get("/api/v1/stores/999999/slots/", {"service": service.pk, "date": "2026-03-21"})
    assert (not_offered.status_code, not_offered.json()["errors"]) == (
        400,
        {"service": ["This store does not offer this service."]},
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_far_away_dates_give_no_slots_and_no_error(api, tenant, store, service):
    client = api(None, tenant)
    with clock(NOW):
        for date in ("9999-12-31", "0001-01-01"):
            response = client.get(
                f"/api/v1/stores/{store.pk}/slots/", {"service": service.pk, "date": date, "days": 30}
            )
            assert (response.status_code, response.json()) == (200, [])


# --- booking -----------------------------------------------------------------------------------


def test_a_guest_books_a_slot(api, tenant, store, service):
    # when a signed-out guest books Saturday 10:00
    with clock(NOW):
        response = api(None, tenant).post(
            "/api/v1/bookings/", guest_body(store, service, visitor_id="v-1"), format="json"
        )
    # then the booking is made, with its code, on the store's clock
    assert response.status_code == 201, response.json()
    body = response.json()
    with tenant_scope(tenant):
        booking = Booking.objects.get()
    assert body == {
        "id": booking.pk,
        "status": "booked",
        "check_in_code": booking.check_in_code,
        "store": store.pk,
        "store_name": "Shanghai People's Square",
        "service": service.pk,
        "service_name": "Eye exam",
        "start": "2026-03-21T10:00:00+08:00",
        "end": "2026-03-21T10:30:00+08:00",
        "name": "张伟",
        "phone": "+8613812345678",
        "visitor_id": "v-1",
        "member": booking.member_id,
        "created_at": "2026-03-20T10:00:00+08:00",
        "rescheduled_at": None,
        "cancelled_at": None,
        "checked_in_at": None,
    }
    assert occupancy(tenant, store, service) == {SLOT: (1, 2)}


def test_booking_create_costs_a_fixed_number_of_queries(api, tenant, store, service, django_assert_num_queries):
    client = api(None, tenant)
    with clock(NOW), django_assert_num_queries(QUERIES_TO_BOOK):
        response = client.post("/api/v1/bookings/", guest_body(store, service), format="json")
    assert response.status_code == 201


# the tenant and its scope (savepoint, setting; setting, release: 5), the offering with its store,
# service and places taken, the writes' atomic block (2), the membership (2 atomic blocks, get,
# savepoint, insert, release: 8), served-by (one insert that skips a known pair: 1), the slot's row,
# the place taken, the booking (savepoint, insert, release: 3), the BOOKING_MADE event and its
# pending delivery (2: the confirmation itself is sent after the commit)
QUERIES_TO_BOOK = 24


def test_a_booking_of_a_full_slot_is_answered_from_one_query(api, tenant, store, service, django_assert_num_queries):
    # given 10:00 full
    booked(tenant, store, service, phone="13812345671")
    booked(tenant, store, service, phone="13812345672")
    client = api(None, tenant)
    # when a third guest books it: the tenant, its scope (4), the offering with the places taken
    with clock(NOW), django_assert_num_queries(6):
        response = client.post("/api/v1/bookings/", guest_body(store, service, phone="13812345673"), format="json")
    # then the answer is a 409
    assert (response.status_code, response.json()["code"]) == (409, "slot_full")


def test_a_signed_in_consumer_books_with_their_membership(api, tenant, store, service, consumer, member):
    with clock(NOW):
        response = api(consumer, tenant).post(
            "/api/v1/bookings/",
            {"store": store.pk, "service": service.pk, "start": "2026-03-21T02:00:00Z"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert (response.json()["member"], response.json()["name"], response.json()["phone"]) == (
        member.pk,
        "李娜",
        "+8613800138000",
    )
    assert response.json()["start"] == "2026-03-21T10:00:00+08:00"


def test_a_full_slot_is_409_and_nothing_is_written(api, tenant, store, service):
    booked(tenant, store, service, phone="13812345671")
    booked(tenant, store, service, phone="13812345672")
    before = (snapshot(Booking, tenant), snapshot(SlotOccupancy, tenant))
    with clock(NOW):
        response = api(None, tenant).post(
            "/api/v1/bookings/", guest_body(store, service, phone="13812345673"), format="json"
        )
    assert response.status_code == 409
    assert response.json() == {"code": "slot_full", "detail": "This slot is full."}
    assert (snapshot(Booking, tenant), snapshot(SlotOccupancy, tenant)) == before


def test_the_same_idempotency_key_books_once(api, tenant, store, service):
    client = api(None, tenant)
    with clock(NOW):
        first = client.post("/api/v1/bookings/", guest_body(store, service), format="json", HTTP_IDEMPOTENCY_KEY="b-1")
        again = client.post("/api/v1/bookings/", guest_body(store, service), format="json", HTTP_IDEMPOTENCY_KEY="b-1")
        other = client.post(
            "/api/v1/bookings/", guest_body(store, service, name="李四"), format="json", HTTP_IDEMPOTENCY_KEY="b-1"
        )
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.json()["code"] == "idempotency_key_reused"
    assert occupancy(tenant, store, service) == {SLOT: (1, 2)}
    with tenant_scope(tenant):
        assert list(Booking.objects.values_list("pk", flat=True)) == [first.json()["id"]]
        assert list(IdempotencyRecord.objects.values_list("key", "status_code")) == [("b-1", 201)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2026-03-21T10:00:00"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2026-03-21T10:10:00+08:00"}, "start"),
        ({"start": "9999-12-31T23:59:59-12:00"}, "start"),
        ({"start": "9999-12-31T20:00:00Z"}, "start"),
        ({"start": "0001-01-01T00:00:00+08:00"}, "start"),
        ({"store": "SH01"}, "store"),
        ({"store": 999999}, "store"),
        ({"service": 999999}, "service"),
        ({"name": ""}, "name"),
        ({"phone": "not a phone"}, "phone"),
        ({"visitor_id": "x" * 65}, "visitor_id"),
    ],
)
def test_bad_booking_input_is_a_400_naming_the_field(api, tenant, store, service, change, field):
    with clock(NOW):
        response = api(None, tenant).post("/api/v1/bookings/", {**guest_body(store, service), **change}, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == [field]
    assert snapshot(Booking, tenant) == []


# --- who sees which bookings -------------------------------------------------------------------


@pytest.fixture
def three_bookings(tenant, store, other_store, service, member):
    """The consumer's booking at `store`, a guest's at `store`, and a guest's at `other_store`."""
    return (
        booked(tenant, store, service, member=member),
        booked(tenant, store, service, start=NEXT_SLOT, phone="13812345671"),
        booked(tenant, other_store, service, phone="13812345672"),
    )


def test_each_role_lists_the_bookings_it_may_see(
    api, tenant, three_bookings, consumer, manager, guide, other_manager, hq_staff
):
    mine, guest, elsewhere = three_bookings

    def ids(user):
        response = api(user, tenant).get("/api/v1/bookings/")
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(consumer) == [mine.pk]
    assert ids(manager) == sorted([mine.pk, guest.pk])
    assert ids(guide) == sorted([mine.pk, guest.pk])
    assert ids(other_manager) == [elsewhere.pk]
    assert ids(hq_staff) == sorted([mine.pk, guest.pk, elsewhere.pk])


def test_a_booking_one_may_not_see_is_404(api, tenant, three_bookings, consumer, other_manager):
    mine, guest, _ = three_bookings
    assert api(consumer, tenant).get(f"/api/v1/bookings/{mine.pk}/").status_code == 200
    assert api(consumer, tenant).get(f"/api/v1/bookings/{guest.pk}/").status_code == 404
    assert api(other_manager, tenant).get(f"/api/v1/bookings/{mine.pk}/").status_code == 404
    assert api(other_manager, tenant).post(f"/api/v1/bookings/{mine.pk}/cancel/").status_code == 404


def test_the_list_filters_by_store_status_and_day(api, tenant, store, other_store, three_bookings, hq_staff):
    mine, guest, elsewhere = three_bookings
    client = api(hq_staff, tenant)

    def ids(**params):
        response = client.get("/api/v1/bookings/", params)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json()["results"])

    assert ids(store=store.pk) == sorted([mine.pk, guest.pk])
    assert ids(store=other_store.pk, status="booked") == [elsewhere.pk]
    assert ids(status="cancelled") == []
    assert ids(date="2026-03-21", store=store.pk) == sorted([mine.pk, guest.pk])
    assert ids(date="2026-03-22") == []
    assert ids(date="9999-12-31") == []
    assert ids(date="0001-01-01") == []  # on SQLite too: the day begins before year 1 in UTC
    bad = client.get("/api/v1/bookings/", {"status": "lost", "date": "soon"})
    assert (bad.status_code, sorted(bad.json()["errors"])) == (400, ["date", "status"])


def test_the_list_costs_the_same_queries_for_one_booking_or_many(
    api, tenant, store, service, manager, django_assert_num_queries
):
    booked(tenant, store, service)
    client = api(manager, tenant)
    # the tenant, its scope (4), the token, the roles, the staff post, the count, the page
    with django_assert_num_queries(10):
        assert client.get("/api/v1/bookings/").json()["count"] == 1
    for n in range(4):  # 14:00 to 15:30
        booked(tenant, store, service, start=SLOT + minutes(240 + 30 * n), phone=f"1381234567{n}")
    with django_assert_num_queries(10):
        assert client.get("/api/v1/bookings/").json()["count"] == 5


# --- transitions -------------------------------------------------------------------------------


def test_a_consumer_cancels_until_the_cut_off_and_the_store_after_it(
    api, tenant, store, service, consumer, member, manager
):
    first = booked(tenant, store, service, member=member)
    second = booked(tenant, store, service, member=member, start=NEXT_SLOT)
    with clock(SLOT - minutes(121)):
        ok = api(consumer, tenant).post(f"/api/v1/bookings/{first.pk}/cancel/")
    with clock(NEXT_SLOT - minutes(119)):
        late = api(consumer, tenant).post(f"/api/v1/bookings/{second.pk}/cancel/")
        store_cancels = api(manager, tenant).post(f"/api/v1/bookings/{second.pk}/cancel/")
    assert (ok.status_code, ok.json()["status"]) == (200, "cancelled")
    assert (late.status_code, late.json()["code"]) == (409, "too_late")
    assert (store_cancels.status_code, store_cancels.json()["status"]) == (200, "cancelled")
    assert occupancy(tenant, store, service) == {SLOT: (0, 2), NEXT_SLOT: (0, 2)}


def test_reschedule_through_the_api(api, tenant, store, service, consumer, member):
    booking = booked(tenant, store, service, member=member)
    booked(tenant, store, service, start=NEXT_SLOT + minutes(30), phone="13812345671")
    booked(tenant, store, service, start=NEXT_SLOT + minutes(30), phone="13812345672")
    client = api(consumer, tenant)
    with clock(NOW):
        full = client.post(
            f"/api/v1/bookings/{booking.pk}/reschedule/", {"start": "2026-03-21T11:00:00+08:00"}, format="json"
        )
        bad = client.post(f"/api/v1/bookings/{booking.pk}/reschedule/", {"start": "noon"}, format="json")
        moved = client.post(
            f"/api/v1/bookings/{booking.pk}/reschedule/", {"start": "2026-03-21T10:30:00+08:00"}, format="json"
        )
    assert (full.status_code, full.json()["code"]) == (409, "slot_full")
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["start"])
    assert (moved.status_code, moved.json()["start"], moved.json()["rescheduled_at"]) == (
        200,
        "2026-03-21T10:30:00+08:00",
        "2026-03-20T10:00:00+08:00",
    )
    assert occupancy(tenant, store, service) == {SLOT: (0, 2), NEXT_SLOT: (1, 2), NEXT_SLOT + minutes(30): (2, 2)}


def test_the_store_checks_in_and_anyone_may_with_the_code(api, tenant, store, service, manager):
    by_staff = booked(tenant, store, service, phone="13812345671")
    by_code = booked(tenant, store, service, phone="13812345672")
    scanned = booked(tenant, store, service, start=NEXT_SLOT, phone="13812345673")
    with clock(SLOT):
        staff = api(manager, tenant).post(f"/api/v1/bookings/{by_staff.pk}/check-in/")
        wrong = api(None, tenant).post(
            f"/api/v1/bookings/{by_code.pk}/check-in/", {"check_in_code": "WRONG"}, format="json"
        )
        none = api(None, tenant).post(f"/api/v1/bookings/{by_code.pk}/check-in/")
        code = api(None, tenant).post(
            f"/api/v1/bookings/{by_code.pk}/check-in/", {"check_in_code": by_code.check_in_code}, format="json"
        )
        scan = api(manager, tenant).post(
            "/api/v1/bookings/check-in/", {"check_in_code": scanned.check_in_code}, format="json"
        )
        again = api(manager, tenant).post(
            "/api/v1/bookings/check-in/", {"check_in_code": scanned.check_in_code}, format="json"
        )
        unknown = api(manager, tenant).post("/api/v1/bookings/check-in/", {"check_in_code": "NOSUCHCD"}, format="json")
    assert [
        (r.status_code, r.json().get("status") or r.json()["code"])
        for r in (staff, wrong, none, code, scan, again, unknown)
    ] == [
        (200, "checked_in"),
        (404, "not_found"),
        (404, "not_found"),
        (200, "checked_in"),
        (200, "checked_in"),
        (409, "illegal_transition"),
        (404, "not_found"),
    ]
    with tenant_scope(tenant):
        assert sorted(StoreVisit.objects.values_list("booking_id", flat=True)) == sorted(
            [by_staff.pk, by_code.pk, scanned.pk]
        )


def test_staff_scanning_another_bookings_code_checks_nobody_in(api, tenant, store, service, manager):
    # given two bookings, and the store scanning the second one's QR code on the first's page
    first = booked(tenant, store, service, phone="13812345671")
    second = booked(tenant, store, service, phone="13812345672")
    with clock(SLOT):
        response = api(manager, tenant).post(
            f"/api/v1/bookings/{first.pk}/check-in/", {"check_in_code": second.check_in_code}, format="json"
        )
    # then it is refused naming the code, and nobody is checked in
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"check_in_code": ["This check-in code is not this booking's."]},
    )
    assert snapshot(StoreVisit, tenant) == []


def test_check_in_too_early_or_the_next_day_is_409(api, tenant, store, service, manager):
    booking = booked(tenant, store, service)
    with clock(SLOT - minutes(31)):
        early = api(manager, tenant).post(f"/api/v1/bookings/{booking.pk}/check-in/")
    with clock(dt.datetime(2026, 3, 21, 16, 0, tzinfo=UTC)):
        late = api(manager, tenant).post(f"/api/v1/bookings/{booking.pk}/check-in/")
    assert [(r.status_code, r.json()["code"]) for r in (early, late)] == [(409, "too_early"), (409, "too_late")]
    assert snapshot(StoreVisit, tenant) == []


def test_the_owner_without_the_code_may_not_check_in(api, tenant, store, service, consumer, member):
    booking = booked(tenant, store, service, member=member)
    with clock(SLOT):
        response = api(consumer, tenant).post(f"/api/v1/bookings/{booking.pk}/check-in/")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_the_store_marks_a_no_show_after_the_grace_period(api, tenant, store, service, guide, consumer, member):
    booking = booked(tenant, store, service, member=member)
    with clock(SLOT + minutes(59)):
        early = api(guide, tenant).post(f"/api/v1/bookings/{booking.pk}/no-show/")
    with clock(SLOT + minutes(60)):
        by_consumer = api(consumer, tenant).post(f"/api/v1/bookings/{booking.pk}/no-show/")
        marked = api(guide, tenant).post(f"/api/v1/bookings/{booking.pk}/no-show/")
    assert (early.status_code, early.json()["code"]) == (409, "too_early")
    assert by_consumer.status_code == 403
    assert (marked.status_code, marked.json()["status"]) == (200, "no_show")


# --- walk-ins ----------------------------------------------------------------------------------


def test_scanning_the_store_qr_code_records_one_walk_in_a_day(api, tenant, store, consumer, member):
    client = api(consumer, tenant)
    with clock(SLOT):
        first = client.post(f"/api/v1/stores/{store.pk}/walk-ins/", {"visitor_id": "v-7"}, format="json")
        again = client.post(f"/api/v1/stores/{store.pk}/walk-ins/", {}, format="json")
        anonymous = api(None, tenant).post(f"/api/v1/stores/{store.pk}/walk-ins/", {"visitor_id": "v-8"}, format="json")
        missing = api(None, tenant).post("/api/v1/stores/999999/walk-ins/", {}, format="json")
    assert first.status_code == 201
    assert first.json() == {
        "id": first.json()["id"],
        "store": store.pk,
        "source": "walk_in",
        "member": member.pk,
        "visitor_id": "v-7",
        "booking": None,
        "visited_at": "2026-03-21T10:00:00+08:00",
    }
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert (anonymous.status_code, anonymous.json()["member"]) == (201, None)
    assert missing.status_code == 404
    with tenant_scope(tenant):
        assert StoreVisit.objects.count() == 2
