"""Campaigns, their spend, and tracking links (api.md, Attribution).

- `/api/v1/campaigns/` CRUD (HQ): `{id, name, channel, starts, ends, budget, spent, is_b2c}`;
- `/api/v1/campaigns/{id}/spend/`: `POST {date, amount, note?}` adds a dated entry; `GET` lists
  them, with `total` beside the page;
- `/api/v1/links/`: `{id, code, campaign?, guide?, store?, target, product?, service?, label,
  is_active, url, qr, qr_png}`; HQ sees and makes every link, a store manager their store's, a
  guide sees their own (`attribution.policies`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from attribution import policies
from attribution.choices import Channel, Target
from attribution.models import Campaign, CampaignSpend, TrackingLink
from attribution.selectors import campaigns as campaign_selectors
from attribution.selectors import links as link_selectors
from attribution.services import campaigns as campaign_services
from attribution.services import links as link_services
from o2o.api.base import TenantApi
from o2o.api.pagination import Pagination
from o2o.errors import InvalidInput
from o2o.fields import id_field, money_field
from o2o.tenancy.request import TenantApiRequest

HQ = policies.CAMPAIGN_EDITORS
LINK_READERS = policies.LINK_READERS
LINK_MAKERS = policies.LINK_MAKERS


# --- campaigns -----------------------------------------------------------------------------------


class CampaignOutput(serializers.ModelSerializer):
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    is_b2c = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "channel", "starts", "ends", "budget", "spent", "is_b2c"]

    def get_is_b2c(self, campaign: Campaign) -> bool:
        return campaign_services.is_b2c(campaign.channel)


class CampaignInput(serializers.Serializer):
    name = serializers.CharField(max_length=campaign_services.NAME_MAX)
    channel = serializers.ChoiceField(choices=Channel.choices)
    starts = serializers.DateField()
    ends = serializers.DateField(required=False, allow_null=True, default=None)
    budget = money_field(required=False, allow_null=True, default=None)


def _campaign_input(values: dict[str, Any], current: Campaign | None = None) -> campaign_services.CampaignInput:
    base: dict[str, Any] = {}
    if current is not None:
        base = {
            "name": current.name,
            "channel": current.channel,
            "starts": current.starts,
            "ends": current.ends,
            "budget": current.budget,
        }
    return campaign_services.CampaignInput(**{**base, **values})


class CampaignListApi(TenantApi):
    """GET/POST /api/v1/campaigns/: the brand's campaigns (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "POST": HQ}
    resource_model = Campaign

    @extend_schema(
        parameters=[OpenApiParameter("channel", str, enum=Channel.values)], responses={200: CampaignOutput(many=True)}
    )
    def get(self, request: TenantApiRequest) -> Response:
        channel = request.query_params.get("channel") or None
        if channel is not None and channel not in Channel.values:
            raise InvalidInput("channel", _("Choose one of the channels."))
        return self.paginate(campaign_selectors.list_campaigns(tenant=request.tenant, channel=channel), CampaignOutput)

    @extend_schema(request=CampaignInput, responses={201: CampaignOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = CampaignInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = campaign_services.create_campaign(
            tenant=request.tenant, data=_campaign_input(dict(data.validated_data))
        )
        campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=created.pk)
        return Response(CampaignOutput(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/campaigns/{id}/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = Campaign
    error_responses: ClassVar = {"DELETE": {409: "The campaign has links, spend or touchpoints"}}

    @extend_schema(responses={200: CampaignOutput})
    def get(self, request: TenantApiRequest, campaign_id: int) -> Response:
        return Response(
            CampaignOutput(campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)).data
        )

    def _update(self, request: TenantApiRequest, campaign_id: int, *, partial: bool) -> Response:
        campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
        data = CampaignInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        campaign_services.update_campaign(
            tenant=request.tenant, campaign=campaign, data=_campaign_input(dict(data.validated_data), campaign)
        )
        return Response(
            CampaignOutput(campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)).data
        )

    @extend_schema(request=CampaignInput, responses={200: CampaignOutput})
    def put(self, request: TenantApiRequest, campaign_id: int) -> Response:
        return self._update(request, campaign_id, partial=False)

    @extend_schema(request=CampaignInput(partial=True), responses={200: CampaignOutput})
    def patch(self, request: TenantApiRequest, campaign_id: int) -> Response:
        return self._update(request, campaign_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, campaign_id: int) -> Response:
        campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
        campaign_services.delete_campaign(tenant=request.tenant, campaign=campaign)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpendOutput(serializers.ModelSerializer):
    class Meta:
        model = CampaignSpend
        fields = ["id", "date", "amount", "note"]


class SpendInput(serializers.Serializer):
    date = serializers.DateField()
    amount = money_field()
    note = serializers.CharField(max_length=campaign_services.NOTE_MAX, required=False, allow_blank=True, default="")


class CampaignSpendApi(TenantApi):
    """GET/POST /api/v1/campaigns/{id}/spend/: a campaign's dated spend (HQ); GET adds `total`."""

    allowed_roles: ClassVar = {"GET": HQ, "POST": HQ}
    resource_model = Campaign

    @extend_schema(responses={200: SpendOutput(many=True)})
    def get(self, request: TenantApiRequest, campaign_id: int) -> Response:
        campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
        response = self.paginate(campaign_selectors.list_spend(tenant=request.tenant, campaign=campaign), SpendOutput)
        response.data["total"] = f"{campaign.spent:.2f}"  # type: ignore[attr-defined]
        return response

    @extend_schema(request=SpendInput, responses={201: SpendOutput})
    def post(self, request: TenantApiRequest, campaign_id: int) -> Response:
        campaign = campaign_selectors.get_campaign(tenant=request.tenant, campaign_id=campaign_id)
        data = SpendInput(data=request.data)
        data.is_valid(raise_exception=True)
        spend = campaign_services.add_spend(
            tenant=request.tenant,
            campaign=campaign,
            data=campaign_services.SpendInput(**data.validated_data),
            by=request.actor.signed_in_user,
        )
        return Response(SpendOutput(spend).data, status=status.HTTP_201_CREATED)


# --- tracking links ------------------------------------------------------------------------------


class LinkOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    qr = serializers.SerializerMethodField()
    qr_png = serializers.SerializerMethodField()

    class Meta:
        model = TrackingLink
        fields = [
            "id",
            "code",
            "campaign",
            "guide",
            "store",
            "target",
            "product",
            "service",
            "label",
            "is_active",
            "url",
            "qr",
            "qr_png",
        ]

    def get_url(self, link: TrackingLink) -> str:
        return link_services.link_url(link.tenant, link.code)

    def get_qr(self, link: TrackingLink) -> str:
        return link_services.qr_url(link.tenant, link.code, "svg")

    def get_qr_png(self, link: TrackingLink) -> str:
        return link_services.qr_url(link.tenant, link.code, "png")


class LinkInput(serializers.Serializer):
    target = serializers.ChoiceField(choices=Target.choices, required=False, default=Target.SHOP)
    campaign = id_field(required=False, allow_null=True, default=None)
    store = id_field(required=False, allow_null=True, default=None)
    guide = id_field(required=False, allow_null=True, default=None)
    product = id_field(required=False, allow_null=True, default=None)
    service = id_field(required=False, allow_null=True, default=None)
    label = serializers.CharField(  # type: ignore[assignment]  # a field named as Field's own `label`
        max_length=link_services.LABEL_MAX, required=False, allow_blank=True, default=""
    )


class LinkUpdateInput(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]  # a field named as Field's own `label`
        max_length=link_services.LABEL_MAX, required=False, allow_blank=True
    )
    is_active = serializers.BooleanField(required=False)


