"""o2o.days: the instants of a calendar day on a brand's or store's clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q

from o2o.days import day_end, day_start, on_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def test_a_day_spans_midnight_to_midnight_on_its_zones_clock():
    day = dt.date(2026, 3, 8)  # New York moves its clocks forward that night
    assert day_start(day, SHANGHAI) == dt.datetime(2026, 3, 7, 16, 0, tzinfo=dt.UTC)
    assert day_end(day, SHANGHAI) == dt.datetime(2026, 3, 8, 16, 0, tzinfo=dt.UTC)
    assert day_start(day, NEW_YORK) == dt.datetime(2026, 3, 8, 5, 0, tzinfo=dt.UTC)
    assert day_end(day, NEW_YORK) == dt.datetime(2026, 3, 9, 4, 0, tzinfo=dt.UTC)  # a 23-hour day


def test_the_calendars_first_and_last_days_are_open_on_their_outer_side():
    assert day_start(dt.date.min, SHANGHAI) is None
    assert day_end(dt.date.min, SHANGHAI) == dt.datetime(1, 1, 2, tzinfo=SHANGHAI)  # its local mean time then
    assert day_start(dt.date.max, SHANGHAI) == dt.datetime(9999, 12, 30, 16, 0, tzinfo=dt.UTC)
    assert day_end(dt.date.max, SHANGHAI) is None


def test_a_range_of_days_filters_from_the_first_days_start_to_the_last_days_end():
    first, last = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    assert on_days("at", SHANGHAI, first, last) == Q(at__gte=day_start(first, SHANGHAI)) & Q(
        at__lt=day_end(last, SHANGHAI)
    )
    assert on_days("at", SHANGHAI, first=first) == Q(at__gte=day_start(first, SHANGHAI))
    assert on_days("at", SHANGHAI, last=last) == Q(at__lt=day_end(last, SHANGHAI))
    assert on_days("at", SHANGHAI, dt.date.min, dt.date.max) == Q()
