"""HQ's bookings page: the filters, and the show-up rates per store and per service.

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest

from bookings import services
from bookings.choices import BookingStatus
from bookings.models import Booking
from bookings.selectors import show_up_rates
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NOW, SHANGHAI
from tests.bookings.factories import clock, make_service, offer
from tests.bookings.pages import book
from tests.pages import client_for, text, texts

pytestmark = pytest.mark.django_db


# --- HQ -----------------------------------------------------------------------------------------


@pytest.fixture
def known_set(tenant, store, other_store, service):
    """Saturday's bookings: SH01 exam 2 checked in, 1 completed, 1 no-show (and 1 next week still
    booked); SH01 frame fitting 1 checked in, 2 no-shows; HZ01 exam 1 no-show, 1 cancelled."""
    with tenant_scope(tenant):
        fitting = make_service(tenant, "Frame fitting", duration_minutes=30)
        offer(tenant, store, (service, 2), (fitting, 2))
    at = {n: dt.datetime(2026, 3, 21, 10, 0, tzinfo=SHANGHAI) + dt.timedelta(minutes=30 * n) for n in range(3)}
    phones = iter(f"+86139000001{n:02d}" for n in range(50))

    def many(where, what, start, count):
        return [book(tenant, where, what, start, phone=next(phones)) for _ in range(count)]

    exam_a = many(store, service, at[0], 2) + many(store, service, at[1], 2)
    fit_a = many(store, fitting, at[0], 2) + many(store, fitting, at[1], 1)
    exam_b = many(other_store, service, at[0], 2)
    many(store, service, at[0] + dt.timedelta(days=7), 1)
    with tenant_scope(tenant):
        for booking in (exam_a[0], exam_a[1], exam_a[2], fit_a[0]):
            services.check_in(tenant=tenant, code=booking.check_in_code, now=booking.start_at)
        Booking.objects.filter(pk=exam_a[2].pk).update(status=BookingStatus.COMPLETED)  # no service completes yet
        services.cancel_booking(tenant=tenant, booking=exam_b[1], now=NOW)
        services.mark_no_shows(tenant=tenant, now=dt.datetime(2026, 3, 21, 23, 0, tzinfo=SHANGHAI))
    return fitting


def test_hq_sees_the_show_up_rate_per_store_and_per_service(tenant, hq_staff, known_set):
    # when HQ opens the bookings on Sunday (default range: the last 30 days and the next 14)
    with clock(dt.datetime(2026, 3, 22, 10, 0, tzinfo=SHANGHAI)):
        response = client_for(tenant, hq_staff).get("/hq/bookings/")
    assert response.status_code == 200
    # then the rates are exact: shown = checked in + completed, out of those and the no-shows
    assert _rate_rows(response, "rates-by-store") == [
        "HZ01 Hangzhou West Lake 0 1 0.0%",
        "SH01 Shanghai People's Square 4 3 57.1%",
        "All 4 4 50.0%",
    ]
    assert _rate_rows(response, "rates-by-service") == [
        "Eye exam 3 2 60.0%",
        "Frame fitting 1 2 33.3%",
        "All 4 4 50.0%",
    ]
    # and every booking of the range is listed, latest first
    assert text(response, "booking-count") == "10 bookings"
    assert texts(response, "when")[:2] == ["2026-03-28 10:00", "2026-03-21 10:30"]


def test_hq_filters_the_bookings(tenant, hq_admin, known_set, store):
    with clock(dt.datetime(2026, 3, 22, 10, 0, tzinfo=SHANGHAI)):
        client = client_for(tenant, hq_admin)
        no_shows = client.get(f"/hq/bookings/?status=no_show&store={store.pk}")
        fitting = client.get(f"/hq/bookings/?service={known_set.pk}&date_from=2026-03-21&date_to=2026-03-21")
        bad = client.get("/hq/bookings/?date_from=2026-03-22&date_to=2026-03-21")
        first_day = client.get("/hq/bookings/?date_from=0001-01-01&date_to=0001-01-01")
        last_days = client.get("/hq/bookings/?date_from=9999-01-01&date_to=9999-12-31")
    assert text(no_shows, "booking-count") == "3 bookings"
    assert [(page.status_code, text(page, "booking-count")) for page in (first_day, last_days)] == [
        (200, "0 bookings"),
        (200, "0 bookings"),
    ]
    assert set(texts(no_shows, "status")) == {"No-show"}
    assert text(fitting, "booking-count") == "3 bookings"
    assert _rate_rows(fitting, "rates-by-store") == ["SH01 Shanghai People's Square 1 2 33.3%", "All 1 2 33.3%"]
    assert bad.status_code == 400
    assert text(bad, "filter-errors") == "The end date is before the start date."


def test_the_show_up_rates_are_one_aggregate_query(tenant, known_set, django_assert_num_queries):
    with tenant_scope(tenant):
        bookings = Booking.objects.filter(tenant=tenant)
        with django_assert_num_queries(1):
            rates = show_up_rates(tenant=tenant, bookings=bookings)
    assert [(r.label, r.shown, r.no_shows, str(r.rate)) for r in rates.by_service] == [
        ("Eye exam", 3, 2, "60.0"),
        ("Frame fitting", 1, 2, "33.3"),
    ]


def _rate_rows(response: Any, testid: str) -> list[str]:
    """The rows of a rate table (its body and total) as text."""
    html = response.content.decode()
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "tr":
                self.rows.append([])

        def handle_data(self, data: str) -> None:
            if self.rows and data.strip():
                self.rows[-1].append(data.strip())

    parser = Rows()
    parser.feed(table)
    return [" ".join(row) for row in parser.rows[1:] if row]
