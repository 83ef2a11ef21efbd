"""Weekly opening hours: all seven days, HH:MM, open before close, no overlap; 400 naming the field."""

from __future__ import annotations

import pytest

from o2o.errors import InvalidInput
from stores.models import Store
from stores.services import validate_opening_hours
from tests.stores.factories import snapshot

WEEK = {day: [["10:00", "22:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def test_good_hours_come_back_with_each_days_intervals_in_order():
    hours = {**WEEK, "sat": [["15:00", "24:00"], ["09:00", "12:00"], ["12:00", "15:00"]], "sun": []}
    assert validate_opening_hours(hours) == {
        **WEEK,
        "sat": [["09:00", "12:00"], ["12:00", "15:00"], ["15:00", "24:00"]],
        "sun": [],
    }


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ([], 'Give an object with the seven days, e.g. {"mon": [["10:00", "22:00"]], ..., "sun": []}.'),
        (
            {k: v for k, v in WEEK.items() if k != "sun"},
            "Name each of the days mon, tue, wed, thu, fri, sat, sun once: missing sun.",
        ),
        ({**WEEK, "holiday": []}, "Name each of the days mon, tue, wed, thu, fri, sat, sun once: unknown holiday."),
        ({**WEEK, "mon": "10-22"}, "mon: give a list of [open, close] pairs."),
        ({**WEEK, "mon": [["10:00"]]}, "mon: each interval is a pair [open, close]."),
        ({**WEEK, "tue": [["10:00", "25:00"]]}, "tue: '25:00' is not a time HH:MM."),
        ({**WEEK, "tue": [["9:00", "18:00"]]}, "tue: '9:00' is not a time HH:MM."),
        ({**WEEK, "wed": [["22:00", "10:00"]]}, "wed: 22:00-10:00 must open before it closes."),
        ({**WEEK, "wed": [["10:00", "10:00"]]}, "wed: 10:00-10:00 must open before it closes."),
        ({**WEEK, "thu": [["24:00", "24:00"]]}, "thu: a day cannot open at 24:00."),
        ({**WEEK, "fri": [["10:00", "14:00"], ["13:59", "22:00"]]}, "fri: the intervals overlap at 13:59."),
    ],
)
def test_bad_hours_are_refused_naming_opening_hours(hours, message):
    with pytest.raises(InvalidInput) as error:
        validate_opening_hours(hours)
    assert error.value.extra == {"errors": {"opening_hours": [message]}}


@pytest.mark.django_db
def test_creating_a_store_with_bad_hours_is_400_and_creates_nothing(api, tenant, hq_admin):
    body = {
        "code": "X1",
        "name": "X",
        "kind": "direct",
        "region": "east",
        "city": "Shanghai",
        "address": "1 Road",
        "lat": 31.0,
        "lng": 121.0,
        "opening_hours": {**WEEK, "mon": [["22:00", "10:00"]]},
    }
    response = api(hq_admin, tenant).post("/api/v1/stores/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "mon: 22:00-10:00 must open before it closes.",
        "errors": {"opening_hours": ["mon: 22:00-10:00 must open before it closes."]},
    }
    assert snapshot(Store, tenant) == []
