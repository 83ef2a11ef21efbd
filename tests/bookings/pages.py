"""What the bookings page tests share: bookings made through the service at a stopped clock, and
the rows read back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bookings.models import Booking
from catalog.models import Service
from members.models import Member
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.bookings import factories
from tests.bookings.conftest import NOW


def utc(moment: dt.datetime) -> str:
    """A slot's start as the pages post it."""
    return moment.astimezone(dt.UTC).isoformat()


# --- rows ---------------------------------------------------------------------------------------


def book(
    tenant: Tenant,
    store: Store,
    service: Service,
    start: dt.datetime,
    *,
    name: str = "王芳",
    phone: str = "+8613900000001",
    member: Member | None = None,
    now: dt.datetime = NOW,
    for_order: bool = False,
) -> Booking:
    """The pages' guest: `tests.bookings.factories.book` with the name and phone the pages show."""
    return factories.book(
        tenant, store, service, start, now=now, name=name, phone=phone, member=member, for_order=for_order
    )


def reload(tenant: Tenant, booking: Booking) -> Booking:
    with tenant_scope(tenant):
        return Booking.objects.get(pk=booking.pk)


def snapshot(tenant: Tenant) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    from bookings.models import SlotOccupancy

    with tenant_scope(tenant):
        return (
            list(Booking.objects.order_by("pk").values()),
            list(SlotOccupancy.objects.order_by("pk").values("start_at", "taken", "capacity")),
        )
