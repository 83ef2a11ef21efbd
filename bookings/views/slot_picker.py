"""The slot picker of the consumer's pages (booking and rescheduling): the next two weeks as day
tabs, and the slots of the selected day with the places left, times on the store's clock."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bookings import slots
from bookings.views.common import local_today, zone_of
from o2o.models import Tenant
from stores.models import StoreService

BOOKING_DAYS = 14  # the consumer picks a day among the next two weeks


@dataclass(frozen=True)
class SlotView:
    """A slot as the pages show it: times on the store's clock, places left, where picking it goes."""

    start: dt.datetime  # aware, on the store's clock
    end: dt.datetime
    remaining: int
    value: str  # the start as ISO 8601 UTC: what the forms post
    url: str = ""

    @property
    def is_full(self) -> bool:
        return self.remaining <= 0


@dataclass(frozen=True)
class DayTab:
    day: dt.date
    available: int  # slots with a place left
    selected: bool
    url: str


@dataclass
class SlotPicker:
    """The next `BOOKING_DAYS` days of a service at a store, and the slots of the selected day."""

    days: list[DayTab]
    day: dt.date | None
    slots: list[SlotView]


def slot_picker(
    *,
    tenant: Tenant,
    offering: StoreService,
    wanted_day: dt.date | None,
    base_url: str,
    params: dict[str, Any],
    confirm_url: str = "",
    now: dt.datetime,
) -> SlotPicker:
    """The day tabs (links to `base_url` with `params` and `day`) and the selected day's slots of
    `offering` (with its store and service: `slots.find_offering`), in one query (the places taken).

    Without a (valid) wanted day, the first day with a free place is selected. Each slot links to
    `confirm_url` with `params` and its `start` when `confirm_url` is given.
    """
    zone = zone_of(offering.store)
    first_day = local_today(offering.store, now)
    found = slots.slots_of_offering(tenant=tenant, offering=offering, first_day=first_day, days=BOOKING_DAYS, now=now)
    by_day: dict[dt.date, list[slots.Slot]] = OrderedDict(
        (first_day + dt.timedelta(days=n), []) for n in range(BOOKING_DAYS)
    )
    for slot in found:
        by_day.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    if wanted_day not in by_day:
        wanted_day = next((day for day, day_slots in by_day.items() if any(s.remaining for s in day_slots)), None)
    days = [
        DayTab(
            day=day,
            available=sum(1 for slot in day_slots if slot.remaining > 0),
            selected=day == wanted_day,
            url=f"{base_url}?{urlencode({**params, 'day': day.isoformat()})}",
        )
        for day, day_slots in by_day.items()
    ]
    views = []
    for slot in by_day.get(wanted_day, []) if wanted_day else []:
        value = slot.start.astimezone(dt.UTC).isoformat()
        url = f"{confirm_url}?{urlencode({**params, 'start': value})}" if confirm_url else ""
        views.append(SlotView(slot.start.astimezone(zone), slot.end.astimezone(zone), slot.remaining, value, url))
    return SlotPicker(days=days, day=wanted_day, slots=views)
