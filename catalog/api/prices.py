"""Regional price lists (rules.md 1.7): HQ and store staff read them; HQ sets them."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.common import HQ, PRICE_READERS, SkuField
from catalog.models import RegionalPrice
from o2o.api.base import TenantApi
from o2o.fields import money_field
from o2o.tenancy.request import TenantApiRequest


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
