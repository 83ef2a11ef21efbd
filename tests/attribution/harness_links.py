"""The campaign and link entries of the cross-tenant harness (tests/harness.py); the lead merges
them into tests/attribution/harness.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model

from attribution.models import Campaign, TrackingLink
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from tests.attribution.factories import make_campaign, make_link
from tests.stores.factories import make_store


def _campaign(tenant: Tenant) -> Campaign:
    return make_campaign(tenant)


def _link(tenant: Tenant) -> TrackingLink:
    return make_link(tenant, campaign_id=make_campaign(tenant).pk, store_id=make_store(tenant).pk)


def _a_link_naming_foreign_rows(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        link = _link(foreign)
    return {"target": "store", "campaign": link.campaign_id, "store": link.store_id}


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {Campaign: _campaign, TrackingLink: _link}

FOREIGN_WRITES: dict[str, Callable[[Tenant, Tenant], dict[str, Any]]] = {
    "link-list": _a_link_naming_foreign_rows,
}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "campaign-list": "name, channel, dates and budget only",
    "campaign-detail": "name, channel, dates and budget only; the campaign is the URL's",
    "campaign-spend": "a date, an amount and a note; the campaign is the URL's",
    "link-detail": "a label and is_active only; the link is the URL's",
}
