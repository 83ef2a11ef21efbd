"""What the bookings pages of every portal share: the store's clock, and a day in the query string.

Times are always shown on the clock of the booking's store.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from stores.models import Store


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
