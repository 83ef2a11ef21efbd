"""Attribution's reports (api.md, Attribution): `GET /api/v1/reports/funnel/`.

HQ reads the brand's funnel; a store manager their own store's (attribution.selectors.funnel says
what that holds), in every grouping; `markov` is brand-wide: HQ's, by campaign or channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from attribution import policies
from attribution.selectors.funnel import GROUPS, MARKOV, Window, default_window, funnel
from o2o.api.base import TenantApi
from o2o.choices import HQ_ROLES, AttributionModel, Role
from o2o.money import MONEY
from o2o.tenancy.request import SignedInApiRequest

MAX_DAYS = 366
MODELS = list(AttributionModel.values)  # the heuristic models and `markov`
SHARES: dict[str, Any] = {"max_digits": 20, "decimal_places": 12}


class FunnelRowOutput(serializers.Serializer):
    key = serializers.JSONField(help_text="the campaign, store or guide id, or the channel's name; null: none")
    visitors = serializers.IntegerField()
    bookings = serializers.DecimalField(**SHARES)
    visits = serializers.DecimalField(**SHARES)
    orders = serializers.DecimalField(**SHARES)
    revenue = serializers.DecimalField(**MONEY)
    online_to_store_rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    cost = serializers.DecimalField(**MONEY)
    cost_per_visit = serializers.DecimalField(**MONEY, allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `label` is a Field attribute: added here, in the contract's order
        return {"key": fields.pop("key"), "label": serializers.CharField(), **fields}


class FunnelOutput(serializers.Serializer):
    group_by = serializers.CharField()
    model = serializers.CharField()
    rows = FunnelRowOutput(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()  # a keyword in Python: added here
        fields["to"] = serializers.DateField()
        return fields


class FunnelInput(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUPS, required=False, default="campaign")
    model = serializers.ChoiceField(choices=MODELS, required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)  # a keyword in Python: added here
        fields["to"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first, last = attrs.get("from"), attrs.get("to")
        if first is not None and last is not None:
            if last < first:
                raise serializers.ValidationError({"to": _("The last day must not be before the first.")})
            if (last - first).days >= MAX_DAYS:
                raise serializers.ValidationError(
                    {"from": _("A report covers at most %(days)s days.") % {"days": MAX_DAYS}}
                )
        return attrs


FUNNEL_PARAMETERS = [
    OpenApiParameter("group_by", str, enum=list(GROUPS)),
    OpenApiParameter("from", dt.date, description="first day, in the brand's time zone (default: 29 days ago)"),
    OpenApiParameter("to", dt.date, description="last day, included (default: today)"),
    OpenApiParameter("model", str, enum=MODELS, description="default: the brand's model"),
]


class FunnelApi(TenantApi):  # GET /api/v1/reports/funnel/
    """The O2O funnel grouped by campaign, channel, store or guide, in a window, under a model."""

    allowed_roles: ClassVar = {"GET": frozenset(HQ_ROLES | {Role.STORE_MANAGER})}
    resource_model = (
        None  # a report of aggregates, not a list of rows with ids (tests/attribution/test_funnel.py checks brands)
    )

    @extend_schema(parameters=FUNNEL_PARAMETERS, responses={200: FunnelOutput})
    def get(self, request: SignedInApiRequest) -> Response:
        params = FunnelInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        tenant = request.tenant
        stores = policies.funnel_stores(request.actor)
        model = params.validated_data.get("model") or tenant.attribution_model  # given, or the brand's
        if stores == set():  # a manager's role without a post: nothing of theirs
            return Response(FunnelOutput(_empty(params.validated_data, model, tenant)).data)
        store_id = min(stores) if stores else None
        if model == MARKOV and store_id is not None:
            raise serializers.ValidationError({"model": _("The Markov model is the brand's, read by HQ.")})
        if model == MARKOV and params.validated_data["group_by"] not in ("campaign", "channel"):
            raise serializers.ValidationError({"model": _("The Markov model groups by campaign or channel.")})
        window = _window(params.validated_data, tenant)
        rows = funnel(
            tenant=tenant, group_by=params.validated_data["group_by"], window=window, model=model, store_id=store_id
        )
        report = {
            "group_by": params.validated_data["group_by"],
            "model": model,
            "from": window.first,
            "to": window.last,
            "rows": rows,
        }
        return Response(FunnelOutput(report).data)


def _window(params: dict[str, Any], tenant: Any) -> Window:
    """The days asked for; a missing end is 29 days after the start (today at the latest), a
    missing start 29 days before the end; neither: the last 30 days."""
    default = default_window(tenant=tenant)
    first: dt.date | None = params.get("from")
    last: dt.date | None = params.get("to")
    if first is None and last is None:
        return default
    if first is None:
        assert last is not None
        first = last - dt.timedelta(days=29)
    if last is None:
        last = max(first, min(first + dt.timedelta(days=29), default.last))
    return Window(first=first, last=last, zone=ZoneInfo(tenant.timezone))


def _empty(params: dict[str, Any], model: str, tenant: Any) -> dict[str, Any]:
    window = _window(params, tenant)
    return {"group_by": params["group_by"], "model": model, "from": window.first, "to": window.last, "rows": []}


urlpatterns: list[URLPattern] = [path("reports/funnel/", FunnelApi.as_view(), name="report-funnel")]
