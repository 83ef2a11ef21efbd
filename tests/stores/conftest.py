"""Fixtures of the stores tests: a store, its manager and guide, another store's manager, a consumer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.stores.factories import make_store


@pytest.fixture
def store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return make_store(tenant, code="SH01", name="Shanghai People's Square")


@pytest.fixture
def other_store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return make_store(tenant, code="HZ01", name="Hangzhou West Lake", city="Hangzhou", lat=30.25, lng=120.16)


@pytest.fixture
def manager(store: Store, make_staff: Callable[..., User]) -> User:
    return make_staff(store, Role.STORE_MANAGER)


@pytest.fixture
def guide(store: Store, make_staff: Callable[..., User]) -> User:
    return make_staff(store, Role.GUIDE)


@pytest.fixture
def other_manager(other_store: Store, make_staff: Callable[..., User]) -> User:
    return make_staff(other_store, Role.STORE_MANAGER)


@pytest.fixture
def consumer(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.CONSUMER, username="+8613800138000")


@pytest.fixture
def hq_staff(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
