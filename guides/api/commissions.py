"""Commissions (api.md, Guides and commission).

- `GET /api/v1/commissions/?status=&store=&guide=&order=&period=` rows `{id, guide, guide_name, store,
  order, order_number, line, kind, source, rate, base_amount, amount, status, completed_at,
  replaces}`: HQ every commission of the brand, a store manager their store's guides', a guide
  their own (guides.policies). `period` is `YYYY-MM`, the month the order *completed* in (the
  brand's time zone). A negative adjustment is a row with a negative amount (`kind` clawback).
- `GET /api/v1/commissions/export.csv` and `export.xlsx` (HQ): the same rows and filters, every
  page, as a file.
"""

from __future__ import annotations

from typing import Any, ClassVar

import tablib
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from attribution import exports
from guides import policies
from guides.choices import CommissionStatus
from guides.models import Commission
from guides.selectors.commissions import list_commissions
from o2o.api.base import TenantApi
from o2o.tenancy.request import SignedInApiRequest

FILTERS = [
    OpenApiParameter("status", str, enum=CommissionStatus.values),
    OpenApiParameter("store", int, description="the guide's store"),
    OpenApiParameter("guide", int),
    OpenApiParameter("order", int),
    OpenApiParameter("period", str, description="YYYY-MM: the month the order completed in"),
]


class CommissionOutput(serializers.ModelSerializer):
    guide_name = serializers.CharField(source="guide.user.name")
    store = serializers.IntegerField(source="guide.store_id")
    order_number = serializers.CharField(source="order.number")
    rate = serializers.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        model = Commission
        fields = [
            "id",
            "guide",
            "guide_name",
            "store",
            "order",
            "order_number",
            "line",
            "kind",
            "source",
            "rate",
            "base_amount",
            "amount",
            "status",
            "completed_at",
            "replaces",
        ]


class CommissionListApi(TenantApi):
    """GET /api/v1/commissions/."""

    allowed_roles: ClassVar = {"GET": policies.COMMISSION_READERS}
    resource_model = Commission

    @extend_schema(parameters=FILTERS, responses={200: CommissionOutput(many=True)})
    def get(self, request: SignedInApiRequest) -> Response:
        rows = list_commissions(tenant=request.tenant, actor=request.actor, filters=request.query_params)
        return self.paginate(rows, CommissionOutput)


def commissions_dataset(rows: Any) -> tablib.Dataset:
    """One row per commission, the headers in the reader's language."""
    dataset = tablib.Dataset(
        headers=[
            _("Id"),
            _("Completed"),
            _("Store"),
            _("Guide"),
            _("Order"),
            _("Line"),
            _("Kind"),
            _("Source"),
            _("Rate"),
            _("Net line amount"),
            _("Amount"),
            _("Status"),
        ],
        title=_("Commissions"),
    )
    for row in rows:
        dataset.append(
            [
                row.pk,
                row.completed_at.isoformat(),
                row.guide.store.code,
                row.guide.user.name,
                row.order.number,
                row.line_id,
                row.get_kind_display(),
                row.get_source_display(),
                row.rate,
                row.base_amount,
                row.amount,
                row.get_status_display(),
            ]
        )
    return dataset


class _ExportApi(TenantApi):
    allowed_roles: ClassVar = {"GET": policies.COMMISSION_EXPORTERS}
    resource_model = None  # a file of the list's rows
    file_format: ClassVar[str] = exports.CSV

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        renderer = JSONRenderer()  # the file is an HttpResponse; errors stay JSON
        return renderer, renderer.media_type

    def get(self, request: SignedInApiRequest) -> HttpResponse:
        rows = list_commissions(tenant=request.tenant, actor=request.actor, filters=request.query_params)
        response = HttpResponse(
            exports.render(commissions_dataset(rows.iterator(chunk_size=2000)), self.file_format),
            content_type=exports.MEDIA_TYPES[self.file_format],
        )
        response["Content-Disposition"] = f'attachment; filename="commissions.{self.file_format}"'
        return response


def _schema(file_format: str) -> Any:
    return extend_schema(
        parameters=FILTERS,
        responses={(200, exports.MEDIA_TYPES[file_format].split(";")[0]): OpenApiTypes.BINARY},
    )


class CommissionCsvApi(_ExportApi):
    """GET /api/v1/commissions/export.csv (HQ)."""

    file_format = exports.CSV

    @_schema(exports.CSV)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


class CommissionXlsxApi(_ExportApi):
    """GET /api/v1/commissions/export.xlsx (HQ)."""

    file_format = exports.XLSX

    @_schema(exports.XLSX)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


urlpatterns = [
    path("commissions/", CommissionListApi.as_view(), name="commission-list"),
    path("commissions/export.csv", CommissionCsvApi.as_view(), name="commission-export-csv"),
    path("commissions/export.xlsx", CommissionXlsxApi.as_view(), name="commission-export-xlsx"),
]
