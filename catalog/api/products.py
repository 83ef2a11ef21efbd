"""Products with their SKUs: anyone reads the active ones (HQ all); HQ writes them."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.common import ANYONE, HQ, CategoryField, is_hq
from catalog.models import Product, Sku
from o2o.api.base import TenantApi
from o2o.fields import id_field, money_field
from o2o.tenancy.request import TenantApiRequest


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
            tenant=request.tenant, filters=request.query_params, include_inactive=is_hq(request)
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
        product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=is_hq(request))
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
