"""Attribution's reports (api.md, Attribution; issue 11 item 6).

- `GET /api/v1/reports/funnel/`: HQ reads the brand's funnel; a store manager their own store's
  (attribution.selectors.funnel says what that holds), in every grouping; `markov` is brand-wide:
  HQ's, by campaign or channel.
- `GET /api/v1/reports/repurchase/?from=&to=&category=` and `GET /api/v1/reports/retention/?from=&to=`:
  HQ only (a store manager gets 403); definitions in attribution.selectors.repurchase and
  attribution.selectors.retention.

Parsing here, rules in attribution.selectors.reports (a bad parameter is a 400 naming it), who
reads what in attribution.policies. Their CSV and XLSX exports: attribution.api.report_exports.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from attribution import policies
from attribution.selectors.funnel import GROUPS
from attribution.selectors.reports import (
    FunnelReport,
    RepurchaseReport,
    RetentionReport,
    funnel_report,
    repurchase_report,
    retention_report,
)
from o2o.api.base import TenantApi
from o2o.choices import AttributionModel
from o2o.fields import id_field
from o2o.models import Tenant
from o2o.money import MONEY
from o2o.tenancy.actor import Actor
from o2o.tenancy.request import SignedInApiRequest

MODELS = list(AttributionModel.values)  # the heuristic models and `markov`
SHARES: dict[str, Any] = {"max_digits": 20, "decimal_places": 12}
MONTH = re.compile(r"(\d{4})-(\d{2})")


class _DatesInput(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)  # a keyword in Python: added here
        fields["to"] = serializers.DateField(required=False)
        return fields


class _WithDates(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()  # a keyword in Python: added here
        fields["to"] = serializers.DateField()
        return fields


# --- the funnel ----------------------------------------------------------------------------------


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


class FunnelOutput(_WithDates):
    group_by = serializers.CharField()
    model = serializers.CharField()
    rows = FunnelRowOutput(many=True)


class FunnelInput(_DatesInput):
    group_by = serializers.ChoiceField(choices=GROUPS, required=False, default="campaign")
    model = serializers.ChoiceField(choices=MODELS, required=False)


FUNNEL_PARAMETERS = [
    OpenApiParameter("group_by", str, enum=list(GROUPS)),
    OpenApiParameter("from", dt.date, description="first day, in the brand's time zone (default: 29 days ago)"),
    OpenApiParameter("to", dt.date, description="last day, included (default: today)"),
    OpenApiParameter("model", str, enum=MODELS, description="default: the brand's model"),
]


def read_funnel(*, tenant: Tenant, actor: Actor, query: Any) -> FunnelReport:
    """The funnel the query parameters ask for, as the actor may read it (the API and its export)."""
    params = FunnelInput(data=query)
    params.is_valid(raise_exception=True)
    values = params.validated_data
    return funnel_report(
        tenant=tenant,
        stores=policies.funnel_stores(actor),
        group_by=values["group_by"],
        model=values.get("model"),
        first=values.get("from"),
        last=values.get("to"),
    )


def funnel_body(report: FunnelReport) -> dict[str, Any]:
    body = {"group_by": report.group_by, "model": report.model, "rows": report.rows}
    return FunnelOutput({**body, "from": report.window.first, "to": report.window.last}).data


class FunnelApi(TenantApi):  # GET /api/v1/reports/funnel/
    """The O2O funnel grouped by campaign, channel, store or guide, in a window, under a model."""

    allowed_roles: ClassVar = {"GET": frozenset(policies.FUNNEL_READERS)}
    resource_model = (
        None  # a report of aggregates, not a list of rows with ids (tests/attribution/test_funnel.py checks brands)
    )

    @extend_schema(parameters=FUNNEL_PARAMETERS, responses={200: FunnelOutput})
    def get(self, request: SignedInApiRequest) -> Response:
        report = read_funnel(tenant=request.tenant, actor=request.actor, query=request.query_params)
        return Response(funnel_body(report))


# --- the repurchase cycle ------------------------------------------------------------------------


class BandOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null: the single band of a brand without bands")
    lower = serializers.DecimalField(**MONEY)
    upper = serializers.DecimalField(**MONEY, allow_null=True, help_text="excluded; null: open-ended")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["label"] = serializers.CharField()  # a Field attribute: added here
        return fields


class RepurchaseRowOutput(serializers.Serializer):
    category = serializers.IntegerField(source="category_id")
    category_name = serializers.CharField(source="category")
    band = BandOutput()
    members = serializers.IntegerField()
    purchases = serializers.IntegerField()
    intervals = serializers.IntegerField()
    median_days = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, help_text="even count: the mean of the two middle intervals"
    )


class RepurchaseOutput(_WithDates):
    category = serializers.IntegerField(allow_null=True, source="category_id")
    rows = RepurchaseRowOutput(many=True)


class RepurchaseInput(_DatesInput):
    category = id_field(required=False)


REPURCHASE_PARAMETERS = [
    OpenApiParameter("from", dt.date, description="first day, in the brand's time zone (default: 364 days ago)"),
    OpenApiParameter("to", dt.date, description="last day, included (default: today)"),
    OpenApiParameter("category", int, description="one category's rows only"),
]


def read_repurchase(*, tenant: Tenant, actor: Actor, query: Any) -> RepurchaseReport:
    """The repurchase report the query parameters ask for; Forbidden unless the actor is HQ."""
    policies.authorize_cohort_reports(actor)
    params = RepurchaseInput(data=query)
    params.is_valid(raise_exception=True)
    values = params.validated_data
    return repurchase_report(
        tenant=tenant, first=values.get("from"), last=values.get("to"), category_id=values.get("category")
    )


def repurchase_body(report: RepurchaseReport) -> dict[str, Any]:
    body = {"category_id": report.category_id, "rows": report.rows}
    return RepurchaseOutput({**body, "from": report.window.first, "to": report.window.last}).data


class RepurchaseApi(TenantApi):  # GET /api/v1/reports/repurchase/
    """The median days between a member's purchases of a category in a price band (HQ only: a
    store manager gets 403). Rows by category then band; dates both included, in the brand's zone."""

    allowed_roles: ClassVar = {"GET": frozenset(policies.COHORT_READERS)}
    resource_model = None  # aggregates, not rows with ids

    @extend_schema(parameters=REPURCHASE_PARAMETERS, responses={200: RepurchaseOutput})
    def get(self, request: SignedInApiRequest) -> Response:
        report = read_repurchase(tenant=request.tenant, actor=request.actor, query=request.query_params)
        return Response(repurchase_body(report))


