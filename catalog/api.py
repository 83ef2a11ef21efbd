"""The catalog API: categories, products with their SKUs, regional price lists, bookable services,
and the bulk product import and export.

HQ (hq_admin, hq_staff) writes. Categories, products and services are read by anyone, signed in or
not (the shop shows them): everyone but HQ sees the active ones only. Price lists are read by HQ and
store staff. Amounts are strings with two decimals.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import selectors, services
from catalog.models import Category, Product, RegionalPrice, Service, Sku
from catalog.resources import CONTENT_TYPES, export_products
from o2o.api.base import PUBLIC, TenantApi
from o2o.api.parsers import FormParser
from o2o.choices import HQ_ROLES, STORE_ROLES
from o2o.errors import InvalidInput
from o2o.fields import id_field, money_field, quantity_field
from o2o.tenancy.request import TenantApiRequest

ANYONE = frozenset({PUBLIC})
HQ = HQ_ROLES
PRICE_READERS = HQ_ROLES | STORE_ROLES
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _is_hq(request: TenantApiRequest) -> bool:
    return bool(request.roles.names & HQ_ROLES)


class _BrandRowField(serializers.PrimaryKeyRelatedField):
    """The id of one of the request brand's rows: another brand's id is "does not exist", a 400."""

    model: ClassVar[type[Model]]

    def get_queryset(self) -> Any:
        return self.model._default_manager.filter(tenant=self.context["tenant"])


class CategoryField(_BrandRowField):
    model = Category


class SkuField(_BrandRowField):
    model = Sku


# --- categories -------------------------------------------------------------------------------


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent"]


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    parent = CategoryField(allow_null=True, required=False, default=None)  # type: ignore[assignment]


def _category_input(values: dict[str, Any], current: Category | None = None) -> services.CategoryInput:
    base = {"name": current.name, "parent": current.parent} if current else {}
    merged = {**base, **values}
    return services.CategoryInput(name=merged["name"], parent=merged.get("parent"))


class CategoryListApi(TenantApi):
    """GET/POST /api/v1/categories/: the brand's categories (anyone reads; HQ creates)."""

    allowed_roles: ClassVar = {"GET": ANYONE, "POST": HQ}
    resource_model = Category

    @extend_schema(responses={200: CategoryOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        return self.paginate(selectors.list_categories(tenant=request.tenant), CategoryOutput)

    @extend_schema(request=CategoryInput, responses={201: CategoryOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = CategoryInput(data=request.data, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        category = services.create_category(tenant=request.tenant, data=_category_input(data.validated_data))
        return Response(CategoryOutput(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/categories/{id}/: one category."""

    allowed_roles: ClassVar = {"GET": ANYONE, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = Category
    error_responses: ClassVar = {"DELETE": {409: "The category holds products or subcategories"}}

    @extend_schema(responses={200: CategoryOutput})
    def get(self, request: TenantApiRequest, category_id: int) -> Response:
        return Response(CategoryOutput(selectors.get_category(tenant=request.tenant, category_id=category_id)).data)

    def _update(self, request: TenantApiRequest, category_id: int, *, partial: bool) -> Response:
        category = selectors.get_category(tenant=request.tenant, category_id=category_id)
        data = CategoryInput(data=request.data, partial=partial, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        category = services.update_category(
            tenant=request.tenant, category=category, data=_category_input(dict(data.validated_data), category)
        )
        return Response(CategoryOutput(category).data)

    @extend_schema(request=CategoryInput, responses={200: CategoryOutput})
    def put(self, request: TenantApiRequest, category_id: int) -> Response:
        return self._update(request, category_id, partial=False)

    @extend_schema(request=CategoryInput(partial=True), responses={200: CategoryOutput})
    def patch(self, request: TenantApiRequest, category_id: int) -> Response:
        return self._update(request, category_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, category_id: int) -> Response:
        category = selectors.get_category(tenant=request.tenant, category_id=category_id)
        services.delete_category(tenant=request.tenant, category=category)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- products ---------------------------------------------------------------------------------


class SkuOutput(serializers.ModelSerializer):
    class Meta:
        model = Sku
        fields = ["id", "code", "name", "price", "is_active"]


class ProductOutput(serializers.ModelSerializer):
    skus = SkuOutput(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "category", "description", "is_active", "skus"]


class SkuInput(serializers.Serializer):
    id = id_field(required=False, help_text="an existing SKU of this product to update; omit to add one")
    code = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    price = money_field()
    is_active = serializers.BooleanField(default=True)


class ProductInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    category = CategoryField()
    description = serializers.CharField(allow_blank=True, required=False, default="")
    is_active = serializers.BooleanField(required=False, default=True)
    skus = SkuInput(
        many=True,
        help_text="the product's SKUs: listed ones are created or updated (by id, else by code); the "
        "product's SKUs left out are deactivated, never deleted",
    )


PRODUCT_FILTERS = [
    OpenApiParameter("category", int, description="a category id: its products and its subcategories'"),
    OpenApiParameter("q", str, description="text in the name, the description or a SKU code"),
    OpenApiParameter("is_active", bool, description="HQ only: everyone else sees active products only"),
]


def _sku_inputs(rows: list[dict[str, Any]]) -> list[services.SkuInput]:
    return [
        services.SkuInput(
            id=row.get("id"),
            code=row["code"],
            name=row["name"],
            price=row["price"],
            is_active=row.get("is_active", True),
        )
        for row in rows
    ]


def _product_input(values: dict[str, Any], current: Product | None = None) -> services.ProductInput:
    base: dict[str, Any] = {}
    if current is not None:
        base = {
            "name": current.name,
            "category": current.category,
            "description": current.description,
            "is_active": current.is_active,
        }
    merged = {**base, **values}
    return services.ProductInput(
        name=merged["name"],
        category=merged["category"],
        description=merged.get("description", ""),
        is_active=merged.get("is_active", True),
    )


class ProductListApi(TenantApi):
    """GET/POST /api/v1/products/: the brand's products with their SKUs (anyone reads; HQ creates)."""

    allowed_roles: ClassVar = {"GET": ANYONE, "POST": HQ}
    resource_model = Product

    @extend_schema(parameters=PRODUCT_FILTERS, responses={200: ProductOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        products = selectors.list_products(
            tenant=request.tenant, filters=request.query_params, include_inactive=_is_hq(request)
        )
        return self.paginate(products, ProductOutput)

    @extend_schema(request=ProductInput, responses={201: ProductOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = ProductInput(data=request.data, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        product = services.create_product(
            tenant=request.tenant, data=_product_input(values), skus=_sku_inputs(values["skus"])
        )
        product = selectors.get_product(tenant=request.tenant, product_id=product.pk, include_inactive=True)
        return Response(ProductOutput(product).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/products/{id}/: one product with its SKUs.

    PUT and PATCH with `skus` make the product's SKUs the listed ones (the others are deactivated);
    PATCH without `skus` leaves them alone.
    """

    allowed_roles: ClassVar = {"GET": ANYONE, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = Product
    error_responses: ClassVar = {"DELETE": {409: "A SKU of the product is in use (deactivate it instead)"}}

    @extend_schema(responses={200: ProductOutput})
    def get(self, request: TenantApiRequest, product_id: int) -> Response:
        product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=_is_hq(request))
        return Response(ProductOutput(product).data)

    def _update(self, request: TenantApiRequest, product_id: int, *, partial: bool) -> Response:
        product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=True)
        data = ProductInput(data=request.data, partial=partial, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        skus = _sku_inputs(values["skus"]) if "skus" in values else None
        services.update_product(tenant=request.tenant, product=product, data=_product_input(values, product), skus=skus)
        product = selectors.get_product(tenant=request.tenant, product_id=product.pk, include_inactive=True)
        return Response(ProductOutput(product).data)

    @extend_schema(request=ProductInput, responses={200: ProductOutput})
    def put(self, request: TenantApiRequest, product_id: int) -> Response:
        return self._update(request, product_id, partial=False)

    @extend_schema(request=ProductInput(partial=True), responses={200: ProductOutput})
    def patch(self, request: TenantApiRequest, product_id: int) -> Response:
        return self._update(request, product_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, product_id: int) -> Response:
        product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=True)
        services.delete_product(tenant=request.tenant, product=product)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- regional price lists ---------------------------------------------------------------------


class RegionalPriceOutput(serializers.ModelSerializer):
    class Meta:
        model = RegionalPrice
        fields = ["id", "region", "sku", "price"]


class RegionalPriceListApi(TenantApi):
    """GET/POST /api/v1/price-lists/: regional prices (rules.md 1.7). POST sets the price of a SKU in
    a region, creating it (201) or changing the one already set (200)."""

    allowed_roles: ClassVar = {"GET": PRICE_READERS, "POST": HQ}
    resource_model = RegionalPrice

    class Input(serializers.Serializer):
        region = serializers.CharField(max_length=64)
        sku = SkuField()
        price = money_field()

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, description="the prices of one region"),
            OpenApiParameter("sku", int, description="the prices of one SKU"),
        ],
        responses={200: RegionalPriceOutput(many=True)},
    )
    def get(self, request: TenantApiRequest) -> Response:
        prices = selectors.list_regional_prices(tenant=request.tenant, filters=request.query_params)
        return self.paginate(prices, RegionalPriceOutput)

    @extend_schema(request=Input, responses={201: RegionalPriceOutput, 200: RegionalPriceOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        price, created = services.set_regional_price(tenant=request.tenant, **data.validated_data)
        return Response(
            RegionalPriceOutput(price).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class RegionalPriceDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/price-lists/{id}/: one regional price; PUT and PATCH change its
    price (set another region or SKU with POST /price-lists/); DELETE lets the SKU's price apply."""

    allowed_roles: ClassVar = {"GET": PRICE_READERS, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = RegionalPrice

    class Input(serializers.Serializer):
        price = money_field()

    @extend_schema(responses={200: RegionalPriceOutput})
    def get(self, request: TenantApiRequest, price_id: int) -> Response:
        return Response(
            RegionalPriceOutput(selectors.get_regional_price(tenant=request.tenant, price_id=price_id)).data
        )

    @extend_schema(request=Input, responses={200: RegionalPriceOutput})
    def put(self, request: TenantApiRequest, price_id: int) -> Response:
        regional_price = selectors.get_regional_price(tenant=request.tenant, price_id=price_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        regional_price = services.update_regional_price(
            tenant=request.tenant, regional_price=regional_price, price=data.validated_data["price"]
        )
        return Response(RegionalPriceOutput(regional_price).data)

    @extend_schema(request=Input, responses={200: RegionalPriceOutput})
    def patch(self, request: TenantApiRequest, price_id: int) -> Response:
        return self.put(request, price_id)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, price_id: int) -> Response:
        regional_price = selectors.get_regional_price(tenant=request.tenant, price_id=price_id)
        services.delete_regional_price(tenant=request.tenant, regional_price=regional_price)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- services ---------------------------------------------------------------------------------


class ServiceOutput(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "description", "duration_minutes", "price", "is_active"]


class ServiceInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    duration_minutes = quantity_field(min_value=5, max_value=24 * 60)
    price = money_field()
    is_active = serializers.BooleanField(required=False, default=True)


def _service_input(values: dict[str, Any], current: Service | None = None) -> services.ServiceInput:
    base: dict[str, Any] = {}
    if current is not None:
        base = {
            "name": current.name,
            "description": current.description,
            "duration_minutes": current.duration_minutes,
            "price": current.price,
            "is_active": current.is_active,
        }
    merged = {**base, **values}
    return services.ServiceInput(
        name=merged["name"],
        description=merged.get("description", ""),
        duration_minutes=merged["duration_minutes"],
        price=merged["price"],
        is_active=merged.get("is_active", True),
    )


class ServiceListApi(TenantApi):
    """GET/POST /api/v1/services/: bookable in-store services (anyone reads; HQ creates)."""

    allowed_roles: ClassVar = {"GET": ANYONE, "POST": HQ}
    resource_model = Service

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="text in the name"),
            OpenApiParameter("is_active", bool, description="HQ only: everyone else sees active services only"),
        ],
        responses={200: ServiceOutput(many=True)},
    )
    def get(self, request: TenantApiRequest) -> Response:
        found = selectors.list_services(
            tenant=request.tenant, filters=request.query_params, include_inactive=_is_hq(request)
        )
        return self.paginate(found, ServiceOutput)

    @extend_schema(request=ServiceInput, responses={201: ServiceOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = ServiceInput(data=request.data)
        data.is_valid(raise_exception=True)
        service = services.create_service(tenant=request.tenant, data=_service_input(dict(data.validated_data)))
        return Response(ServiceOutput(service).data, status=status.HTTP_201_CREATED)


class ServiceDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/services/{id}/: one bookable service."""

    allowed_roles: ClassVar = {"GET": ANYONE, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = Service
    error_responses: ClassVar = {"DELETE": {409: "Stores offer the service (deactivate it instead)"}}

    @extend_schema(responses={200: ServiceOutput})
    def get(self, request: TenantApiRequest, service_id: int) -> Response:
        service = selectors.get_service(tenant=request.tenant, service_id=service_id, include_inactive=_is_hq(request))
        return Response(ServiceOutput(service).data)

    def _update(self, request: TenantApiRequest, service_id: int, *, partial: bool) -> Response:
        service = selectors.get_service(tenant=request.tenant, service_id=service_id, include_inactive=True)
        data = ServiceInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        service = services.update_service(
            tenant=request.tenant, service=service, data=_service_input(dict(data.validated_data), service)
        )
        return Response(ServiceOutput(service).data)

    @extend_schema(request=ServiceInput, responses={200: ServiceOutput})
    def put(self, request: TenantApiRequest, service_id: int) -> Response:
        return self._update(request, service_id, partial=False)

    @extend_schema(request=ServiceInput(partial=True), responses={200: ServiceOutput})
    def patch(self, request: TenantApiRequest, service_id: int) -> Response:
        return self._update(request, service_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, service_id: int) -> Response:
        service = selectors.get_service(tenant=request.tenant, service_id=service_id, include_inactive=True)
        services.delete_service(tenant=request.tenant, service=service)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- bulk import and export -------------------------------------------------------------------

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
        if upload.size > MAX_UPLOAD_BYTES:
            raise InvalidInput(
                "file", _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
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
