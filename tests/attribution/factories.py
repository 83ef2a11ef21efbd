"""Rows of the attribution tests, made through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from attribution.models import Campaign, TrackingLink
from attribution.services.campaigns import CampaignInput, create_campaign
from attribution.services.links import LinkInput, create_link
from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy.actor import Actor

_numbers = count(1)


def hq_actor(tenant: Tenant) -> Actor:
    """An HQ actor of `tenant` (for services that ask who acts)."""
    from django.contrib.auth.models import AnonymousUser

    return Actor(tenant=tenant, user=AnonymousUser(), roles=[Role.HQ_ADMIN])


def make_campaign(tenant: Tenant, **overrides: Any) -> Campaign:
    """A campaign of `tenant` (inside its tenant scope)."""
    values: dict[str, Any] = {
        "name": f"Campaign {next(_numbers)}",
        "channel": "wechat",
        "starts": dt.date(2026, 3, 1),
        "ends": None,
        "budget": Decimal("1000.00"),
    }
    values.update(overrides)
    return create_campaign(tenant=tenant, data=CampaignInput(**values))


def make_link(tenant: Tenant, **overrides: Any) -> TrackingLink:
    """A tracking link of `tenant` made by HQ (inside its tenant scope)."""
    return create_link(tenant=tenant, actor=hq_actor(tenant), data=LinkInput(**overrides))
