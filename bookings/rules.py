"""The clock rules of a booking (rules.md 2.4-2.5), in one place: the services enforce them, the
pages and the API show what they allow.

- A consumer may cancel or reschedule until `tenant.cancel_cutoff_minutes` before the start.
- A booking is checked in from `tenant.check_in_early_minutes` before its start to the end of
  that day on its store's clock; a `no_show` one still can, within that window (a consumer who
  comes late the same day is a visit, and the no-show was only the store's presumption).
- A `booked` booking becomes a no-show `tenant.no_show_grace_minutes` after its slot ends.
- A check-in code, when given, must be the booking's (`is_check_in_code`), whoever brings it.
- The visit of a try-in-store order is cancelled with its order, never alone (`cancellable_alone`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.crypto import constant_time_compare

from bookings.choices import BookingStatus
from bookings.models import Booking
from o2o.models import Tenant

# the statuses a booking is checked in from: a no-show still can, within the check-in window
CHECK_IN_FROM = (BookingStatus.BOOKED, BookingStatus.NO_SHOW)


def end_of_local_day(*, moment: dt.datetime, timezone_name: str) -> dt.datetime:
    """The next midnight after `moment` on the clock of `timezone_name`, as an aware instant."""
    zone = ZoneInfo(timezone_name)
    day = moment.astimezone(zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def change_deadline(*, tenant: Tenant, booking: Booking) -> dt.datetime:
    """Until when a consumer may cancel or reschedule `booking` (inclusive)."""
    return booking.start_at - dt.timedelta(minutes=tenant.cancel_cutoff_minutes)


def may_change(*, tenant: Tenant, booking: Booking, now: dt.datetime) -> bool:
    """Whether the consumer may still cancel or reschedule `booking` at `now` (its status apart)."""
    return now <= change_deadline(tenant=tenant, booking=booking)


def check_in_opens(*, tenant: Tenant, booking: Booking) -> dt.datetime:
    """When the check-in of `booking` opens (inclusive)."""
    return check_in_opens_for(tenant=tenant, start_at=booking.start_at)


def check_in_opens_for(*, tenant: Tenant, start_at: dt.datetime) -> dt.datetime:
    """When the check-in of a booking starting at `start_at` opens (inclusive)."""
    return start_at - dt.timedelta(minutes=tenant.check_in_early_minutes)


def check_in_closes(*, booking: Booking) -> dt.datetime:
    """When the check-in of `booking` closes (exclusive): the end of its day on its store's clock.

    Needs the booking's store (`select_related("store")`)."""
    return end_of_local_day(moment=booking.start_at, timezone_name=booking.store.timezone)


def may_check_in(*, tenant: Tenant, booking: Booking, now: dt.datetime) -> bool:
    """Whether `booking` may be checked in at `now`: its status and the check-in window."""
    return booking.status in CHECK_IN_FROM and check_in_opens(tenant=tenant, booking=booking) <= now < check_in_closes(
        booking=booking
    )


def no_show_grace(*, tenant: Tenant) -> dt.timedelta:
    """How long after its slot ends a `booked` booking becomes a no-show."""
    return dt.timedelta(minutes=tenant.no_show_grace_minutes)


def may_mark_no_show(*, tenant: Tenant, booking: Booking, now: dt.datetime) -> bool:
    """Whether `booking` may be marked a no-show at `now`: `booked`, its slot over by the grace."""
    return booking.status == BookingStatus.BOOKED and now >= booking.end_at + no_show_grace(tenant=tenant)


def is_check_in_code(*, booking: Booking, code: str) -> bool:
    """Whether `code` (as typed or scanned: case and surrounding spaces aside) is the booking's."""
    return bool(code.strip()) and constant_time_compare(code.strip().upper(), booking.check_in_code)


def cancellable_alone(*, booking: Booking) -> bool:
    """Whether `booking` may be cancelled by itself: not the visit of a try-in-store order (that one
    goes with its order, which would otherwise keep its goods held for a visit that is gone)."""
    return not booking.for_order
