"""Rows of the ingestion and stitching tests: a brand with a store, a guide, campaigns (one of a B2C
marketplace, one ended) and tracking links, and helpers to post batches and read what was stored.

Campaigns and links are written as rows here: their services belong to the campaigns helper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from attribution.choices import Channel
from attribution.models import Campaign, Touchpoint, TrackingLink
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores.models import Store, StoreStaff
from stores.services import create_staff
from tests.stores.factories import make_store


@dataclass
class IngestBrand:
    tenant: Tenant
    store: Store
    guide: StoreStaff
    spring: Campaign  # posters, running
    tmall: Campaign  # a B2C marketplace shop's campaign
    ended: Campaign  # ended before the events
    poster: TrackingLink  # spring's, at the store, with the guide
    guide_link: TrackingLink  # the guide's own, no campaign
    disabled: TrackingLink
    old: TrackingLink  # the ended campaign's

    def touchpoints(self, *fields: str) -> list[tuple[Any, ...]]:
        """The brand's touchpoints as tuples of `fields`, by client id then visitor then time."""
        with tenant_scope(self.tenant):
            rows = Touchpoint.objects.filter(tenant=self.tenant).order_by("client_event_id", "visitor_id", "at", "pk")
            return list(rows.values_list(*fields))

    def count(self) -> int:
        with tenant_scope(self.tenant):
            return Touchpoint.objects.filter(tenant=self.tenant).count()


def make_campaign(tenant: Tenant, name: str, channel: str, starts: dt.date, ends: dt.date | None = None) -> Campaign:
    return Campaign.objects.create(tenant=tenant, name=name, channel=channel, starts=starts, ends=ends)


def make_link(tenant: Tenant, code: str, **fields: Any) -> TrackingLink:
    return TrackingLink.objects.create(tenant=tenant, code=code, **fields)


def make_ingest_brand(tenant: Tenant, prefix: str = "") -> IngestBrand:
    """The brand's store, guide, campaigns and links; link codes start with `prefix`."""
    today = timezone.localdate()
    with tenant_scope(tenant):
        store = make_store(tenant)
        guide = create_staff(
            tenant=tenant,
            store=store,
            username=f"{tenant.slug}-guide",
            password="pw-secret-42",
            name="Guide Li",
            phone="",
            role="guide",
        )
        spring = make_campaign(tenant, "Spring posters", Channel.POSTER, today - dt.timedelta(days=200))
        tmall = make_campaign(tenant, "Tmall 618", Channel.TMALL, today - dt.timedelta(days=200))
        ended = make_campaign(
            tenant, "Last winter", Channel.WECHAT, today - dt.timedelta(days=300), today - dt.timedelta(days=100)
        )
        return IngestBrand(
            tenant=tenant,
            store=store,
            guide=guide,
            spring=spring,
            tmall=tmall,
            ended=ended,
            poster=make_link(tenant, f"{prefix}POSTER1", campaign=spring, store=store, guide=guide),
            guide_link=make_link(tenant, f"{prefix}GUIDE1", store=store, guide=guide),
            disabled=make_link(tenant, f"{prefix}OFF1", campaign=spring, is_active=False),
            old=make_link(tenant, f"{prefix}OLD1", campaign=ended),
        )


def ago(**delta: float) -> str:
    """An ISO time with its offset, `delta` before now (whole seconds)."""
    return (timezone.now() - dt.timedelta(**delta)).replace(microsecond=0).isoformat()


def event(n: int | None = None, **fields: Any) -> dict[str, Any]:
    """An event of the brand's poster link, by visitor `v{n}`, with client id `e{n}` (no id when n is None)."""
    body: dict[str, Any] = {"visitor_id": f"v{n or 0}", "type": "scan", "ts": ago(hours=1), "link": "POSTER1"}
    if n is not None:
        body["id"] = f"e{n:04d}"
    body.update(fields)
    return body


def post(client: Any, events: list[dict[str, Any]] | Any, **headers: Any) -> Any:
    body = {"events": events} if isinstance(events, list) else events
    return client.post("/api/v1/events/", body, format="json", **headers)
