"""Bookable slots of a service at a store (rules.md 2.1-2.2), computed from the store's week.

A store's `opening_hours` (`{"mon": [["10:00", "22:00"]], ..., "sun": []}`) are wall-clock times
in the store's own time zone. The slots of a day start at each opening time and follow each other
every `slot_interval_minutes` (the service's duration), each ending by its interval's closing
time; a day may have several intervals (a lunch break). Each slot is then turned into an aware
UTC instant with `zoneinfo`, so a store in Asia/Shanghai and one in Europe/Berlin open at their
own 10:00, and a store keeps its wall-clock hours across daylight-saving changes:

- a wall-clock start that does not exist (the hour skipped when clocks spring forward) is not a
  slot; the slots around it are kept;
- a wall-clock start that exists twice (the hour repeated when clocks fall back) is one slot, at
  its first occurrence (`fold=0`, summer time); the repeated hour's second pass offers no slots;
- a slot lasts the service's duration in real (elapsed) time: `end = start + duration`, so a
  slot that straddles a change ends at the right instant (01:30 CET + 60 min ends at 03:30 CEST).

A slot may be booked from `tenant.min_notice_minutes` ahead (its start at least that far from
now) up to `tenant.booking_window_days` ahead (its start at most that far from now); the others
are not listed, and `book_visit` refuses them. `remaining = capacity - taken`, where `taken`
comes from the slot's `SlotOccupancy` row (none yet: nothing taken) and `capacity` is the store's
current offering of the service (never below 0 when the capacity was lowered under what is taken).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.models import SlotOccupancy
from bookings.selectors import bookable_offerings
from catalog.models import Service
from o2o.errors import InvalidInput, NotFound
from o2o.models import Tenant
from stores.choices import WEEKDAYS
from stores.models import Store, StoreService

UTC = dt.UTC
MAX_RANGE_DAYS = 30
_DAY_MINUTES = 24 * 60
_ONE_DAY = dt.timedelta(days=1)
# per minute of the day: its clock text and its offset from midnight (built once; a 30-day window
# formats ~1,500 times, which would otherwise dominate the listing)
_CLOCK = [f"{m // 60:02d}:{m % 60:02d}:00" for m in range(_DAY_MINUTES)]
_AFTER_MIDNIGHT = [dt.timedelta(minutes=m) for m in range(_DAY_MINUTES + 1)]


@dataclass(frozen=True)
class Slot:
    """One slot: aware UTC `start` and `end`, how many places are left in it, and its start and
    end as ISO 8601 texts on the store's clock with their offset (`2026-03-21T10:00:00+08:00`)."""

    start: dt.datetime
    end: dt.datetime
    remaining: int
    local_start: str = ""
    local_end: str = ""


# (start, end, local_start, local_end) of a slot, before places are counted
_Times = tuple[dt.datetime, dt.datetime, str, str]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _intervals(store: Store, weekday: int) -> list[tuple[int, int]]:
    """A weekday's opening intervals in minutes after local midnight; malformed entries are skipped."""
    hours = store.opening_hours if isinstance(store.opening_hours, dict) else {}
    intervals = []
    for interval in hours.get(WEEKDAYS[weekday]) or []:
        try:
            opens, closes = (_minutes(interval[0]), _minutes(interval[1]))
        except (TypeError, ValueError, IndexError):
            continue
        if 0 <= opens < closes <= _DAY_MINUTES:
            intervals.append((opens, closes))
    return sorted(intervals)


