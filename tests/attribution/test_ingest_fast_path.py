"""The events endpoint's fast path (`attribution.api.events.plain_event`) gives exactly what the
serializer gives a plainly written valid event, and leaves every other event to the serializer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attribution.api.events import EventInput, plain_event
from o2o.fields import MAX_ID

NOW = timezone.now()
OLDEST = NOW - dt.timedelta(days=90)
TS = (NOW - dt.timedelta(hours=1)).replace(microsecond=0).isoformat()
GOOD = {"id": "e1", "visitor_id": "v1", "type": "scan", "ts": TS, "link": "POSTER1"}

PLAIN = [
    GOOD,
    {**GOOD, "id": None, "props": {"screen": "home", "list": [1, 2.5, None, True], "nested": {"a": "中文"}}},
    {"visitor_id": "v1", "type": "view", "ts": TS, "campaign": 12},
    {**GOOD, "link": None, "campaign": MAX_ID},
    {**GOOD, "link": "", "campaign": 1, "type": "click", "extra": "ignored"},
    {**GOOD, "ts": (NOW - dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z")},
    {**GOOD, "ts": (NOW - dt.timedelta(hours=2)).astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()},
    {**GOOD, "id": "x" * 64, "visitor_id": "v" * 64, "link": "L" * 16},
]

OTHERS = [
    "not a dict",
    ["a", "list"],
    {**GOOD, "id": " e1"},
    {**GOOD, "id": ""},
    {**GOOD, "id": 17},
    {**GOOD, "id": "x" * 65},
    {**GOOD, "id": "e\x001"},
    {**GOOD, "visitor_id": ""},
    {**GOOD, "visitor_id": "v1 "},
    {**GOOD, "visitor_id": None},
    {**GOOD, "type": "like"},
    {**GOOD, "type": ["scan"]},
    {**GOOD, "type": None},
    {**GOOD, "ts": "2026-05-01T10:00:00"},
    {**GOOD, "ts": " " + TS},
    {**GOOD, "ts": "2026-13-01T10:00:00+08:00"},
    {**GOOD, "ts": "0001-01-01T00:00:00+14:00"},
    {**GOOD, "ts": 1733400000},
    {**GOOD, "ts": (NOW + dt.timedelta(minutes=10)).isoformat()},
    {**GOOD, "ts": (NOW - dt.timedelta(days=91)).isoformat()},
    {**GOOD, "link": "L" * 17},
    {**GOOD, "link": 123},
    {**GOOD, "link": " POSTER1"},
    {**GOOD, "link": None},
    {**GOOD, "link": "", "campaign": None},
    {**GOOD, "campaign": True},
    {**GOOD, "campaign": "12"},
    {**GOOD, "campaign": 0},
    {**GOOD, "campaign": MAX_ID + 1},
    {**GOOD, "campaign": 1.0},
    {**GOOD, "props": []},
    {**GOOD, "props": None},
    {**GOOD, "props": {"note": "x" * 1100}},
    {**GOOD, "props": {"k\x00": 1}},
    {**GOOD, "props": {"k": ["\x00"]}},
]


def serializer_values(item):
    return dict(EventInput(context={"now": NOW, "oldest": OLDEST}).run_validation(item))


@pytest.mark.parametrize("item", PLAIN, ids=range(len(PLAIN)))
def test_a_plain_valid_event_takes_the_fast_path_with_the_serializers_values(item):
    assert plain_event(item, now=NOW, oldest=OLDEST) == serializer_values(item)


@pytest.mark.parametrize("item", OTHERS, ids=range(len(OTHERS)))
def test_every_other_event_is_left_to_the_serializer(item):
    assert plain_event(item, now=NOW, oldest=OLDEST) is None
