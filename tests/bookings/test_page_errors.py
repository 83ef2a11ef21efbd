"""The bookings pages' error boundary (o2o/portals/errors.py): a refused booking, check-in, cancel or
reschedule on a page answers with its status, keeps nothing of what the request wrote (a refused
booking leaves no new membership behind), comes back to the page it came from with what the user
typed, and says why in the reader's language (English, Chinese).

The fixtures (tests/bookings/conftest.py): store SH01 (Asia/Shanghai) opens 10:00-12:00 and
14:00-16:00 every day and offers a 30-minute eye exam for two at once; `NOW` is Friday 2026-03-20
10:00 in Shanghai; `SLOT` and `NEXT_SLOT` are Saturday's 10:00 and 10:30.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from bookings.models import Booking, StoreVisit
from members.models import Member
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NEXT_SLOT, NOW, SHANGHAI, SLOT
from tests.bookings.factories import clock
from tests.bookings.pages import book, snapshot, utc
from tests.pages import client_for, text

pytestmark = pytest.mark.django_db

CHINESE: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def everything(tenant) -> tuple[Any, ...]:
    """The bookings, the slots' places, the memberships and the visits of the brand."""
    with tenant_scope(tenant):
        members = list(Member.objects.order_by("pk").values_list("pk", "phone", "user_id"))
        visits = list(StoreVisit.objects.order_by("pk").values_list("pk", "booking_id"))
    return (*snapshot(tenant), members, visits)


def _value(response: Any, name: str) -> str | None:
    """The value of the input `name` as the page shows it (None without one)."""
    for tag in re.findall(r"<input[^>]*>", response.content.decode()):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return html.unescape(found.group(1)) if found else ""
    return None


# --- booking ------------------------------------------------------------------------------------


def test_a_refused_booking_keeps_no_new_membership_and_the_form_as_typed(tenant, store, service, consumer):
    # given a signed-in consumer who is not a member yet, and Saturday 10:00 taken by two others
    book(tenant, store, service, SLOT, phone="+8613900000001")
    book(tenant, store, service, SLOT, phone="+8613900000002")
    before = everything(tenant)
    body = {"service": service.pk, "store": store.pk, "start": utc(SLOT), "token": "t1"}
    body |= {"name": "李娜", "phone": "13800138000"}  # their own phone: a booking would make them a member
    client = client_for(tenant, consumer)
    # when they confirm it anyway (the page was open before it filled), in English and in Chinese
    with clock(NOW):
        english = client.post("/book/confirm/", body)
        chinese = client.post("/book/confirm/", body, **CHINESE)
    # then the slot's refusal is on the form, in the reader's language
    assert (english.status_code, english["X-Page-Error"]) == (409, "slot_full")
    assert text(english, "form-errors") == "This slot is full."
    assert text(chinese, "form-errors") == "此时段已约满。"
    # and the form keeps what they typed and the slot they chose
    for response in (english, chinese):
        assert (_value(response, "name"), _value(response, "phone")) == ("李娜", "13800138000")
        assert _value(response, "start") == utc(SLOT)
    assert text(english, "when") == "Saturday 2026-03-21 10:00–10:30 (Asia/Shanghai)"
    # and nothing was kept: no membership for them, no booking, no place taken
    assert everything(tenant) == before


def test_a_booking_too_soon_is_refused_at_the_slot_with_the_guests_input(tenant, store, service):
    # given a guest confirming today's 10:30 at 10:00 (the minimum notice is 60 minutes)
    soon = dt.datetime(2026, 3, 20, 10, 30, tzinfo=SHANGHAI)
    body = {"service": service.pk, "store": store.pk, "start": utc(soon), "token": "t1"}
    body |= {"name": "赵敏", "phone": "13900000009"}
    before = everything(tenant)
    with clock(NOW):
        english = client_for(tenant).post("/book/confirm/", body)
        chinese = client_for(tenant).post("/book/confirm/", body, **CHINESE)
    assert english.status_code == chinese.status_code == 400
    assert text(english, "form-errors") == "Book at least 60 minutes ahead."
    assert text(chinese, "form-errors") == "请至少提前 60 分钟预约。"
    assert (_value(chinese, "name"), _value(chinese, "phone"), _value(chinese, "start")) == (
        "赵敏",
        "13900000009",
        utc(soon),
    )
    assert everything(tenant) == before


