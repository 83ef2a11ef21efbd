"""The bookings services (rules.md 2.3-2.5): booking, cancel, reschedule, check-in, no-show and
walk-ins, each a state transition that changes nothing when it is refused."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bookings.choices import BookingStatus, VisitSource
from bookings.events import BOOKING_CHECKED_IN, STORE_VISITED
from bookings.models import Booking, SlotOccupancy, StoreVisit
from bookings.services import (
    CODE_ALPHABET,
    cancel_booking,
    check_in,
    mark_no_show,
    mark_no_shows,
    record_walk_in,
    reschedule_booking,
)
from members.models import Member, ServedBy
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.events import handles, registry
from o2o.tenancy import tenant_scope
from tests.bookings import factories
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import make_service, occupancy
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def book(tenant, store, service, *, start=SLOT, now=NOW, **extra):
    return factories.book(tenant, store, service, start, now=now, **extra)


def state(tenant) -> dict[str, Any]:
    """Everything a booking operation may change, to prove that a refused one changed nothing."""
    return {
        "bookings": snapshot(Booking, tenant),
        "slots": snapshot(SlotOccupancy, tenant),
        "visits": snapshot(StoreVisit, tenant),
        "members": snapshot(Member, tenant),
        "served": snapshot(ServedBy, tenant),
    }


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict]]]:
    """Every check-in and store visit delivered to a handler (o2o.events), in order, as (name,
    {"tenant", **payload})."""
    calls: list[tuple[str, dict]] = []
    saved = dict(registry._handlers)
    for name, event_name in [("checked_in", BOOKING_CHECKED_IN), ("visited", STORE_VISITED)]:

        def handler(*, tenant, event, _name=name):
            calls.append((_name, {"tenant": tenant, **event.payload}))

        handles(event_name, key=f"tests.bookings-{name}")(handler)
    yield calls
    registry._handlers.clear()
    registry._handlers.update(saved)


# --- booking -----------------------------------------------------------------------------------


def test_a_guest_booking_makes_the_membership_and_takes_a_place(tenant, store, service, mailoutbox, caplog):
    # when a guest books the Saturday 10:00 eye exam by name and phone
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    booking = book(tenant, store, service, visitor_id="v-123")
    # then the booking is made for a new member with that phone, served by the store
    with tenant_scope(tenant):
        member = Member.objects.get()
        assert (str(member.phone), member.name, member.user_id) == ("+8613812345678", "张伟", None)
        assert list(ServedBy.objects.values_list("member_id", "store_id")) == [(member.pk, store.pk)]
        saved = Booking.objects.get()
    assert (saved.pk, saved.status, saved.member_id, saved.name, saved.phone, saved.visitor_id) == (
        booking.pk,
        BookingStatus.BOOKED,
        member.pk,
        "张伟",
        "+8613812345678",
        "v-123",
    )
    assert (saved.start_at, saved.end_at) == (
        dt.datetime(2026, 3, 21, 2, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 21, 2, 30, tzinfo=UTC),
    )
    assert len(saved.check_in_code) == 8
    assert set(saved.check_in_code) <= set(CODE_ALPHABET)
    # and one of the slot's two places is taken
    assert occupancy(tenant, store, service) == {SLOT: (1, 2)}
    # and no confirmation went out yet: the test's transaction has not committed
    assert mailoutbox == []
    assert [r.getMessage() for r in caplog.records if r.name == "o2o.notifications"] == []


def test_the_confirmation_goes_out_after_commit_by_mail_and_sms(
    tenant, store, service, member, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    # when the consumer books and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(tenant, store, service, member=member, name="", phone="")
    # then one mail and one text message tell them when, where and their code (on the store's clock)
    text = f"Eye exam at Shanghai People's Square, 2026-03-21 10:00. Your check-in code: {booking.check_in_code}"
    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [
        ("Booking confirmed: Eye exam", text, ["li.na@example.com"])
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "o2o.notifications"] == [
        f"SMS to +8613800138000: Booking confirmed: Eye exam: {text}"
    ]
    assert (booking.name, booking.phone, booking.member_id) == ("李娜", "+8613800138000", member.pk)


def test_each_booking_gets_its_own_code(tenant, store, service):
    # when four guests book
    codes = {
        book(tenant, store, service, start=start, phone=f"1381234567{n}").check_in_code
        for n, start in enumerate([SLOT, SLOT, NEXT_SLOT, NEXT_SLOT])
    }
    # then four distinct codes were given
    assert len(codes) == 4


def test_a_full_slot_is_a_409_and_changes_nothing(tenant, store, service):
    # given both places of 10:00 taken
    book(tenant, store, service, phone="13812345671")
    book(tenant, store, service, phone="13812345672")
    before = state(tenant)
    # when a third, new guest tries
    with pytest.raises(Conflict) as caught:
        book(tenant, store, service, phone="13812345673")
    # then the slot is full, and no booking, member or place was added
    assert caught.value.code == "slot_full"
    assert state(tenant) == before
    assert occupancy(tenant, store, service) == {SLOT: (2, 2)}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"phone": ""}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"start": SLOT + minutes(10)}, "start"),
        ({"start": NOW}, "start"),
    ],
    ids=["no-name", "no-phone", "bad-phone", "misaligned", "too-soon"],
)
def test_bad_booking_input_names_the_field_and_changes_nothing(tenant, store, service, overrides, field):
    before = state(tenant)
    with pytest.raises(InvalidInput) as caught:
        book(tenant, store, service, **overrides)
    assert list(caught.value.extra["errors"]) == [field]
    assert state(tenant) == before


def test_a_service_the_store_does_not_offer_names_the_service(tenant, store, service):
    with tenant_scope(tenant):
        facial = make_service(tenant, "Facial")
    before = state(tenant)
    with pytest.raises(InvalidInput) as caught:
        book(tenant, store, facial)
    assert caught.value.extra == {"errors": {"service": ["This store does not offer this service."]}}
    assert state(tenant) == before


# --- cancel and reschedule ---------------------------------------------------------------------


def test_cancel_frees_the_place(tenant, store, service):
    # given two bookings filling 10:00
    first = book(tenant, store, service, phone="13812345671")
    book(tenant, store, service, phone="13812345672")
    # when the first is cancelled 121 minutes before its start
    with tenant_scope(tenant):
        cancelled = cancel_booking(tenant=tenant, booking=first, now=SLOT - minutes(121))
    # then it is cancelled and a place is free again
    assert (cancelled.status, cancelled.cancelled_at) == (BookingStatus.CANCELLED, SLOT - minutes(121))
    assert occupancy(tenant, store, service) == {SLOT: (1, 2)}


def test_a_consumer_cannot_cancel_after_the_cut_off_but_the_store_can(tenant, store, service):
    # given a booking, and 119 minutes to its start (the cut-off is 120)
    booking = book(tenant, store, service)
    before = state(tenant)
    late = SLOT - minutes(119)
    # when the consumer cancels: too late, nothing changed
    with tenant_scope(tenant), pytest.raises(Conflict) as caught:
        cancel_booking(tenant=tenant, booking=booking, now=late)
    assert caught.value.code == "too_late"
    assert state(tenant) == before
    # when the store does (force): cancelled, place freed
    with tenant_scope(tenant):
        cancelled = cancel_booking(tenant=tenant, booking=booking, force=True, now=late)
    assert cancelled.status == BookingStatus.CANCELLED
    assert occupancy(tenant, store, service) == {SLOT: (0, 2)}


def test_cancelling_a_booking_that_is_gone_is_not_found(tenant, store, service):
    # given a booking read, then removed (no service deletes one: a bare delete stands in for it)
    stale = book(tenant, store, service)
    with tenant_scope(tenant):
        Booking.objects.filter(pk=stale.pk).delete()
    before = state(tenant)
    # when it is cancelled
    with tenant_scope(tenant), pytest.raises(NotFound) as caught:
        cancel_booking(tenant=tenant, booking=stale, force=True, now=NOW)
    # then it is a 404, not a 500 (DoesNotExist), and nothing changed
    assert caught.value.detail == "No such booking."
    assert state(tenant) == before


def test_cancelling_twice_is_an_illegal_transition(tenant, store, service):
    booking = book(tenant, store, service)
    with tenant_scope(tenant):
        cancel_booking(tenant=tenant, booking=booking, now=NOW)
    before = state(tenant)
    with tenant_scope(tenant), pytest.raises(Conflict) as caught:
        cancel_booking(tenant=tenant, booking=booking, now=NOW)
    assert caught.value.code == "illegal_transition"
    assert state(tenant) == before
    assert occupancy(tenant, store, service) == {SLOT: (0, 2)}


def test_reschedule_moves_the_place(tenant, store, service):
    booking = book(tenant, store, service)
    with tenant_scope(tenant):
        moved = reschedule_booking(tenant=tenant, booking=booking, start_at=NEXT_SLOT, now=NOW)
    assert (moved.start_at, moved.end_at, moved.rescheduled_at) == (NEXT_SLOT, NEXT_SLOT + minutes(30), NOW)
    assert occupancy(tenant, store, service) == {SLOT: (0, 2), NEXT_SLOT: (1, 2)}


def test_reschedule_into_a_full_slot_keeps_the_old_place(tenant, store, service):
    # given a booking at 10:00 and 10:30 full
    booking = book(tenant, store, service, phone="13812345671")
    book(tenant, store, service, start=NEXT_SLOT, phone="13812345672")
    book(tenant, store, service, start=NEXT_SLOT, phone="13812345673")
    before = state(tenant)
    # when the 10:00 booking is moved to 10:30
    with tenant_scope(tenant), pytest.raises(Conflict) as caught:
        reschedule_booking(tenant=tenant, booking=booking, start_at=NEXT_SLOT, now=NOW)
    # then it is refused and the booking keeps its place: 10:00 one left, 10:30 none
    assert caught.value.code == "slot_full"
    assert state(tenant) == before
    assert occupancy(tenant, store, service) == {SLOT: (1, 2), NEXT_SLOT: (2, 2)}


def test_reschedule_after_the_cut_off_or_to_a_non_slot_is_refused(tenant, store, service):
    booking = book(tenant, store, service)
    before = state(tenant)
    with tenant_scope(tenant):
        with pytest.raises(Conflict) as late:
            reschedule_booking(tenant=tenant, booking=booking, start_at=NEXT_SLOT, now=SLOT - minutes(119))
        with pytest.raises(InvalidInput) as misaligned:
            reschedule_booking(tenant=tenant, booking=booking, start_at=NEXT_SLOT + minutes(5), now=NOW)
    assert late.value.code == "too_late"
    assert misaligned.value.extra == {"errors": {"start": ["This is not a slot of the service at this store."]}}
    assert state(tenant) == before


# --- check-in and no-show ----------------------------------------------------------------------


def test_check_in_opens_30_minutes_before_and_closes_at_the_end_of_the_day(tenant, store, service, manager):
    # given three bookings on Saturday 10:00 (Shanghai)
    early, on_time, next_day = (
        book(tenant, store, service, phone=f"1381234567{n}", start=s) for n, s in enumerate([SLOT, SLOT, NEXT_SLOT])
    )
    before = state(tenant)
    midnight = dt.datetime(2026, 3, 21, 16, 0, tzinfo=UTC)  # 00:00 Sunday in Shanghai
    with tenant_scope(tenant):
        # when the store checks one in 31 minutes before: too early, nothing changed
        with pytest.raises(Conflict) as too_early:
            check_in(tenant=tenant, booking=early, by=manager, now=SLOT - minutes(31))
        assert too_early.value.code == "too_early"
        assert state(tenant) == before
        # and another at midnight after its day: too late, nothing changed
        with pytest.raises(Conflict) as too_late:
            check_in(tenant=tenant, booking=next_day, by=manager, now=midnight)
        assert too_late.value.code == "too_late"
        assert state(tenant) == before
        # when one is checked in exactly 30 minutes before, and one a minute before midnight
        first = check_in(tenant=tenant, booking=on_time, by=manager, now=SLOT - minutes(30))
        last = check_in(tenant=tenant, booking=next_day, by=manager, now=midnight - minutes(1))
        visits = list(
            StoreVisit.objects.order_by("visited_at").values_list(
                "booking_id", "store_id", "member_id", "source", "visited_at"
            )
        )
    # then both are checked in, each with its store visit
    assert (first.status, first.checked_in_at, last.status) == (
        BookingStatus.CHECKED_IN,
        SLOT - minutes(30),
        BookingStatus.CHECKED_IN,
    )
    assert visits == [
        (on_time.pk, store.pk, on_time.member_id, "check_in", SLOT - minutes(30)),
        (next_day.pk, store.pk, next_day.member_id, "check_in", midnight - minutes(1)),
    ]


def test_anyone_with_the_code_checks_in_and_the_visit_carries_the_visitor_id(tenant, store, service):
    booking = book(tenant, store, service, visitor_id="device-9")
    with tenant_scope(tenant):
        # when someone signed out presents the code (lower case is fine)
        done = check_in(tenant=tenant, code=booking.check_in_code.lower(), now=SLOT)
        visit = StoreVisit.objects.get()
    assert done.status == BookingStatus.CHECKED_IN
    assert (visit.booking_id, visit.member_id, visit.visitor_id, visit.source) == (
        booking.pk,
        booking.member_id,
        "device-9",
        "check_in",
    )


def test_a_code_that_is_not_the_bookings_checks_nobody_in(tenant, store, service, manager, other_manager):
    # (who may check in is bookings.policies, asked by the API and the pages: tests/bookings/test_policies.py)
    booking = book(tenant, store, service)
    before = state(tenant)
    with tenant_scope(tenant):
        # a code that is not the booking's is refused whoever brings it, its store's staff included
        for by in (manager, other_manager, None):
            with pytest.raises(InvalidInput) as caught:
                check_in(tenant=tenant, booking=booking, code="WRONGCOD", by=by, now=SLOT)
            assert caught.value.extra == {"errors": {"check_in_code": ["This check-in code is not this booking's."]}}
        with pytest.raises(NotFound):
            check_in(tenant=tenant, code="NOSUCHCD", now=SLOT)
    assert state(tenant) == before


def test_checking_in_twice_is_an_illegal_transition(tenant, store, service, guide):
    booking = book(tenant, store, service)
    with tenant_scope(tenant):
        check_in(tenant=tenant, booking=booking, by=guide, now=SLOT)
    before = state(tenant)
    with tenant_scope(tenant), pytest.raises(Conflict) as caught:
        check_in(tenant=tenant, booking=booking, by=guide, now=SLOT)
    assert caught.value.code == "illegal_transition"
    assert state(tenant) == before


def test_check_in_signals_are_sent_once_after_commit(
    tenant, store, service, manager, heard, django_capture_on_commit_callbacks
):
    booking = book(tenant, store, service)
    # when the store checks the booking in: nothing heard before the commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks, tenant_scope(tenant):
        check_in(tenant=tenant, booking=booking, by=manager, now=SLOT)
        visit = StoreVisit.objects.get()
    assert heard == []
    with django_capture_on_commit_callbacks(execute=True):  # the commit
        for callback in callbacks:
            callback()
    # then the check-in and the visit are each heard once
    assert [(name, kwargs["tenant"], kwargs.get("booking_id") or kwargs.get("visit_id")) for name, kwargs in heard] == [
        ("checked_in", tenant, booking.pk),
        ("visited", tenant, visit.pk),
    ]


def test_a_refused_check_in_is_never_heard(tenant, store, service, manager, heard, django_capture_on_commit_callbacks):
    booking = book(tenant, store, service)
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(tenant), pytest.raises(Conflict):
        check_in(tenant=tenant, booking=booking, by=manager, now=SLOT - minutes(31))
    assert heard == []


def test_no_show_only_after_the_slot_and_the_grace_period(tenant, store, service, manager):
    booking = book(tenant, store, service)
    end = SLOT + minutes(30)
    before = state(tenant)
    with tenant_scope(tenant):
        with pytest.raises(Conflict) as early:
            mark_no_show(tenant=tenant, booking=booking, by=manager, now=end + minutes(29))
        assert early.value.code == "too_early"
        assert state(tenant) == before
        marked = mark_no_show(tenant=tenant, booking=booking, by=manager, now=end + minutes(30))
        with pytest.raises(Conflict) as again:
            mark_no_show(tenant=tenant, booking=booking, by=manager, now=end + minutes(30))
    assert marked.status == BookingStatus.NO_SHOW
    assert again.value.code == "illegal_transition"
    assert occupancy(tenant, store, service) == {SLOT: (1, 2)}


def test_a_no_show_who_comes_later_that_day_is_checked_in_but_not_the_next_day(tenant, store, service, manager):
    # given two Saturday 10:00 bookings (Shanghai) the no-show job marked at 11:00
    late, later = (book(tenant, store, service, phone=f"1381234567{n}") for n in range(2))
    end = SLOT + minutes(30)
    midnight = dt.datetime(2026, 3, 21, 16, 0, tzinfo=UTC)  # 00:00 Sunday in Shanghai
    with tenant_scope(tenant):
        assert mark_no_shows(tenant=tenant, now=end + minutes(30)) == 2
        # when one of them arrives at 15:00 with their code, and the other only on Sunday
        arrived = check_in(tenant=tenant, code=late.check_in_code, now=SLOT + minutes(300))
        with pytest.raises(Conflict) as next_day:
            check_in(tenant=tenant, booking=later, by=manager, now=midnight)
        visits = list(StoreVisit.objects.values_list("booking_id", "source", "visited_at"))
        statuses = dict(Booking.objects.values_list("pk", "status"))
    # then the first is a visit after all (checked in at 15:00); the second stays a no-show
    assert (arrived.status, arrived.checked_in_at) == (BookingStatus.CHECKED_IN, SLOT + minutes(300))
    assert visits == [(late.pk, VisitSource.CHECK_IN, SLOT + minutes(300))]
    assert next_day.value.code == "too_late"
    assert statuses == {late.pk: BookingStatus.CHECKED_IN, later.pk: BookingStatus.NO_SHOW}
    # and the slot's places are as they were: both held (the slot is over)
    assert occupancy(tenant, store, service) == {SLOT: (2, 2)}


# --- walk-ins ----------------------------------------------------------------------------------


def test_a_walk_in_is_one_visit_per_person_and_day(tenant, store, member, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(tenant):
        # when the member scans the store's QR code twice on Saturday, and again on Sunday
        first, created = record_walk_in(tenant=tenant, store=store, member=member, visitor_id="v-1", now=SLOT)
        again, created_again = record_walk_in(tenant=tenant, store=store, member=member, now=SLOT + minutes(90))
        sunday, created_sunday = record_walk_in(
            tenant=tenant, store=store, member=member, now=SLOT + dt.timedelta(days=1)
        )
        served = list(ServedBy.objects.values_list("member_id", "store_id"))
    # then Saturday has one visit and Sunday another, each heard once
    assert (created, created_again, created_sunday) == (True, False, True)
    assert again.pk == first.pk
    assert (first.store_id, first.member_id, first.visitor_id, first.source, first.visited_at) == (
        store.pk,
        member.pk,
        "v-1",
        "walk_in",
        SLOT,
    )
    assert [(name, kwargs["visit_id"]) for name, kwargs in heard] == [("visited", first.pk), ("visited", sunday.pk)]
    # and the store now serves the member
    assert served == [(member.pk, store.pk)]


def test_anonymous_walk_ins_count_by_device_or_each_time(tenant, store):
    with tenant_scope(tenant):
        a, a_created = record_walk_in(tenant=tenant, store=store, visitor_id="device-1", now=SLOT)
        b, b_created = record_walk_in(tenant=tenant, store=store, visitor_id="device-1", now=SLOT + minutes(5))
        c, c_created = record_walk_in(tenant=tenant, store=store, now=SLOT)
        d, d_created = record_walk_in(tenant=tenant, store=store, now=SLOT)
        assert StoreVisit.objects.count() == 3
    assert (a_created, b_created, c_created, d_created) == (True, False, True, True)
    assert b.pk == a.pk
    assert c.pk != d.pk


def test_a_walk_in_at_a_closed_store_is_refused(tenant, store):
    with tenant_scope(tenant):
        store.is_active = False
        store.save(update_fields=["is_active"])
        with pytest.raises(InvalidInput) as caught:
            record_walk_in(tenant=tenant, store=store, now=SLOT)
        assert StoreVisit.objects.count() == 0
    assert caught.value.extra == {"errors": {"store": ["This store is closed."]}}
