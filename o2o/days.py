"""Calendar days on a brand's or a store's clock, as the instants a filter compares with.

A date filter takes any date the calendar has, and the calendar's first and last days have no
instant before or after them: 0001-01-01 begins before year 1 in UTC east of Greenwich, and
9999-12-31 has no next day. Those sides are left open (nothing stored lies beyond them), so that
a filter by such a day answers like any other instead of failing in the date arithmetic or in the
database driver.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q


def day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime | None:
    """The first instant of `day` on `zone`'s clock; None for the calendar's first day (open)."""
    return None if day == dt.date.min else dt.datetime.combine(day, dt.time(), tzinfo=zone)


def day_end(day: dt.date, zone: ZoneInfo) -> dt.datetime | None:
    """The first instant after `day` on `zone`'s clock; None for the calendar's last day (open)."""
    return None if day == dt.date.max else dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def on_days(field: str, zone: ZoneInfo, first: dt.date | None = None, last: dt.date | None = None) -> Q:
    """The datetime `field` falls on the days `first` to `last`, both included, on `zone`'s clock;
    either side None (or the calendar's end) is open."""
    start = day_start(first, zone) if first is not None else None
    end = day_end(last, zone) if last is not None else None
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field}__lt": end})
    return condition
