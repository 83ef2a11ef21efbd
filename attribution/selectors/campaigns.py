"""Reads of campaigns and their spend, shared by the API and the pages."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from attribution.models import Campaign, CampaignSpend
from o2o.errors import NotFound
from o2o.models import Tenant
from o2o.money import MONEY

ZERO = Decimal("0.00")


def _spent() -> Coalesce:
    total = (
        CampaignSpend.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(ZERO), output_field=DecimalField(**MONEY))


def list_campaigns(*, tenant: Tenant, channel: str | None = None) -> QuerySet[Campaign]:
    """The brand's campaigns, newest start first, each with `spent` (its spend so far), in one query."""
    campaigns = Campaign.objects.filter(tenant=tenant).annotate(spent=_spent()).order_by("-starts", "-pk")
    if channel:
        campaigns = campaigns.filter(channel=channel)
    return campaigns


def get_campaign(*, tenant: Tenant, campaign_id: int) -> Campaign:
    """One campaign of the brand with `spent`; NotFound for a missing or foreign one alike."""
    campaign = list_campaigns(tenant=tenant).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign


def list_spend(*, tenant: Tenant, campaign: Campaign) -> QuerySet[CampaignSpend]:
    """A campaign's spend entries, latest date first."""
    return CampaignSpend.objects.filter(tenant=tenant, campaign=campaign).order_by("-date", "-pk")


def spend_total(*, tenant: Tenant, campaign: Campaign) -> Decimal:
    """What the campaign cost so far (0.00 without spend)."""
    total = CampaignSpend.objects.filter(tenant=tenant, campaign=campaign).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO
