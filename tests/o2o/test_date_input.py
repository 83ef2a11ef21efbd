"""A date box shows its date in Chinese too: a date input takes ISO `YYYY-MM-DD` only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from bookings.forms import HqBookingFilterForm
from stores.forms import ContractForm

DAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_contracts_valid_from_box_holds_an_iso_date_in_every_language(language):
    with translation.override(language):
        html = str(ContractForm(initial={"valid_from": DAY})["valid_from"])
    assert 'type="date"' in html
    assert 'value="2026-12-07"' in html


def test_hq_booking_filters_hold_iso_dates_in_chinese():
    with translation.override("zh-hans"):
        form = HqBookingFilterForm(initial={"date_from": DAY, "date_to": DAY}, stores=[], services=[])
        html = str(form["date_from"]) + str(form["date_to"])
    assert html.count('value="2026-12-07"') == 2
