"""Event ingestion (issue 11 item 3, rules.md 3.1): the touchpoints a shop, an app or a mini-program
sends in batches (`POST /api/v1/events/`).

Each event is checked on its own: the API checks its shape (`attribution.api.events`), this module
what it names (a link code and a campaign of the brand, the campaign running on the event's date).
The good ones are stored, the others answered with their index and errors.

- One query resolves the batch's link codes (with their campaigns) and one its campaign ids, and
  one `INSERT ... ON CONFLICT DO NOTHING` stores the batch: the queries of a batch do not grow with
  its size.
- An event with a client id (`id`) is stored once per brand, whatever the retries: the unique
  index on (tenant, client_event_id) drops a duplicate of an earlier batch, of a concurrent retry
  (the second INSERT waits for the first to commit, then skips its rows), or of the same batch. A
  duplicate counts as accepted, so a retried batch gets the answer the first one got. The rows are
  inserted in the order of their ids: two overlapping batches take their index entries in the same
  order and cannot deadlock each other.
- A touchpoint copies its link's campaign, channel, store and guide (a link without a campaign
  takes the campaign the event names), so that reports group without joins. A B2C marketplace
  campaign's events keep their channel tag (`tmall`, `jd`): the reports leave them out of the O2O
  metrics, ingestion does not drop them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from attribution.models import Campaign, Touchpoint, TrackingLink
from attribution.services.guide_binding import GuideTouch, bind_touches
from o2o.models import Tenant

MAX_BATCH = 1000
MAX_PROPS_BYTES = 1024  # the JSON of an event's `props`, UTF-8
# A client's clock runs a little fast; an event further ahead is a wrong clock, not an event.
MAX_AHEAD = dt.timedelta(minutes=5)
# How old an event may be: the brand's lookback window, and at least 90 days, so that an app that
# was offline for weeks still delivers its queue (an older event could never earn a conversion
# credit). Older ones are rejected rather than stored for nothing.
MIN_MAX_AGE_DAYS = 90
USER_AGENT_MAX = 300  # Touchpoint.user_agent


@dataclass(frozen=True)
class EventInput:
    """One event of a batch whose shape the API checked. `index` is its place in the batch."""

    index: int
    visitor_id: str
    kind: str  # TouchKind
    at: dt.datetime  # aware
    client_event_id: str | None = None
    link_code: str = ""
    campaign_id: int | None = None
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejection:
    index: int
    errors: dict[str, list[str]]


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    rejected: list[Rejection]


def oldest_accepted(*, tenant: Tenant, now: dt.datetime) -> dt.datetime:
    """The earliest time an event of `tenant` may carry (see MIN_MAX_AGE_DAYS)."""
    return now - dt.timedelta(days=max(MIN_MAX_AGE_DAYS, tenant.lookback_days))


def _runs_on(campaign: Campaign, day: dt.date) -> bool:
    return campaign.starts <= day and (campaign.ends is None or day <= campaign.ends)


@transaction.atomic
def ingest_events(*, tenant: Tenant, events: Sequence[EventInput], user_agent: str = "") -> IngestResult:
    """Store the touchpoints of `events` (shape-checked) that name a link or a campaign of `tenant`.

    Rejects, with the field's error: an unknown link code (another brand's included, alike), a
    disabled link, an unknown campaign, a campaign that is not the link's, a campaign that did not
    run on the event's date (in the brand's time zone). Everything else is accepted, a duplicate of
    a stored event included (stored once). Three queries at most, whatever the batch's size.
    """
    codes = {event.link_code for event in events if event.link_code}
    links = (
        {
            link.code: link
            for link in TrackingLink.objects.filter(tenant=tenant, code__in=codes).select_related("campaign")
        }
        if codes
        else {}
    )
    named = {event.campaign_id for event in events if event.campaign_id is not None}
    campaigns = Campaign.objects.filter(tenant=tenant).in_bulk(named) if named else {}
    zone = zoneinfo.ZoneInfo(tenant.timezone)
    user_agent = user_agent[:USER_AGENT_MAX]

    rows: list[Touchpoint] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    accepted = 0
    for event in events:
        errors: dict[str, list[str]] = {}
        link = links.get(event.link_code) if event.link_code else None
        campaign = campaigns.get(event.campaign_id) if event.campaign_id is not None else None
        if event.link_code and link is None:
            errors["link"] = [_("No link of this brand has this code.")]
        elif link is not None and not link.is_active:
            errors["link"] = [_("This link is disabled.")]
        if event.campaign_id is not None and campaign is None:
            errors["campaign"] = [_("No campaign of this brand has this id.")]
        elif link is not None and campaign is not None and link.campaign_id not in {None, campaign.pk}:
            errors["campaign"] = [_("This is not the campaign of the link.")]
        if not errors:
            source = "campaign" if campaign is not None else "link"
            campaign = campaign or (link.campaign if link is not None else None)
            if campaign is not None and not _runs_on(campaign, event.at.astimezone(zone).date()):
                errors[source] = [_("The campaign did not run on the event's date.")]
        if errors:
            rejected.append(Rejection(index=event.index, errors=errors))
            continue
        accepted += 1
        if event.client_event_id is not None:
            if event.client_event_id in seen:
                continue  # the same event twice in the batch: the first is stored
            seen.add(event.client_event_id)
        rows.append(
            Touchpoint(
                tenant_id=tenant.pk,
                at=event.at,
                visitor_id=event.visitor_id,
                kind=event.kind,
                link_id=link.pk if link is not None else None,
                campaign_id=campaign.pk if campaign is not None else None,
                channel=campaign.channel if campaign is not None else "",
                store_id=link.store_id if link is not None else None,
                guide_id=link.guide_id if link is not None else None,
                client_event_id=event.client_event_id,
                user_agent=user_agent,
                props=event.props,
            )
        )
    if rows:
        # in the order of the client ids, so that overlapping batches lock in the same order
        rows.sort(key=lambda row: (row.client_event_id is None, row.client_event_id or ""))
        Touchpoint.objects.bulk_create(rows, ignore_conflicts=True)
        bind_touches(  # a guide's link binds the visitor's member (rules.md 4.1): one query when none is
            tenant=tenant,
            touches=[
                GuideTouch(visitor_id=row.visitor_id, guide_id=row.guide_id, kind=row.kind, at=row.at)
                for row in rows
                if row.guide_id is not None
            ],
        )
    return IngestResult(accepted=accepted, rejected=rejected)
