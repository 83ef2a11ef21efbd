"""HQ's campaign pages: the campaigns with their channel, dates, budget and spend so far; a
campaign's form; a campaign's page with its funnel of the last 30 days (in all, and by store), its
latest credited conversions (each leading to its booking's or order's page), its tracking links
(each with its URL to copy and its QR code as PNG and SVG) and its spend, where HQ makes a link and
adds a spend entry.

Under the pages' error boundary: a refused form is shown again bound to what was typed, the error
next to its field, nothing saved (`o2o.portals.errors`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from attribution.forms import CampaignForm, LinkForm, SpendForm
from attribution.models import Campaign, TrackingLink
from attribution.policies import CAMPAIGN_EDITORS
from attribution.selectors import campaigns as campaign_selectors
from attribution.selectors import links as link_selectors
from attribution.selectors.conversions import credit_model, recent_conversions
from attribution.selectors.funnel import default_window, funnel
from attribution.services import campaigns as campaign_services
from attribution.services import links as link_services
from o2o.choices import AttributionModel
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest

PAGE_SIZE = 25
SPEND_SHOWN = 100


@portal_page(*CAMPAIGN_EDITORS)
def hq_campaign_list(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's campaigns, newest first, with channel, dates, budget and spend so far; 25 a page."""
    campaigns = campaign_selectors.list_campaigns(tenant=request.tenant)
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hq/campaigns/list.html", {"portal": "hq", "page": page})


# --- the campaign's form -------------------------------------------------------------------------


def _form_page(
    request: SignedInPortalRequest, form: CampaignForm, campaign: Campaign | None, error: AppError | None = None
) -> HttpResponse:
    context = {"portal": "hq", "form": form, "campaign": campaign, "error": error}
    return render(request, "hq/campaigns/form.html", context)


def _form_refused(request: SignedInPortalRequest, error: AppError, campaign_id: int | None = None) -> HttpResponse:
    """The form again, bound to what was typed, the error next to its field; nothing saved."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    campaign = None
    if campaign_id is not None:
        campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    form = CampaignForm(request.POST)
    show_error(form, error)
    return _form_page(request, form, campaign, error)


@portal_page(*CAMPAIGN_EDITORS, on_error=_form_refused)
def hq_campaign_new(request: SignedInPortalRequest) -> HttpResponse:
    """A new campaign (`attribution.services.campaigns.create_campaign`)."""
    if request.method != "POST":
        return _form_page(request, CampaignForm(), None)
    form = CampaignForm(request.POST)
    validated(form)
    campaign = campaign_services.create_campaign(tenant=request.tenant, data=form.data_input())
    messages.success(request, _("Campaign %(name)s saved.") % {"name": campaign.name})
    return redirect("hq-campaign", campaign_id=campaign.pk)


@portal_page(*CAMPAIGN_EDITORS, on_error=_form_refused)
def hq_campaign_edit(request: SignedInPortalRequest, campaign_id: int) -> HttpResponse:
    """A campaign's name, channel, dates and budget (`update_campaign`)."""
    campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    if request.method != "POST":
        initial = {
            "name": campaign.name,
            "channel": campaign.channel,
            "starts": campaign.starts,
            "ends": campaign.ends,
            "budget": campaign.budget,
        }
        return _form_page(request, CampaignForm(initial=initial), campaign)
    form = CampaignForm(request.POST)
    validated(form)
    campaign_services.update_campaign(tenant=request.tenant, campaign=campaign, data=form.data_input())
    messages.success(request, _("Campaign %(name)s saved.") % {"name": form.cleaned_data["name"]})
    return redirect("hq-campaign", campaign_id=campaign.pk)


hq_campaign_edit.resource_model = Campaign  # type: ignore[attr-defined]


# --- the campaign's page: funnel, conversions, links and spend ----------------------------------


@dataclass(frozen=True)
class LinkRow:
    link: TrackingLink
    url: str
    qr_svg: str
    qr_png: str