# --- the store's check-in -----------------------------------------------------------------------


def test_a_refused_check_in_on_the_store_page_keeps_the_code_and_checks_nobody_in(tenant, store, service, manager):
    # given a booking of Saturday 10:00, and its code typed at the counter on Friday (too early)
    booking = book(tenant, store, service, SLOT)
    typed = booking.check_in_code.lower()
    before = everything(tenant)
    client = client_for(tenant, manager)
    with clock(NOW):
        english = client.post("/store/today/", {"code": typed})
        chinese = client.post("/store/today/", {"code": typed}, **CHINESE)
    # then the day comes back with the code as typed, why next to it, and nobody checked in
    assert (english.status_code, english["X-Page-Error"]) == (409, "too_early")
    assert text(english, "code-error") == "Check-in opens 30 minutes before the start."
    assert text(chinese, "code-error") == "签到在开始前 30 分钟开放。"
    assert _value(english, "code") == _value(chinese, "code") == typed
    assert everything(tenant) == before


def test_a_refused_check_in_from_a_row_says_why_in_the_row(tenant, store, service, manager):
    booking = book(tenant, store, service, SLOT)
    before = everything(tenant)
    with clock(NOW):
        response = client_for(tenant, manager).post(
            f"/store/today/bookings/{booking.pk}/check-in/", HTTP_HX_REQUEST="true", **CHINESE
        )
    # the row alone (htmx swaps it in: X-Page-Error), with the reason in Chinese
    assert (response.status_code, response["X-Page-Error"]) == (409, "too_early")
    assert text(response, "row-error") == "签到在开始前 30 分钟开放。"
    assert b"<html" not in response.content
    assert everything(tenant) == before


# --- the consumer's cancel and reschedule -------------------------------------------------------


def test_a_cancel_past_the_cut_off_changes_nothing_and_says_why(tenant, store, service, consumer, member):
    booking = book(tenant, store, service, SLOT, member=member, name="李娜", phone="")
    client = client_for(tenant, consumer)
    before = everything(tenant)
    late = SLOT - dt.timedelta(minutes=119)
    with clock(late):
        english = client.post(f"/bookings/{booking.pk}/cancel/")
        chinese = client.post(f"/bookings/{booking.pk}/cancel/", **CHINESE)
    assert (english.status_code, english["X-Page-Error"]) == (409, "too_late")
    assert text(english, "action-error") == "A booking can be cancelled until 120 minutes before it starts."
    assert text(chinese, "action-error") == "预约最晚须在开始前 120 分钟取消。"
    # the booking's page as it is: still booked, with its code
    assert text(english, "status") == "Booked"
    assert text(english, "check-in-code") == booking.check_in_code
    assert everything(tenant) == before


def test_a_reschedule_into_a_full_slot_on_the_store_page_keeps_the_old_place(tenant, store, service, manager):
    booking = book(tenant, store, service, SLOT)
    book(tenant, store, service, NEXT_SLOT, phone="+8613900000002")
    book(tenant, store, service, NEXT_SLOT, phone="+8613900000003")
    before = everything(tenant)
    with clock(NOW):
        response = client_for(tenant, manager).post(
            f"/store/bookings/{booking.pk}/action/", {"action": "reschedule", "start": utc(NEXT_SLOT)}, **CHINESE
        )
    assert (response.status_code, response["X-Page-Error"]) == (409, "slot_full")
    assert text(response, "action-error") == "此时段已约满。"
    assert text(response, "when").startswith("星期六 2026-03-21 10:00–10:30")
    assert everything(tenant) == before
    with tenant_scope(tenant):
        assert Booking.objects.get(pk=booking.pk).start_at == SLOT
