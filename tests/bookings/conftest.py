"""Fixtures of the bookings tests: a Shanghai store offering a 30-minute eye exam for two at once,
its manager and guide, another store's manager, a consumer with a membership, and a frozen clock.

The store opens 10:00-12:00 and 14:00-16:00 every day (Asia/Shanghai, UTC+8 all year), so its
slots of a day are 10:00, 10:30, 11:00, 11:30, 14:00, 14:30, 15:00 and 15:30 local.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from catalog.models import Service
from members.models import Member
from members.services import join_brand
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.bookings.factories import bookable_store, hours, make_service, offer

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 2026-03-20, 10:00 in Shanghai: "now" of most tests
NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
# Saturday 2026-03-21 10:00 and 10:30 in Shanghai: the next day's first two slots
SLOT = dt.datetime(2026, 3, 21, 10, 0, tzinfo=SHANGHAI)
NEXT_SLOT = dt.datetime(2026, 3, 21, 10, 30, tzinfo=SHANGHAI)


@pytest.fixture
def store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return bookable_store(
            tenant,
            code="SH01",
            name="Shanghai People's Square",
            opening_hours=hours(("10:00", "12:00"), ("14:00", "16:00")),
        )


@pytest.fixture
def other_store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return bookable_store(tenant, code="HZ01", name="Hangzhou West Lake", city="Hangzhou")


@pytest.fixture
def service(tenant: Tenant, store: Store, other_store: Store) -> Service:
    """The eye exam, offered for two at once by `store` (and by `other_store`)."""
    with tenant_scope(tenant):
        exam = make_service(tenant, "Eye exam", duration_minutes=30)
        offer(tenant, store, (exam, 2))
        offer(tenant, other_store, (exam, 2))
        return exam


@pytest.fixture
def manager(store: Store, make_staff: Callable[[Store, str], User]) -> User:
    return make_staff(store, Role.STORE_MANAGER)


@pytest.fixture
def guide(store: Store, make_staff: Callable[[Store, str], User]) -> User:
    return make_staff(store, Role.GUIDE)


@pytest.fixture
def other_manager(other_store: Store, make_staff: Callable[[Store, str], User]) -> User:
    return make_staff(other_store, Role.STORE_MANAGER)


@pytest.fixture
def consumer(tenant: Tenant, make_user: Callable[..., User]) -> User:
    user = make_user(tenant, Role.CONSUMER, username="+8613800138000")
    user.email = "li.na@example.com"
    user.name = "李娜"
    user.save(update_fields=["email", "name"])
    return user


@pytest.fixture
def member(tenant: Tenant, consumer: User) -> Member:
    """The consumer's membership of the brand."""
    with tenant_scope(tenant):
        return join_brand(tenant=tenant, phone="+8613800138000", name="李娜", user=consumer)


@pytest.fixture
def hq_staff(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.HQ_STAFF, username="alpha-staff")


@pytest.fixture
def berlin_store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return bookable_store(
            tenant, code="BE01", name="Berlin Mitte", timezone="Europe/Berlin", city="Berlin", lat=52.52, lng=13.405
        )
