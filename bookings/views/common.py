"""What the bookings pages of every portal share: the store's clock, a day in the query string, and
the bookings this browser made (a guest has no account to find them by).

Times are always shown on the clock of the booking's store.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone

from bookings.models import Booking
from stores.models import Store

GUEST_BOOKINGS = "bookings.guest_ids"  # session: ids of the bookings this browser made
MAX_REMEMBERED = 50


def zone_of(store: Store) -> ZoneInfo:
    return ZoneInfo(store.timezone)


def local_today(store: Store, now: dt.datetime | None = None) -> dt.date:
    """Today's date on the store's clock."""
    return (now or timezone.now()).astimezone(zone_of(store)).date()


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def parse_id(value: str | None) -> int | None:
    """A positive id from the query string, else None."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


def remembered_ids(request: HttpRequest) -> list[int]:
    """The ids of the bookings this browser made, latest first."""
    return [pk for pk in request.session.get(GUEST_BOOKINGS, []) if isinstance(pk, int)]


def remember(request: HttpRequest, booking: Booking) -> None:
    """Let this browser open the booking's page again (a guest has no account to find it by)."""
    ids = [pk for pk in remembered_ids(request) if pk != booking.pk]
    request.session[GUEST_BOOKINGS] = [booking.pk, *ids][:MAX_REMEMBERED]
