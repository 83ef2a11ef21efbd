"""The orders app's panel on the HQ dashboard (o2o.portals.panels): today's orders and the
unroutable queue, read live (a few indexed queries), for HQ only (`orders.policies`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from o2o.portals.panels import register
from o2o.tenancy.request import SignedInPortalRequest
from orders import policies, selectors


def orders_today_panel(request: SignedInPortalRequest) -> dict[str, Any] | None:
    if not policies.can_see_orders_summary(request.actor):
        return None
    tenant = request.tenant
    today = dt.datetime.now(ZoneInfo(tenant.timezone)).date()
    return {
        "today": selectors.orders_of_day(tenant=tenant, day=today),
        "unroutable": selectors.unroutable_summary(tenant=tenant),
    }


def register_panels() -> None:
    register(
        "hq", name="orders.today", order=10, template="hq/dashboard/_orders_today.html", context=orders_today_panel
    )
