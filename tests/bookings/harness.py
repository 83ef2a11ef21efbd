"""The bookings app's entries in the cross-tenant harness (tests/harness.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model
from django.utils import timezone

from bookings.models import Booking
from bookings.services import book_visit
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from tests.bookings.factories import bookable_store, hours, make_service, offer

_numbers = count(1)


def _booked(tenant: Tenant) -> Booking:
    """A booking of `tenant` two days ahead (in its tenant scope, as the harness calls it)."""
    number = next(_numbers)
    store = bookable_store(tenant, code=f"BK{number}", opening_hours=hours(("00:00", "24:00")))
    service = make_service(tenant, name=f"Harness exam {number}")
    offer(tenant, store, (service, 3))
    local = timezone.now().astimezone(ZoneInfo(store.timezone)) + dt.timedelta(days=2)
    start = local.replace(minute=0, second=0, microsecond=0)
    return book_visit(
        tenant=tenant,
        store=store,
        service=service,
        start_at=start,
        member=None,
        name="外部顾客",
        phone=f"+86139{number:08d}",
    )


def _a_foreign_store_and_service(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        booking = _booked(foreign)
    return {
        "store": booking.store_id,
        "service": booking.service_id,
        "start": booking.start_at.isoformat(),
        "name": "张伟",
        "phone": "+8613812345678",
    }


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {Booking: _booked}

FOREIGN_WRITES: dict[str, Callable[[Tenant, Tenant], dict[str, Any]]] = {
    "booking-list": _a_foreign_store_and_service,
}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "booking-cancel": "no body; the booking is the URL's",
    "booking-reschedule": "a start time only; the booking is the URL's",
    "booking-check-in": "a check-in code only; the booking is the URL's",
    "booking-no-show": "no body; the booking is the URL's",
    "booking-check-in-by-code": "a check-in code, looked up in the caller's brand only",
    "store-walk-ins": "a visitor id only; the store is the URL's",
}
