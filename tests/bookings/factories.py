"""Rows of the bookings tests, made through the real services of the lower apps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from bookings.models import Booking, SlotOccupancy
from bookings.services import book_visit
from catalog.models import Service
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores.models import Store
from stores.services import ServiceOffering, set_store_services
from tests.stores.factories import make_store

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def hours(*intervals: tuple[str, str], days: tuple[str, ...] = EVERY_DAY) -> dict[str, list[list[str]]]:
    """Opening hours with `intervals` on `days`, closed on the others."""
    return {day: [list(i) for i in intervals] if day in days else [] for day in EVERY_DAY}


def bookable_store(tenant: Tenant, **overrides: Any) -> Store:
    """A store of `tenant` offering services (call inside its tenant scope)."""
    overrides.setdefault("capabilities", ["pickup", "services"])
    return make_store(tenant, **overrides)


def make_service(tenant: Tenant, name: str = "Eye exam", duration_minutes: int = 30) -> Service:
    return Service.objects.create(tenant=tenant, name=name, duration_minutes=duration_minutes, price=Decimal("0.00"))


def offer(tenant: Tenant, store: Store, *services: tuple[Service, int]) -> None:
    """Set what `store` offers: (service, capacity) pairs (call inside the tenant scope)."""
    set_store_services(
        tenant=tenant, store=store, offerings=[ServiceOffering(service_id=s.pk, capacity=c) for s, c in services]
    )


def occupancy(tenant: Tenant, store: Store, service: Service) -> dict[dt.datetime, tuple[int, int]]:
    """{start: (taken, capacity)} of every slot row of the store's service."""
    with tenant_scope(tenant):
        rows = SlotOccupancy.objects.filter(tenant=tenant, store=store, service=service)
        return {
            start: (taken, capacity) for start, taken, capacity in rows.values_list("start_at", "taken", "capacity")
        }


@contextmanager
def clock(at: dt.datetime) -> Iterator[None]:
    """Stop the clock at `at` (the clock is a boundary: the only thing these tests mock)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def book(
    tenant: Tenant,
    store: Store,
    service: Service,
    start: dt.datetime,
    *,
    now: dt.datetime,
    name: str = "张伟",
    phone: str = "13812345678",
    member: Any = None,
    **extra: Any,
) -> Booking:
    """A booking made through the service at a stopped clock (`now`), in `tenant`'s scope."""
    with tenant_scope(tenant), clock(now):
        return book_visit(
            tenant=tenant,
            store=store,
            service=service,
            start_at=start,
            member=member,
            name=name,
            phone=phone,
            now=now,
            **extra,
        )
