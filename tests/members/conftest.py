"""Stores, store staff and a brand with one member, for the members tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from members.services import join_brand
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.services import grant_role
from o2o.tenancy import tenant_scope
from stores.models import Store, StoreStaff
from tests.members.factories import CONSENTED, JOINED, Brand, clock, create_store


@pytest.fixture
def make_store(db: None) -> Callable[..., Store]:
    def make(tenant: Tenant, code: str, **fields: Any) -> Store:
        with tenant_scope(tenant):
            return create_store(tenant, code, **fields)

    return make


@pytest.fixture
def make_staff(make_user: Callable[..., User]) -> Callable[..., User]:
    """A store manager or guide posted to `store`: the role in the brand and the store post."""

    def make(tenant: Tenant, store: Store, role: str, username: str) -> User:
        user = make_user(tenant, username=username)
        with tenant_scope(tenant):
            grant_role(tenant=tenant, user=user, role=role)
            StoreStaff.objects.create(tenant=tenant, user=user, store=store, role=role, code=username[:16])
        return user

    return make


@pytest.fixture
def brand(tenant, make_store, make_staff, make_user) -> Brand:
    home, other = make_store(tenant, "SH01"), make_store(tenant, "SH02")
    consumer = make_user(tenant, Role.CONSUMER, username="+8613812345678")
    with tenant_scope(tenant), clock(JOINED):
        member = join_brand(tenant=tenant, phone="+8613812345678", name="张伟", user=consumer, home_store=home)
    with tenant_scope(tenant), clock(CONSENTED):
        member = join_brand(tenant=tenant, phone="+8613812345678", consent_marketing=True)
    return Brand(
        tenant=tenant,
        home=home,
        other=other,
        home_manager=make_staff(tenant, home, Role.STORE_MANAGER, "mgr-sh01"),
        home_guide=make_staff(tenant, home, Role.GUIDE, "guide-sh01"),
        other_manager=make_staff(tenant, other, Role.STORE_MANAGER, "mgr-sh02"),
        member=member,
    )
