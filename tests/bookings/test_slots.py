"""Slot computation (rules.md 2.1-2.2): the store's week on its own clock, across time zones and
daylight-saving changes, with the minimum notice, the booking window and what is left per slot."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.services import book_visit
from bookings.slots import Slot, check_slot_start, list_slots, list_slots_range
from o2o.errors import InvalidInput
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NOW, SLOT
from tests.bookings.factories import bookable_store, hours, make_service, offer

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc, arg-type]  # mypy: *parts might reach tzinfo


def starts(slots: list[Slot]) -> list[tuple[dt.datetime, dt.datetime, int]]:
    return [(slot.start, slot.end, slot.remaining) for slot in slots]


@pytest.mark.django_db
def test_a_days_slots_start_at_opening_every_duration_and_end_by_closing(tenant, store, service):
    # when the slots of a Saturday are listed (open 10:00-12:00 and 14:00-16:00 Shanghai, 30 minutes)
    with tenant_scope(tenant):
        slots = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 3, 21), now=NOW)
    # then there are eight, two places each, as UTC instants (Shanghai is UTC+8)
    assert starts(slots) == [
        (utc(2026, 3, 21, 2, 0), utc(2026, 3, 21, 2, 30), 2),
        (utc(2026, 3, 21, 2, 30), utc(2026, 3, 21, 3, 0), 2),
        (utc(2026, 3, 21, 3, 0), utc(2026, 3, 21, 3, 30), 2),
        (utc(2026, 3, 21, 3, 30), utc(2026, 3, 21, 4, 0), 2),
        (utc(2026, 3, 21, 6, 0), utc(2026, 3, 21, 6, 30), 2),
        (utc(2026, 3, 21, 6, 30), utc(2026, 3, 21, 7, 0), 2),
        (utc(2026, 3, 21, 7, 0), utc(2026, 3, 21, 7, 30), 2),
        (utc(2026, 3, 21, 7, 30), utc(2026, 3, 21, 8, 0), 2),
    ]


@pytest.mark.django_db
def test_a_slot_that_would_end_after_closing_is_not_offered_and_a_closed_day_has_none(tenant):
    # given a 45-minute service at a store open 10:00-11:30 on Mondays only
    with tenant_scope(tenant):
        store = bookable_store(tenant, opening_hours=hours(("10:00", "11:30"), days=("mon",)))
        styling = make_service(tenant, "Styling", duration_minutes=45)
        offer(tenant, store, (styling, 1))
        # when Monday 2026-03-23 and Tuesday 2026-03-24 are listed
        monday = list_slots(tenant=tenant, store=store, service=styling, day=dt.date(2026, 3, 23), now=NOW)
        tuesday = list_slots(tenant=tenant, store=store, service=styling, day=dt.date(2026, 3, 24), now=NOW)
    # then Monday has 10:00 and 10:45 (11:30 would end at 12:15), Tuesday nothing
    assert starts(monday) == [
        (utc(2026, 3, 23, 2, 0), utc(2026, 3, 23, 2, 45), 1),
        (utc(2026, 3, 23, 2, 45), utc(2026, 3, 23, 3, 30), 1),
    ]
    assert tuesday == []


@pytest.mark.django_db
def test_a_shanghai_and_a_berlin_store_each_open_at_their_own_ten_oclock(tenant, store, berlin_store, service):
    # given both stores open 10:00-11:00 on their own clocks
    with tenant_scope(tenant):
        for shop in (store, berlin_store):
            shop.opening_hours = hours(("10:00", "11:00"))
            shop.save(update_fields=["opening_hours"])
        offer(tenant, berlin_store, (service, 1))
        # when Tuesday 2026-03-24 is listed at each
        shanghai = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 3, 24), now=NOW)
        berlin = list_slots(tenant=tenant, store=berlin_store, service=service, day=dt.date(2026, 3, 24), now=NOW)
    # then Shanghai's 10:00 is 02:00 UTC and Berlin's (winter time, UTC+1) is 09:00 UTC
    assert starts(shanghai) == [
        (utc(2026, 3, 24, 2, 0), utc(2026, 3, 24, 2, 30), 2),
        (utc(2026, 3, 24, 2, 30), utc(2026, 3, 24, 3, 0), 2),
    ]
    assert starts(berlin) == [
        (utc(2026, 3, 24, 9, 0), utc(2026, 3, 24, 9, 30), 1),
        (utc(2026, 3, 24, 9, 30), utc(2026, 3, 24, 10, 0), 1),
    ]


@pytest.mark.django_db
def test_berlin_keeps_its_wall_clock_hours_across_the_spring_change(tenant, berlin_store, service):
    # given a Berlin store open 10:00-11:00, and the clocks going forward on Sunday 2026-03-29
    with tenant_scope(tenant):
        berlin_store.opening_hours = hours(("10:00", "11:00"))
        berlin_store.save(update_fields=["opening_hours"])
        offer(tenant, berlin_store, (service, 1))
        saturday = list_slots(tenant=tenant, store=berlin_store, service=service, day=dt.date(2026, 3, 28), now=NOW)
        sunday = list_slots(tenant=tenant, store=berlin_store, service=service, day=dt.date(2026, 3, 29), now=NOW)
    # then 10:00 is 09:00 UTC on Saturday (CET) and 08:00 UTC on Sunday (CEST)
    assert [slot.start for slot in saturday] == [utc(2026, 3, 28, 9, 0), utc(2026, 3, 28, 9, 30)]
    assert [slot.start for slot in sunday] == [utc(2026, 3, 29, 8, 0), utc(2026, 3, 29, 8, 30)]
    assert [slot.start.astimezone(BERLIN).strftime("%H:%M %Z") for slot in saturday + sunday] == [
        "10:00 CET",
        "10:30 CET",
        "10:00 CEST",
        "10:30 CEST",
    ]


@pytest.mark.django_db
def test_the_hour_skipped_in_spring_has_no_slot(tenant, berlin_store):
    # given a night service of 60 minutes in Berlin, open 01:00-04:00 on Sundays
    with tenant_scope(tenant):
        berlin_store.opening_hours = hours(("01:00", "04:00"), days=("sun",))
        berlin_store.save(update_fields=["opening_hours"])
        night = make_service(tenant, "Night consultation", duration_minutes=60)
        offer(tenant, berlin_store, (night, 1))
        # when the Sunday the clocks jump from 02:00 to 03:00 is listed
        slots = list_slots(tenant=tenant, store=berlin_store, service=night, day=dt.date(2026, 3, 29), now=NOW)
    # then 01:00 CET and 03:00 CEST are slots, 02:00 (which does not exist) is not; the 01:00 slot
    # lasts 60 real minutes and ends at 03:00 CEST
    assert starts(slots) == [
        (utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 1, 0), 1),
        (utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 2, 0), 1),
    ]
    assert [slot.start.astimezone(BERLIN).isoformat() for slot in slots] == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]


@pytest.mark.django_db
def test_the_hour_repeated_in_autumn_is_offered_once(tenant, berlin_store):
    # given a 30-minute night service in Berlin, open 01:00-04:00 on Sundays
    with tenant_scope(tenant):
        berlin_store.opening_hours = hours(("01:00", "04:00"), days=("sun",))
        berlin_store.save(update_fields=["opening_hours"])
        night = make_service(tenant, "Night consultation", duration_minutes=30)
        offer(tenant, berlin_store, (night, 1))
        # when Sunday 2026-10-25 is listed (clocks go back from 03:00 CEST to 02:00 CET)
        slots = list_slots(
            tenant=tenant, store=berlin_store, service=night, day=dt.date(2026, 10, 25), now=utc(2026, 10, 20, 12, 0)
        )
    # then 02:00 and 02:30 are slots once, at their first pass (CEST); the second pass has none
    assert [slot.start.astimezone(BERLIN).isoformat() for slot in slots] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T01:30:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T03:00:00+01:00",
        "2026-10-25T03:30:00+01:00",
    ]
    assert [slot.start for slot in slots] == [
        utc(2026, 10, 24, 23, 0),
        utc(2026, 10, 24, 23, 30),
        utc(2026, 10, 25, 0, 0),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 2, 0),
        utc(2026, 10, 25, 2, 30),
    ]


@pytest.mark.django_db
def test_slots_inside_the_minimum_notice_are_not_offered(tenant, store, service):
    # given it is 09:30 in Shanghai on Saturday, and the brand asks for 60 minutes' notice
    now = utc(2026, 3, 21, 1, 30)
    assert tenant.min_notice_minutes == 60
    # when that day is listed
    with tenant_scope(tenant):
        slots = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 3, 21), now=now)
    # then 10:00 (30 minutes ahead) is left out and 10:30 (exactly 60 minutes ahead) is the first
    assert [slot.start for slot in slots] == [
        utc(2026, 3, 21, 2, 30),
        utc(2026, 3, 21, 3, 0),
        utc(2026, 3, 21, 3, 30),
        utc(2026, 3, 21, 6, 0),
        utc(2026, 3, 21, 6, 30),
        utc(2026, 3, 21, 7, 0),
        utc(2026, 3, 21, 7, 30),
    ]


@pytest.mark.django_db
def test_slots_beyond_the_booking_window_are_not_offered(tenant, store, service):
    # given it is 10:00 in Shanghai on 2026-03-20 and the window is 30 days
    assert tenant.booking_window_days == 30
    with tenant_scope(tenant):
        # when the 30th and 31st days ahead are listed
        last = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 4, 19), now=NOW)
        beyond = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 4, 20), now=NOW)
    # then only 10:00 of the 30th day (exactly 30 days ahead) is offered, and nothing after it
    assert starts(last) == [(utc(2026, 4, 19, 2, 0), utc(2026, 4, 19, 2, 30), 2)]
    assert beyond == []


@pytest.mark.django_db
def test_remaining_counts_the_places_taken_and_follows_the_current_capacity(tenant, store, service, member):
    # given one place taken at 10:00
    with tenant_scope(tenant):
        book_visit(
            tenant=tenant, store=store, service=service, start_at=SLOT, member=member, name="", phone="", now=NOW
        )
        before = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 3, 21), now=NOW)
        # when the store raises the capacity to 3
        offer(tenant, store, (service, 3))
        after = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 3, 21), now=NOW)
    # then 10:00 had one place left of two, and has two of three
    assert [slot.remaining for slot in before] == [1, 2, 2, 2, 2, 2, 2, 2]
    assert [slot.remaining for slot in after] == [2, 3, 3, 3, 3, 3, 3, 3]


@pytest.mark.django_db
def test_a_30_day_range_costs_the_same_two_queries_as_one_day(tenant, store, service, django_assert_num_queries):
    with tenant_scope(tenant):
        # when one day, then 30 days are listed: the offering, then the occupancy of the whole range
        with django_assert_num_queries(2):
            one = list_slots_range(
                tenant=tenant, store=store, service=service, first_day=dt.date(2026, 3, 21), days=1, now=NOW
            )
        with django_assert_num_queries(2):
            month = list_slots_range(
                tenant=tenant, store=store, service=service.pk, first_day=dt.date(2026, 3, 20), days=30, now=NOW
            )
    # then the 30 days from today (2026-03-20 to 2026-04-18) hold every day's eight slots, but
    # today's from 11:00 (60 minutes' notice at 10:00): six; in time order
    assert len(one) == 8
    assert len(month) == 6 + 29 * 8
    assert [slot.start for slot in month] == sorted(slot.start for slot in month)


@pytest.mark.django_db
def test_a_service_the_store_does_not_offer_names_the_service(tenant, store, other_store, service):
    with tenant_scope(tenant):
        facial = make_service(tenant, "Facial")
        other_store.offers_services = False
        other_store.save(update_fields=["offers_services"])
        for shop, what in ((store, facial), (other_store, service)):
            # when slots of a service not offered there are asked for
            with pytest.raises(InvalidInput) as caught:
                list_slots(tenant=tenant, store=shop, service=what, day=dt.date(2026, 3, 21), now=NOW)
            # then the answer names the service
            assert caught.value.extra == {"errors": {"service": ["This store does not offer this service."]}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "message"),
    [
        (
            dt.datetime(2026, 3, 21, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
            "This is not a slot of the service at this store.",
        ),
        (
            dt.datetime(2026, 3, 21, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
            "This is not a slot of the service at this store.",
        ),
        (dt.datetime(2026, 3, 20, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")), "Book at least 60 minutes ahead."),
        (dt.datetime(2026, 4, 19, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")), "Book at most 30 days ahead."),
        (dt.datetime(2026, 3, 21, 10, 0), "Give the start with its UTC offset."),
    ],
    ids=["misaligned", "closed", "too-soon", "too-far", "naive"],
)
def test_a_start_that_is_not_a_bookable_slot_names_the_start(tenant, store, start, message):
    with tenant_scope(tenant), pytest.raises(InvalidInput) as caught:
        check_slot_start(tenant=tenant, store=store, duration_minutes=30, start_at=start, now=NOW)
    assert caught.value.extra == {"errors": {"start": [message]}}


@pytest.mark.django_db
def test_the_second_pass_of_a_repeated_hour_is_not_a_slot_start(tenant, berlin_store):
    # given a Berlin store open at night on Sundays
    berlin_store.opening_hours = hours(("01:00", "04:00"), days=("sun",))
    now = utc(2026, 10, 20, 12, 0)
    first = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0)
    second = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1)
    # then 02:30 CEST is a slot (ending 03:00 CEST), 02:30 CET is not
    assert check_slot_start(tenant=tenant, store=berlin_store, duration_minutes=30, start_at=first, now=now) == utc(
        2026, 10, 25, 1, 0
    )
    with pytest.raises(InvalidInput):
        check_slot_start(tenant=tenant, store=berlin_store, duration_minutes=30, start_at=second, now=now)


@pytest.mark.django_db
def test_malformed_opening_hours_give_no_slots_rather_than_an_error(tenant, store, service):
    # given hours stored without the stores service's checks (a bad pair, a bad time, a reversed interval)
    with tenant_scope(tenant):
        store.opening_hours = {"sat": [["10:00"], ["xx", "11:00"], ["15:00", "14:00"], ["15:00", "15:30"]]}
        store.save(update_fields=["opening_hours"])
        slots = list_slots(tenant=tenant, store=store, service=service, day=dt.date(2026, 3, 21), now=NOW)
    # then only the good interval gives its slot
    assert starts(slots) == [(utc(2026, 3, 21, 7, 0), utc(2026, 3, 21, 7, 30), 2)]
