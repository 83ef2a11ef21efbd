"""The members app's entries in the cross-tenant harness (tests/harness.py)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

from django.db.models import Model

from members.models import Member
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from tests.members.factories import create_store

_numbers = count(1)


def _member(tenant: Tenant) -> Member:
    return Member.objects.create(tenant=tenant, phone=f"+86137{next(_numbers):08d}", name="外部会员")


def _my_membership_naming_a_foreign_store(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        store = create_store(foreign, f"FX{next(_numbers)}")
    return {"home_store": store.pk, "consent_marketing": True}


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {Member: _member}

FOREIGN_WRITES: dict[str, Callable[[Tenant, Tenant], dict[str, Any]]] = {
    "member-me": _my_membership_naming_a_foreign_store,
}

SINGLE_OBJECTS: dict[str, str] = {
    "member-me": "the consumer's own membership, not a list",
}
