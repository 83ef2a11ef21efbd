"""The bulk product import and export (CSV or XLSX)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import services
from catalog.api.common import HQ
from catalog.productfile import MAX_FILE_BYTES
from catalog.resources import CONTENT_TYPES, export_products
from o2o.api.base import TenantApi
from o2o.api.parsers import FormParser
from o2o.errors import InvalidInput
from o2o.tenancy.request import TenantApiRequest

ImportErrorBody = inline_serializer(
    name="ImportError",
    fields={
        "code": serializers.CharField(help_text='"invalid"'),
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            name="ImportErrors",
            fields={
                "rows": inline_serializer(
                    name="ImportRowError",
                    fields={
                        "line": serializers.IntegerField(help_text="the line in the file; the header is line 1"),
                        "field": serializers.CharField(allow_null=True, help_text="the column, when one is at fault"),
                        "message": serializers.CharField(),
                    },
                    many=True,
                    required=False,
                    help_text="every bad row when any row is bad",
                ),
                "file": serializers.ListField(
                    child=serializers.CharField(), required=False, help_text="when the file itself is unusable"
                ),
            },
        ),
    },
)


class ProductImportApi(TenantApi):
    """POST /api/v1/imports/products/: create and update products and SKUs from a CSV or XLSX file.

    Multipart field `file`, one row per SKU with the columns `category, product, sku_code, sku_name,
    price` (`category` is a path such as `Lighting / Table lamps`; missing categories are created;
    rows naming one product are one product; an existing `sku_code` updates that SKU). All or
    nothing: when any row is bad the answer is a 400 whose `errors.rows` lists every bad row as
    `{line, field, message}` (the header is line 1), and nothing is written; a file that cannot be
    read or lacks a column is a 400 naming `file`.
    """

    allowed_roles: ClassVar = {"POST": HQ}
    parser_classes: ClassVar = [MultiPartParser, FormParser]  # type: ignore[misc]

    class Input(serializers.Serializer):
        file = serializers.FileField(help_text="a .csv (UTF-8 or GB18030) or .xlsx file")

    class Output(serializers.Serializer):
        created = serializers.IntegerField(help_text="SKUs created")
        updated = serializers.IntegerField(help_text="SKUs updated")
        products_created = serializers.IntegerField()
        products_updated = serializers.IntegerField(help_text="existing products moved to another category")
        categories_created = serializers.IntegerField()

    @extend_schema(
        request={"multipart/form-data": Input},
        responses={201: Output, 400: OpenApiResponse(ImportErrorBody, description="Bad rows or an unusable file")},
    )
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise InvalidInput(
                "file", _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        summary = services.import_products(tenant=request.tenant, file_name=upload.name or "", content=upload.read())
        return Response(self.Output(summary).data, status=status.HTTP_201_CREATED)


class _FileRenderer(BaseRenderer):
    """Passes a file's bytes through; DRF picks it by `?format=`."""

    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(_FileRenderer):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"


class ProductExportApi(TenantApi):
    """GET /api/v1/exports/products/?format=csv|xlsx: the brand's SKUs with their product and
    category, in the import's columns (so an export, edited, imports back)."""

    allowed_roles: ClassVar = {"GET": HQ}
    renderer_classes: ClassVar = [CsvRenderer, XlsxRenderer]  # type: ignore[misc]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # The file format is chosen by `?format=` alone; an Accept header does not make it a 406.
        renderer = XlsxRenderer() if request.query_params.get("format") == "xlsx" else CsvRenderer()
        return renderer, renderer.media_type

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON like everywhere else, whichever file format was asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"], description="csv (the default) or xlsx")],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: TenantApiRequest) -> Response:
        file_format = request.query_params.get("format", "csv")
        if file_format not in CONTENT_TYPES:
            raise InvalidInput("format", _("Choose csv or xlsx."))
        content = export_products(tenant=request.tenant, file_format=file_format)
        name = f"products-{request.tenant.slug}.{file_format}"
        return Response(
            content,
            content_type=CONTENT_TYPES[file_format],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
