"""The reports as files (issue 11 item 6): `GET /api/v1/reports/{funnel,repurchase,retention}/export.csv`
and `export.xlsx`, with the same query parameters and the same readers as the report itself (the
funnel: HQ, and a store manager their store's; repurchase and retention: HQ only, a manager 403).
Errors stay JSON. The files: attribution.exports.
"""

from __future__ import annotations

from typing import Any, ClassVar

import tablib
from django.http import HttpResponse
from django.urls import URLPattern, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from attribution import exports, policies
from attribution.api.reports import (
    FUNNEL_PARAMETERS,
    REPURCHASE_PARAMETERS,
    RETENTION_PARAMETERS,
    read_funnel,
    read_repurchase,
    read_retention,
)
from attribution.selectors.reports import FunnelReport, RepurchaseReport, RetentionReport
from o2o.api.base import TenantApi
from o2o.tenancy.request import SignedInApiRequest


def funnel_file_name(report: FunnelReport) -> str:
    return f"funnel-{report.group_by}-{report.model}-{report.window.first}-{report.window.last}"


def repurchase_file_name(report: RepurchaseReport) -> str:
    return f"repurchase-{report.window.first}-{report.window.last}"


def retention_file_name(report: RetentionReport) -> str:
    return f"retention-{report.months.first:%Y-%m}-{report.months.last:%Y-%m}"


def file_response(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.MEDIA_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


class _ExportApi(TenantApi):
    """A report's file; subclasses read the report (`dataset`) and name the format and the readers."""

    resource_model = None  # aggregates, not rows with ids
    file_format: ClassVar[str] = exports.CSV

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        # the file is an HttpResponse; errors stay JSON whatever the client accepts
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def dataset(self, request: SignedInApiRequest) -> tuple[tablib.Dataset, str]:
        """The report's dataset and the file's name (without its suffix)."""
        raise NotImplementedError

    def get(self, request: SignedInApiRequest) -> HttpResponse:
        dataset, name = self.dataset(request)
        return file_response(exports.render(dataset, self.file_format), self.file_format, name)


def _schema(parameters: list[Any], file_format: str) -> Any:
    media_type = exports.MEDIA_TYPES[file_format].split(";")[0]
    return extend_schema(parameters=parameters, responses={(200, media_type): OpenApiTypes.BINARY})


class _FunnelExport(_ExportApi):
    allowed_roles: ClassVar = {"GET": frozenset(policies.FUNNEL_READERS)}

    def dataset(self, request: SignedInApiRequest) -> tuple[tablib.Dataset, str]:
        report = read_funnel(tenant=request.tenant, actor=request.actor, query=request.query_params)
        return exports.funnel_dataset(report), funnel_file_name(report)


class _RepurchaseExport(_ExportApi):
    allowed_roles: ClassVar = {"GET": frozenset(policies.COHORT_READERS)}

    def dataset(self, request: SignedInApiRequest) -> tuple[tablib.Dataset, str]:
        report = read_repurchase(tenant=request.tenant, actor=request.actor, query=request.query_params)
        return exports.repurchase_dataset(report), repurchase_file_name(report)


class _RetentionExport(_ExportApi):
    allowed_roles: ClassVar = {"GET": frozenset(policies.COHORT_READERS)}

    def dataset(self, request: SignedInApiRequest) -> tuple[tablib.Dataset, str]:
        report = read_retention(tenant=request.tenant, actor=request.actor, query=request.query_params)
        return exports.retention_dataset(report), retention_file_name(report)


class FunnelCsvApi(_FunnelExport):
    """GET /api/v1/reports/funnel/export.csv: the funnel as CSV (HQ; a manager their store's)."""

    @_schema(FUNNEL_PARAMETERS, exports.CSV)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


class FunnelXlsxApi(_FunnelExport):
    """GET /api/v1/reports/funnel/export.xlsx: the funnel as XLSX (HQ; a manager their store's)."""

    file_format = exports.XLSX

    @_schema(FUNNEL_PARAMETERS, exports.XLSX)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


class RepurchaseCsvApi(_RepurchaseExport):
    """GET /api/v1/reports/repurchase/export.csv: the repurchase cycle as CSV (HQ only)."""

    @_schema(REPURCHASE_PARAMETERS, exports.CSV)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


class RepurchaseXlsxApi(_RepurchaseExport):
    """GET /api/v1/reports/repurchase/export.xlsx: the repurchase cycle as XLSX (HQ only)."""

    file_format = exports.XLSX

    @_schema(REPURCHASE_PARAMETERS, exports.XLSX)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


class RetentionCsvApi(_RetentionExport):
    """GET /api/v1/reports/retention/export.csv: retention by cohort as CSV (HQ only)."""

    @_schema(RETENTION_PARAMETERS, exports.CSV)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


class RetentionXlsxApi(_RetentionExport):
    """GET /api/v1/reports/retention/export.xlsx: retention by cohort as XLSX (HQ only)."""

    file_format = exports.XLSX

    @_schema(RETENTION_PARAMETERS, exports.XLSX)
    def get(self, request: SignedInApiRequest) -> HttpResponse:
        return super().get(request)


urlpatterns: list[URLPattern] = [
    path("reports/funnel/export.csv", FunnelCsvApi.as_view(), name="report-funnel-csv"),
    path("reports/funnel/export.xlsx", FunnelXlsxApi.as_view(), name="report-funnel-xlsx"),
    path("reports/repurchase/export.csv", RepurchaseCsvApi.as_view(), name="report-repurchase-csv"),
    path("reports/repurchase/export.xlsx", RepurchaseXlsxApi.as_view(), name="report-repurchase-xlsx"),
    path("reports/retention/export.csv", RetentionCsvApi.as_view(), name="report-retention-csv"),
    path("reports/retention/export.xlsx", RetentionXlsxApi.as_view(), name="report-retention-xlsx"),
]