# --- retention by monthly cohort -----------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-01"})
class MonthField(serializers.Field):
    """A month as `YYYY-MM`, read as its first day."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_internal_value(self, data: Any) -> dt.date:
        match = MONTH.fullmatch(str(data)) if isinstance(data, str) else None
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            self.fail("invalid")
        assert match is not None
        return dt.date(int(match.group(1)), int(match.group(2)), 1)

    def to_representation(self, value: dt.date) -> str:
        return value.strftime("%Y-%m")


class RetentionCellOutput(serializers.Serializer):
    offset = serializers.IntegerField(help_text="months after the cohort's month (0: that month)")
    month = MonthField()
    members = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class CohortOutput(serializers.Serializer):
    month = MonthField()
    size = serializers.IntegerField()
    months = RetentionCellOutput(many=True, source="cells")


class RetentionOutput(serializers.Serializer):
    current = MonthField()
    cohorts = CohortOutput(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = MonthField()  # a keyword in Python: added here
        fields["to"] = MonthField()
        return fields


class RetentionInput(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = MonthField(required=False)  # a keyword in Python: added here
        fields["to"] = MonthField(required=False)
        return fields


RETENTION_PARAMETERS = [
    OpenApiParameter("from", str, pattern=r"^\d{4}-\d{2}$", description="first cohort month (default: 11 before `to`)"),
    OpenApiParameter("to", str, pattern=r"^\d{4}-\d{2}$", description="last cohort month (default: this month)"),
]


def read_retention(*, tenant: Tenant, actor: Actor, query: Any) -> RetentionReport:
    """The retention report the query parameters ask for; Forbidden unless the actor is HQ."""
    policies.authorize_cohort_reports(actor)
    params = RetentionInput(data=query)
    params.is_valid(raise_exception=True)
    return retention_report(
        tenant=tenant, first=params.validated_data.get("from"), last=params.validated_data.get("to")
    )


def retention_body(report: RetentionReport) -> dict[str, Any]:
    months = report.months
    body = {"current": months.current, "cohorts": report.rows, "from": months.first, "to": months.last}
    return RetentionOutput(body).data


class RetentionApi(TenantApi):  # GET /api/v1/reports/retention/
    """Members by the month of their first purchase, and how many bought again each month after
    (HQ only: a store manager gets 403)."""

    allowed_roles: ClassVar = {"GET": frozenset(policies.COHORT_READERS)}
    resource_model = None  # aggregates, not rows with ids

    @extend_schema(parameters=RETENTION_PARAMETERS, responses={200: RetentionOutput})
    def get(self, request: SignedInApiRequest) -> Response:
        report = read_retention(tenant=request.tenant, actor=request.actor, query=request.query_params)
        return Response(retention_body(report))


urlpatterns: list[URLPattern] = [
    path("reports/funnel/", FunnelApi.as_view(), name="report-funnel"),
    path("reports/repurchase/", RepurchaseApi.as_view(), name="report-repurchase"),
    path("reports/retention/", RetentionApi.as_view(), name="report-retention"),
]
