"""Campaigns and what they cost (issue 11 item 1): the writes (reads: `attribution.selectors.campaigns`).

A campaign runs on one channel (`attribution.choices.Channel`) from `starts` to `ends` (open when
empty), with an optional budget; its spend is dated entries that add up. A B2C marketplace
channel (Tmall, JD) keeps its tag: the touchpoints of its links carry it, and reports leave them
out of the O2O metrics. Names are unique per brand; amounts are Decimals >= 0 with two decimals.
Every rule is also a database constraint (`attribution.models`); these checks make a 400 naming
the field of what would otherwise be an IntegrityError.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attribution.choices import B2C_CHANNELS, Channel
from attribution.models import Campaign, CampaignSpend, Touchpoint, TrackingLink
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant, User
from o2o.money import MAX_AMOUNT

ZERO = Decimal("0.00")
NAME_MAX = 120
NOTE_MAX = 200


@dataclass(frozen=True)
class CampaignInput:
    name: str
    channel: str
    starts: dt.date
    ends: dt.date | None = None
    budget: Decimal | None = None


@dataclass(frozen=True)
class SpendInput:
    date: dt.date
    amount: Decimal
    note: str = ""


def is_b2c(channel: str) -> bool:
    """A B2C marketplace channel: its touchpoints and orders never count in O2O metrics."""
    return channel in B2C_CHANNELS


def check_amount(*, field: str, amount: Decimal) -> None:
    """Raise InvalidInput naming `field` unless `amount` is a Decimal from 0 to MAX_AMOUNT with at
    most two decimals."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidInput(field, _("Enter a number."))
    if amount < 0:
        raise InvalidInput(field, _("An amount cannot be negative."))
    if amount > MAX_AMOUNT:
        raise InvalidInput(field, _("This amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, _("An amount has at most 2 decimal places."))


def _check_campaign(*, tenant: Tenant, campaign: Campaign | None, data: CampaignInput) -> str:
    name = data.name.strip()
    if not name:
        raise InvalidInput("name", _("This field may not be blank."))
    if len(name) > NAME_MAX:
        raise InvalidInput("name", _("A name has at most %(max)d characters.") % {"max": NAME_MAX})
    if data.channel not in Channel.values:
        raise InvalidInput("channel", _("Choose one of the channels."))
    if data.ends is not None and data.ends < data.starts:
        raise InvalidInput("ends", _("A campaign cannot end before it starts."))
    if data.budget is not None:
        check_amount(field="budget", amount=data.budget)
    same_name = Campaign.objects.filter(tenant=tenant, name=name)
    if campaign is not None:
        same_name = same_name.exclude(pk=campaign.pk)
    if same_name.exists():
        raise InvalidInput("name", _("A campaign with this name exists already."))
    return name


def _save(campaign: Campaign, **save_kwargs: object) -> None:
    try:
        with transaction.atomic():
            campaign.save(**save_kwargs)  # type: ignore[arg-type]
    except IntegrityError as exc:  # a concurrent campaign of the same name
        raise InvalidInput("name", _("A campaign with this name exists already.")) from exc


@transaction.atomic
def create_campaign(*, tenant: Tenant, data: CampaignInput) -> Campaign:
    """Create a campaign. Raises InvalidInput naming `name` (blank or taken), `channel`, `ends`
    (before `starts`) or `budget` (negative, more than two decimals)."""
    name = _check_campaign(tenant=tenant, campaign=None, data=data)
    campaign = Campaign(
        tenant=tenant, name=name, channel=data.channel, starts=data.starts, ends=data.ends, budget=data.budget
    )
    _save(campaign)
    return campaign


@transaction.atomic
def update_campaign(*, tenant: Tenant, campaign: Campaign, data: CampaignInput) -> Campaign:
    """Change a campaign (its links' future touchpoints carry the new channel; recorded ones keep
    theirs). Errors as `create_campaign`; NotFound when it is gone."""
    locked = Campaign.objects.select_for_update().filter(tenant=tenant, pk=campaign.pk).first()
    if locked is None:
        raise NotFound(_("No such campaign."))
    name = _check_campaign(tenant=tenant, campaign=locked, data=data)
    locked.name, locked.channel, locked.starts, locked.ends, locked.budget = (
        name,
        data.channel,
        data.starts,
        data.ends,
        data.budget,
    )
    _save(locked, update_fields=["name", "channel", "starts", "ends", "budget"])
    return locked


@transaction.atomic
def delete_campaign(*, tenant: Tenant, campaign: Campaign) -> None:
    """Delete a campaign that has no links, no spend and no touchpoints; Conflict (409) otherwise
    (end it instead: its history is what reports and settlement read)."""
    used = (
        TrackingLink.objects.filter(tenant=tenant, campaign=campaign).exists()
        or CampaignSpend.objects.filter(tenant=tenant, campaign=campaign).exists()
        or Touchpoint.objects.filter(tenant=tenant, campaign=campaign).exists()
    )
    if used:
        raise Conflict(
            _("This campaign has links, spend or touchpoints: end it instead of deleting it."), code="campaign_in_use"
        )
    Campaign.objects.filter(tenant=tenant, pk=campaign.pk).delete()


@transaction.atomic
def add_spend(*, tenant: Tenant, campaign: Campaign, data: SpendInput, by: User | None) -> CampaignSpend:
    """Record what `campaign` cost on `data.date` (several entries of a day add up). Raises
    InvalidInput naming `amount` (negative, more than two decimals) or `note` (too long)."""
    check_amount(field="amount", amount=data.amount)
    if len(data.note) > NOTE_MAX:
        raise InvalidInput("note", _("A note has at most %(max)d characters.") % {"max": NOTE_MAX})
    return CampaignSpend.objects.create(
        tenant=tenant, campaign=campaign, date=data.date, amount=data.amount, note=data.note.strip(), created_by=by
    )
