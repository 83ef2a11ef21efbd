"""Rows the members tests need from lower apps, made directly (independent of the stores services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from unittest import mock

from members.models import Member
from o2o.models import Tenant, User
from stores.choices import StoreKind
from stores.models import Store

JOINED = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
CONSENTED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 8, 20, 15, tzinfo=dt.UTC)


@dataclass
class Brand:
    tenant: Tenant
    home: Store  # 张伟's home store
    other: Store
    home_manager: User
    home_guide: User
    other_manager: User
    member: Member  # 张伟, +8613812345678, home store `home`


def create_store(tenant: Tenant, code: str, **fields: Any) -> Store:
    """A store of `tenant` (call inside its tenant scope)."""
    defaults: dict[str, Any] = {
        "name": f"Store {code}",
        "kind": StoreKind.DIRECT,
        "region": "east",
        "city": "Shanghai",
        "address": "1 Nanjing Road",
        "lat": 31.23,
        "lng": 121.47,
    }
    return Store.objects.create(tenant=tenant, code=code, **{**defaults, **fields})


def clock(at: dt.datetime) -> mock._patch:
    """Stop the clock at `at` (the clock is a boundary: the only thing these tests mock)."""
    return mock.patch("django.utils.timezone.now", return_value=at)
