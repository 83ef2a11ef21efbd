"""Fixtures of the attribution tests: a brand (Asia/Shanghai) with a store, its manager and a guide,
another store with its own manager and guide, a product, a service the store offers, and a WeChat
campaign."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from attribution.models import Campaign
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores.models import Store, StoreService, StoreStaff
from tests.attribution.factories import make_campaign
from tests.stores.factories import make_service, make_sku, make_store


@pytest.fixture
def store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return make_store(tenant, code="SH01", name="People's Square")


@pytest.fixture
def other_store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return make_store(tenant, code="HZ01", name="West Lake")


@pytest.fixture
def manager(store: Store, make_staff: Callable[[Any, str], User]) -> User:
    return make_staff(store, Role.STORE_MANAGER)


@pytest.fixture
def guide(store: Store, make_staff: Callable[[Any, str], User]) -> User:
    return make_staff(store, Role.GUIDE)


@pytest.fixture
def other_guide(other_store: Store, make_staff: Callable[[Any, str], User]) -> User:
    return make_staff(other_store, Role.GUIDE)


@pytest.fixture
def other_manager(other_store: Store, make_staff: Callable[[Any, str], User]) -> User:
    return make_staff(other_store, Role.STORE_MANAGER)


def post_of(tenant: Tenant, user: User) -> StoreStaff:
    with tenant_scope(tenant):
        return StoreStaff.objects.get(tenant=tenant, user=user)


@pytest.fixture
def product(tenant: Tenant) -> Any:
    with tenant_scope(tenant):
        return make_sku(tenant).product


@pytest.fixture
def service(tenant: Tenant, store: Store) -> Any:
    with tenant_scope(tenant):
        exam = make_service(tenant, "Eye exam")
        StoreService.objects.create(tenant=tenant, store=store, service=exam, capacity=2)
        return exam


@pytest.fixture
def campaign(tenant: Tenant) -> Campaign:
    with tenant_scope(tenant):
        return make_campaign(tenant, name="Spring posters", channel="poster")


@pytest.fixture
def consumer(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.CONSUMER, username="shopper")
