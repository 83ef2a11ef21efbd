"""A real browser books a visit as a guest and sees the booking page with its check-in code; the store
manager opens the store's day and checks the booking in (htmx); the consumer's page then says so."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from bookings.choices import BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores.services import create_staff
from tests.bookings.factories import bookable_store, hours, make_service, offer
from tests.e2e.conftest import TIMEOUT_MS, brand_url, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
SLOT = dt.timedelta(minutes=30)  # the exam's duration: the store's slots start every 30 minutes from 00:00
BOOKING_TAKES_AT_MOST = dt.timedelta(seconds=60)  # from opening the booking pages to confirming


def wait_unless_the_next_slot_starts_well_after(margin: dt.timedelta) -> None:
    """Go on at once when the next slot starts more than `margin` from now, else once it started.

    The guest books the first slot still ahead; were it to start before they confirm, the booking
    would be refused (too soon). Waiting out a start that is near leaves a whole slot ahead.
    """
    now = timezone.now().astimezone(SHANGHAI)
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    until_next_start = SLOT - since_midnight % SLOT
    if until_next_start <= margin:
        time.sleep(until_next_start.total_seconds() + 1)


@pytest.fixture
def second_page(chromium: Browser, live_server: Any) -> Iterator[Page]:
    """Another browser (own cookies): the store's counter, beside the consumer's phone."""
    context = chromium.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_a_guest_books_a_visit_and_the_store_checks_it_in(browser_page, second_page, live_server, make_tenant):
    # given a brand whose store is open around the clock and offers a 30-minute eye exam for two;
    # a visit can be booked from the next slot on (no minimum notice), so it can be checked in now
    tenant: Tenant = make_tenant("alpha", name="Alpha Eyewear", min_notice_minutes=0)
    with tenant_scope(tenant):
        store = bookable_store(
            tenant,
            code="SH01",
            name="People's Square",
            address="1 Nanjing Road",
            opening_hours=hours(("00:00", "24:00")),
        )
        exam = make_service(tenant, "Eye exam", duration_minutes=30)
        offer(tenant, store, (exam, 2))
        create_staff(
            tenant=tenant,
            store=store,
            username="sh01-manager",
            password="exam-pass-2026",
            name="王经理",
            phone="",
            role=Role.STORE_MANAGER,
        )
    page = browser_page
    wait_unless_the_next_slot_starts_well_after(BOOKING_TAKES_AT_MOST)
    # when a guest picks the service, the store, the first free slot and confirms with name and phone
    page.goto(brand_url(live_server, "alpha", "/book/"))
    expect(page.get_by_test_id("page-title")).to_have_text("Book a visit")
    page.get_by_role("link", name="Eye exam").click()
    expect(page.get_by_test_id("store-name")).to_have_text(["People's Square"])
    page.get_by_role("link", name="Choose this store").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Eye exam at People's Square")
    first_slot = page.get_by_test_id("slot").first
    expect(first_slot.get_by_test_id("slot-remaining")).to_have_text("2 places left")
    slot_time = first_slot.get_by_test_id("slot-time").inner_text()
    page.screenshot(path="/tmp/booking_slots.png", full_page=True)
    first_slot.get_by_role("link").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Confirm your visit")
    page.get_by_label("Name").fill("王芳")
    page.get_by_label("Mobile phone").fill("13900000001")
    page.get_by_role("button", name="Book this visit").click()
    # then the booking page shows the store's time, the status and the check-in code with its QR code
    expect(page.get_by_test_id("page-title")).to_have_text("Your booking")
    expect(page.get_by_test_id("status")).to_have_text("Booked")
    with tenant_scope(tenant):
        booking = Booking.objects.get()
    local = booking.start_at.astimezone(SHANGHAI)
    assert local.strftime("%H:%M") == slot_time
    expect(page.get_by_test_id("when")).to_contain_text(f"{local:%Y-%m-%d} {slot_time}")
    expect(page.get_by_test_id("check-in-code")).to_have_text(booking.check_in_code)
    expect(page.get_by_test_id("check-in-qr").locator("svg")).to_be_visible()
    expect(page).to_have_url(brand_url(live_server, "alpha", f"/bookings/{booking.pk}/"))
    page.screenshot(path="/tmp/booking_page.png", full_page=True)

    # when the store manager logs in at the counter and opens the store's day of the booking
    counter = second_page
    login(counter, "sh01-manager", "exam-pass-2026")
    counter.goto(f"/store/today/?date={local:%Y-%m-%d}")
    row = counter.locator(f'[data-testid="booking-row"][data-booking-id="{booking.pk}"]')
    expect(row.get_by_test_id("name")).to_have_text("王芳")
    expect(row.get_by_test_id("status")).to_have_text("Booked")
    hour = counter.get_by_test_id("hour-group").filter(has=row).get_by_test_id("hour")
    expect(hour).to_have_text(f"{local:%H}:00")
    # and checks the booking in
    row.get_by_role("button", name="Check in").click()
    # then the row says so in place, and the visit is recorded
    expect(row.get_by_test_id("status")).to_have_text("Checked in")
    expect(row.get_by_test_id("row-done")).to_have_text("Checked in.")
    expect(row.get_by_role("button", name="Check in")).to_have_count(0)
    expect(counter).to_have_url(re.compile(r"/store/today/\?date="))
    counter.screenshot(path="/tmp/store_today.png", full_page=True)
    with tenant_scope(tenant):
        assert Booking.objects.get().status == BookingStatus.CHECKED_IN
        assert list(StoreVisit.objects.values_list("booking_id", "source")) == [(booking.pk, VisitSource.CHECK_IN)]

    # when the consumer looks at their booking again, then it is checked in
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Checked in")
    expect(page.get_by_test_id("check-in-code")).to_have_count(0)
    page.screenshot(path="/tmp/booking_checked_in.png", full_page=True)