def _campaign_page(
    request: SignedInPortalRequest,
    campaign: Campaign,
    *,
    link_form: LinkForm | None = None,
    spend_form: SpendForm | None = None,
    error: AppError | None = None,
) -> HttpResponse:
    tenant = request.tenant
    links = link_selectors.list_links(tenant=tenant, actor=request.actor, campaign_id=campaign.pk)
    rows = [
        LinkRow(
            link=link,
            url=link_services.link_url(tenant, link.code),
            # the page's own host: the image shows wherever HQ opened the page (the link to copy
            # is the brand's host, where the QR code's scans go)
            qr_svg=reverse("tracking-link-qr-svg", args=[link.code]),
            qr_png=reverse("tracking-link-qr-png", args=[link.code]),
        )
        for link in links
    ]
    spend = list(campaign_selectors.list_spend(tenant=tenant, campaign=campaign)[:SPEND_SHOWN])
    window = default_window(tenant=tenant)
    model = credit_model(tenant.attribution_model)  # the brand's, last touch standing in for Markov
    totals = funnel(
        tenant=tenant, group_by="campaign", window=window, model=tenant.attribution_model, campaign_id=campaign.pk
    )
    context = {
        "portal": "hq",
        "campaign": campaign,
        "window": window,
        "brand_model": tenant.get_attribution_model_display(),
        "model_label": AttributionModel(model).label,
        "stands_in": model != tenant.attribution_model,
        "funnel": next((row for row in totals if row.key == campaign.pk), None),
        "by_store": funnel(tenant=tenant, group_by="store", window=window, model=model, campaign_id=campaign.pk),
        "recent": recent_conversions(tenant=tenant, campaign_id=campaign.pk, model=model),
        "is_b2c": campaign_services.is_b2c(campaign.channel),
        "rows": rows,
        "spend": spend,
        "link_form": link_form or LinkForm(options=link_selectors.link_options(tenant=tenant)),
        "spend_form": spend_form or SpendForm(),
        "error": error,
    }
    return render(request, "hq/campaigns/detail.html", context)


@portal_page(*CAMPAIGN_EDITORS)
def hq_campaign_detail(request: SignedInPortalRequest, campaign_id: int) -> HttpResponse:
    """A campaign: its facts, its funnel of the last 30 days (in all and by store) under the brand's
    model, its latest credited conversions, its links with their QR codes, its spend, and the forms
    adding them."""
    campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    return _campaign_page(request, campaign)


hq_campaign_detail.resource_model = Campaign  # type: ignore[attr-defined]


def _link_refused(request: SignedInPortalRequest, error: AppError, campaign_id: int) -> HttpResponse:
    """The campaign's page again, the link form bound to what was chosen, the error next to its field."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    form = LinkForm(request.POST, options=link_selectors.link_options(tenant=request.tenant))
    show_error(form, error, fields={"campaign": None})
    return _campaign_page(request, campaign, link_form=form, error=error)


@portal_page(*CAMPAIGN_EDITORS, on_error=_link_refused)
def hq_campaign_link_new(request: SignedInPortalRequest, campaign_id: int) -> HttpResponse:
    """POST: a new link of the campaign (`attribution.services.links.create_link`), then its page."""
    campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LinkForm(request.POST, options=link_selectors.link_options(tenant=request.tenant))
    validated(form)
    link = link_services.create_link(
        tenant=request.tenant, actor=request.actor, data=form.data_input(campaign_id=campaign.pk)
    )
    messages.success(request, _("Link %(code)s made.") % {"code": link.code})
    return redirect("hq-campaign", campaign_id=campaign.pk)


hq_campaign_link_new.resource_model = Campaign  # type: ignore[attr-defined]


def _spend_refused(request: SignedInPortalRequest, error: AppError, campaign_id: int) -> HttpResponse:
    """The campaign's page again, the spend form bound to what was typed, the error next to its field."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    form = SpendForm(request.POST)
    show_error(form, error)
    return _campaign_page(request, campaign, spend_form=form, error=error)


@portal_page(*CAMPAIGN_EDITORS, on_error=_spend_refused)
def hq_campaign_spend_new(request: SignedInPortalRequest, campaign_id: int) -> HttpResponse:
    """POST: a dated spend entry of the campaign (`add_spend`), then its page."""
    campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SpendForm(request.POST)
    validated(form)
    spend = campaign_services.add_spend(
        tenant=request.tenant, campaign=campaign, data=form.data_input(), by=request.user
    )
    messages.success(
        request, _("Spend of %(amount)s on %(date)s added.") % {"amount": spend.amount, "date": spend.date}
    )
    return redirect("hq-campaign", campaign_id=campaign.pk)


hq_campaign_spend_new.resource_model = Campaign  # type: ignore[attr-defined]
