"""Weekly opening hours: their format and its check."""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.utils.translation import gettext as _

from o2o.errors import InvalidInput
from stores.choices import WEEKDAYS

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate_opening_hours(value: Any) -> dict[str, list[list[str]]]:
    """The weekly opening hours `value`, checked and with each day's intervals in order.

    Format: `{"mon": [["10:00", "22:00"]], ..., "sun": []}`: all seven days, times `HH:MM` (a day
    may close at "24:00"), each interval opening before it closes, no two intervals of a day
    overlapping (touching is fine); an empty list is a closed day. Raises InvalidInput naming
    `opening_hours`.
    """

    def bad(message: str) -> InvalidInput:
        return InvalidInput("opening_hours", message)

    if not isinstance(value, dict):
        raise bad(_('Give an object with the seven days, e.g. {"mon": [["10:00", "22:00"]], ..., "sun": []}.'))
    missing = [day for day in WEEKDAYS if day not in value]
    unknown = sorted(str(key) for key in value if key not in WEEKDAYS)
    if missing or unknown:
        parts = ([_("missing %(days)s") % {"days": ", ".join(missing)}] if missing else []) + (
            [_("unknown %(days)s") % {"days": ", ".join(unknown)}] if unknown else []
        )
        raise bad(
            _("Name each of the days %(days)s once: %(problems)s.")
            % {"days": ", ".join(WEEKDAYS), "problems": "; ".join(parts)}
        )
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        intervals = value[day]
        if not isinstance(intervals, list):
            raise bad(_("%(day)s: give a list of [open, close] pairs.") % {"day": day})
        checked = []
        for interval in intervals:
            if not (isinstance(interval, list | tuple) and len(interval) == 2):
                raise bad(_("%(day)s: each interval is a pair [open, close].") % {"day": day})
            opens, closes = interval
            for time in (opens, closes):
                if not isinstance(time, str) or not _TIME.match(time):
                    raise bad(_("%(day)s: %(time)s is not a time HH:MM.") % {"day": day, "time": repr(time)})
            if opens == "24:00":
                raise bad(_("%(day)s: a day cannot open at 24:00.") % {"day": day})
            if opens >= closes:
                raise bad(
                    _("%(day)s: %(opens)s-%(closes)s must open before it closes.")
                    % {"day": day, "opens": opens, "closes": closes}
                )
            checked.append([opens, closes])
        checked.sort()
        for (_open, previous_close), (next_open, _close) in itertools.pairwise(checked):
            if next_open < previous_close:
                raise bad(_("%(day)s: the intervals overlap at %(time)s.") % {"day": day, "time": next_open})
        hours[day] = checked
    return hours