def _exists(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """`wall` (naive, the store's clock) as an aware UTC instant, or None in a spring-forward gap."""
    start = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if start.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return start


def _day_slots(
    *, zone: ZoneInfo, intervals: list[tuple[int, int]], duration_minutes: int, day: dt.date
) -> list[_Times]:
    """The slots of `day` given its opening intervals (minutes after local midnight)."""
    if not intervals:
        return []
    midnight = dt.datetime.combine(day, dt.time())
    duration = (
        _AFTER_MIDNIGHT[duration_minutes]
        if duration_minutes <= _DAY_MINUTES
        else dt.timedelta(minutes=duration_minutes)
    )
    first = midnight.replace(tzinfo=zone)
    offset = first.utcoffset()
    times: list[_Times] = []
    if offset is not None and offset == (midnight + _AFTER_MIDNIGHT[_DAY_MINUTES - 1]).replace(tzinfo=zone).utcoffset():
        # the usual day: one UTC offset from 00:00 to 23:59, so wall-clock arithmetic is exact
        base = (midnight - offset).replace(tzinfo=UTC)
        suffix = first.isoformat()[19:]
        date_text = day.isoformat()
        for opens, closes in intervals:
            for minute in range(opens, closes - duration_minutes + 1, duration_minutes):
                start = base + _AFTER_MIDNIGHT[minute]
                end = start + duration
                ends = minute + duration_minutes
                end_text = (
                    f"{date_text}T{_CLOCK[ends]}{suffix}" if ends < _DAY_MINUTES else end.astimezone(zone).isoformat()
                )
                times.append((start, end, f"{date_text}T{_CLOCK[minute]}{suffix}", end_text))
        return times
    # a day with a daylight-saving change: each wall-clock start converted on its own
    for opens, closes in intervals:
        for minute in range(opens, closes - duration_minutes + 1, duration_minutes):
            begins = _exists(midnight + _AFTER_MIDNIGHT[minute], zone)
            if begins is not None:
                ends_at = begins + duration
                times.append(
                    (begins, ends_at, begins.astimezone(zone).isoformat(), ends_at.astimezone(zone).isoformat())
                )
    return times


def day_slot_times(*, store: Store, duration_minutes: int, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The (start, end) UTC instants of every slot of `day` (a date on the store's calendar).

    No notice, window or capacity applied: only the store's hours and the service's duration.
    """
    slots = _day_slots(
        zone=ZoneInfo(store.timezone),
        intervals=_intervals(store, day.weekday()),
        duration_minutes=duration_minutes,
        day=day,
    )
    return [(start, end) for start, end, _, _ in slots]


def bookable_range(*, tenant: Tenant, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and the latest start a booking made at `now` may have (both included)."""
    return (
        now + dt.timedelta(minutes=tenant.min_notice_minutes),
        now + dt.timedelta(days=tenant.booking_window_days),
    )


def check_slot_start(
    *, tenant: Tenant, store: Store, duration_minutes: int, start_at: dt.datetime, now: dt.datetime
) -> dt.datetime:
    """The end of the slot starting at `start_at`; InvalidInput naming `start` when it is not one.

    Not one: not a slot start of the service at the store (closed, misaligned, the second pass of
    a repeated hour), too soon (minimum notice) or too far (booking window).
    """
    if start_at.tzinfo is None:
        raise InvalidInput("start", _("Give the start with its UTC offset."))
    # the window first: it also keeps a time near the calendar's ends from overflowing below
    earliest, latest = bookable_range(tenant=tenant, now=now)
    if start_at < earliest:
        raise InvalidInput(
            "start", _("Book at least %(minutes)d minutes ahead.") % {"minutes": tenant.min_notice_minutes}
        )
    if start_at > latest:
        raise InvalidInput("start", _("Book at most %(days)d days ahead.") % {"days": tenant.booking_window_days})
    local_day = start_at.astimezone(ZoneInfo(store.timezone)).date()
    ends = dict(day_slot_times(store=store, duration_minutes=duration_minutes, day=local_day))
    end_at = ends.get(start_at.astimezone(UTC))
    if end_at is None:
        raise InvalidInput("start", _("This is not a slot of the service at this store."))
    return end_at


def _days(first_day: dt.date, days: int) -> Iterable[dt.date]:
    return (first_day + dt.timedelta(days=n) for n in range(days))


def slots_of_offering(
    *, tenant: Tenant, offering: StoreService, first_day: dt.date, days: int, now: dt.datetime
) -> list[Slot]:
    """The bookable slots of `offering` (with its store and service loaded) on `days` days from
    `first_day`, in time order, with one query for the occupancy of the whole range."""
    store, duration = offering.store, offering.service.duration_minutes
    earliest, latest = bookable_range(tenant=tenant, now=now)
    # only the days that may hold a bookable slot (also keeps far-away dates from overflowing)
    zone = ZoneInfo(store.timezone)
    first = max(first_day, earliest.astimezone(zone).date())
    last_bookable = latest.astimezone(zone).date()
    if first > last_bookable or first_day > last_bookable:
        return []
    last = min(last_bookable, first_day + dt.timedelta(days=days - 1))
    week = [_intervals(store, weekday) for weekday in range(7)]
    times = [
        slot
        for day in _days(first, (last - first).days + 1)
        for slot in _day_slots(zone=zone, intervals=week[day.weekday()], duration_minutes=duration, day=day)
        if earliest <= slot[0] <= latest
    ]
    if not times:
        return []
    taken = dict(
        SlotOccupancy.objects.filter(
            tenant=tenant,
            store_id=offering.store_id,
            service_id=offering.service_id,
            start_at__gte=times[0][0],
            start_at__lte=times[-1][0],
        ).values_list("start_at", "taken")
    )
    capacity = offering.capacity
    return [
        Slot(
            start=start,
            end=end,
            remaining=max(0, capacity - taken.get(start, 0)),
            local_start=local_start,
            local_end=local_end,
        )
        for start, end, local_start, local_end in times
    ]


def _with_taken(queryset: QuerySet[StoreService], *, tenant: Tenant, taken_at: dt.datetime) -> QuerySet[StoreService]:
    """Each offering with `taken`: the places taken in its slot starting at `taken_at` (0 when none)."""
    places = SlotOccupancy.objects.filter(
        tenant=tenant, store_id=OuterRef("store_id"), service_id=OuterRef("service_id"), start_at=taken_at
    ).values("taken")[:1]
    return queryset.annotate(taken=Coalesce(Subquery(places), 0))


def find_offering(
    *, tenant: Tenant, store_id: int, service_id: int, taken_at: dt.datetime | None = None
) -> StoreService | None:
    """The offering of an active service at an active store with the `services` capability, with
    its store and service (and with `taken_at`, the places taken then), in one query; None when
    there is none (or either is another brand's)."""
    queryset = bookable_offerings(tenant=tenant).filter(store_id=store_id, service_id=service_id)
    queryset = queryset.select_related("store", "service")
    if taken_at is not None:
        queryset = _with_taken(queryset, tenant=tenant, taken_at=taken_at)
    return queryset.first()


def get_bookable_offering(*, tenant: Tenant, store_id: int | None, service_id: int | None) -> StoreService:
    """`find_offering` for the booking pages (ids from the query string, None when missing or
    malformed): NotFound when there is none."""
    offering = None
    if store_id is not None and service_id is not None:
        offering = find_offering(tenant=tenant, store_id=store_id, service_id=service_id)
    if offering is None:
        raise NotFound(_("This store does not offer this service."))
    return offering


def get_offering(*, tenant: Tenant, store: Store, service_id: int, taken_at: dt.datetime | None = None) -> StoreService:
    """The store's offering of the service (with the service), if bookable; else InvalidInput
    naming `service` (not offered, inactive, another brand's, or the store is closed for good or
    has no `services` capability).

    With `taken_at`, the offering also carries `taken`: the places taken in the slot starting then
    (0 when none), read in the same query.
    """
    queryset = StoreService.objects.filter(
        tenant=tenant,
        store_id=store.pk,
        service_id=service_id,
        service__is_active=True,
    ).select_related("service")
    if taken_at is not None:
        queryset = _with_taken(queryset, tenant=tenant, taken_at=taken_at)
    offering = queryset.first()
    if offering is None or not store.is_active or not store.offers_services:
        raise InvalidInput("service", _("This store does not offer this service."))
    offering.store = store
    return offering


def list_slots_range(
    *, tenant: Tenant, store: Store, service: Service | int, first_day: dt.date, days: int, now: dt.datetime
) -> list[Slot]:
    """The bookable slots of `service` (a Service or its id) at `store` on `days` (1 to 30) days
    from `first_day` (dates on the store's calendar). Two queries: the offering, the occupancy.

    Raises InvalidInput naming `service` (not offered) or `days` (out of range).
    """
    if not 1 <= days <= MAX_RANGE_DAYS:
        raise InvalidInput("days", _("Give 1 to %(max)d days.") % {"max": MAX_RANGE_DAYS})
    service_id = service.pk if isinstance(service, Service) else service
    offering = get_offering(tenant=tenant, store=store, service_id=service_id)
    return slots_of_offering(tenant=tenant, offering=offering, first_day=first_day, days=days, now=now)


def list_slots(*, tenant: Tenant, store: Store, service: Service | int, day: dt.date, now: dt.datetime) -> list[Slot]:
    """The bookable slots of `service` at `store` on `day` (a date on the store's calendar)."""
    return list_slots_range(tenant=tenant, store=store, service=service, first_day=day, days=1, now=now)