def _with_tenant(links: Any, request: TenantApiRequest) -> Any:
    """Give each link its tenant (its URL is on the brand's host) without a query."""
    for link in links:
        link.tenant = request.tenant
    return links


class LinkListApi(TenantApi):
    """GET/POST /api/v1/links/: the links the caller may see (HQ all, a store manager their store's,
    a guide their own); HQ and store managers make links."""

    allowed_roles: ClassVar = {"GET": LINK_READERS, "POST": LINK_MAKERS}
    resource_model = TrackingLink

    @extend_schema(parameters=[OpenApiParameter("campaign", int)], responses={200: LinkOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        campaign = LinkInput(data={"campaign": request.query_params.get("campaign") or None})
        campaign.is_valid(raise_exception=True)
        links = link_selectors.list_links(
            tenant=request.tenant, actor=request.actor, campaign_id=campaign.validated_data["campaign"]
        )
        paginator = Pagination()
        page = _with_tenant(paginator.paginate_queryset(links, request, view=self) or [], request)
        return paginator.get_paginated_response(LinkOutput(page, many=True).data)

    @extend_schema(request=LinkInput, responses={201: LinkOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = LinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        link = link_services.create_link(
            tenant=request.tenant,
            actor=request.actor,
            data=link_services.LinkInput(
                target=values["target"],
                campaign_id=values["campaign"],
                store_id=values["store"],
                guide_id=values["guide"],
                product_id=values["product"],
                service_id=values["service"],
                label=values["label"],
            ),
        )
        return Response(LinkOutput(link).data, status=status.HTTP_201_CREATED)


class LinkDetailApi(TenantApi):
    """GET/PATCH/DELETE /api/v1/links/{id}/: one link the caller sees; HQ and the store's manager
    change its label or switch it off, or delete it while nobody followed it (else 409)."""

    allowed_roles: ClassVar = {"GET": LINK_READERS, "PATCH": LINK_MAKERS, "DELETE": LINK_MAKERS}
    resource_model = TrackingLink
    error_responses: ClassVar = {"DELETE": {409: "The link was followed (switch it off instead)"}}

    def _link(self, request: TenantApiRequest, link_id: int, *, to_change: bool) -> TrackingLink:
        link = link_selectors.get_link(tenant=request.tenant, actor=request.actor, link_id=link_id)
        if to_change:
            policies.authorize_link(request.actor, store_id=link.store_id)
        link.tenant = request.tenant
        return link

    @extend_schema(responses={200: LinkOutput})
    def get(self, request: TenantApiRequest, link_id: int) -> Response:
        return Response(LinkOutput(self._link(request, link_id, to_change=False)).data)

    @extend_schema(request=LinkUpdateInput, responses={200: LinkOutput})
    def patch(self, request: TenantApiRequest, link_id: int) -> Response:
        link = self._link(request, link_id, to_change=True)
        data = LinkUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        link = link_services.update_link(
            tenant=request.tenant,
            link=link,
            label=data.validated_data.get("label"),
            is_active=data.validated_data.get("is_active"),
        )
        return Response(LinkOutput(link).data)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, link_id: int) -> Response:
        link = self._link(request, link_id, to_change=True)
        link_services.delete_link(tenant=request.tenant, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("campaigns/", CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<int:campaign_id>/", CampaignDetailApi.as_view(), name="campaign-detail"),
    path("campaigns/<int:campaign_id>/spend/", CampaignSpendApi.as_view(), name="campaign-spend"),
    path("links/", LinkListApi.as_view(), name="link-list"),
    path("links/<int:link_id>/", LinkDetailApi.as_view(), name="link-detail"),
]
