"""The bulk import and export of stores (CSV or XLSX)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.api.bulk import ImportErrorBody  # the same error shape as the products import
from o2o.api.base import TenantApi
from o2o.api.parsers import FormParser
from o2o.tenancy.request import TenantApiRequest
from stores import imports, selectors
from stores.api.common import HQ


class StoreImportApi(TenantApi):
    """POST /api/v1/imports/stores/ (HQ): a CSV or XLSX `file` of stores, all or nothing.

    Columns: code, name, kind, region, city, district, address, lat, lng, service_radius_km,
    territory (district codes separated by spaces or `;`), capabilities (`;`-separated), timezone,
    active; optional phone and opening_hours (JSON). A known code updates that store, a new one
    creates it. Any bad row: 400 listing every bad row's line and field, nothing written.
    """

    allowed_roles: ClassVar = {"POST": HQ}
    parser_classes: ClassVar = [MultiPartParser, FormParser]  # type: ignore[misc]

    class Input(serializers.Serializer):
        file = serializers.FileField(help_text="CSV (UTF-8) or XLSX, first row the column names")

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={
            201: inline_serializer(
                "StoreImportResult", {"created": serializers.IntegerField(), "updated": serializers.IntegerField()}
            ),
            400: OpenApiResponse(ImportErrorBody, description="Bad rows (every one listed) or an unusable file"),
        },
    )
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        result = imports.import_stores(tenant=request.tenant, rows=imports.read_table(upload))
        return Response({"created": result.created, "updated": result.updated}, status=status.HTTP_201_CREATED)


class StoreExportApi(TenantApi):
    """GET /api/v1/exports/stores/?format=csv|xlsx (HQ): every store, in the import's columns."""

    allowed_roles: ClassVar = {"GET": HQ}

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        # `format` names the file's format here, not an API renderer; errors stay JSON
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"], description="default csv")],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, imports.XLSX_MEDIA_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request: TenantApiRequest) -> HttpResponse:
        file_format = request.query_params.get("format", "csv")
        if file_format not in imports.EXPORT_FORMATS:
            raise serializers.ValidationError({"format": ["csv or xlsx."]})
        stores = selectors.list_stores(tenant=request.tenant, filters={})
        content, media_type = imports.export_stores(stores=stores, file_format=file_format)
        response = HttpResponse(content, content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="stores-{request.tenant.slug}.{file_format}"'
        return response
