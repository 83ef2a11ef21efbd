"""A store's stock: HQ and the store's staff read it; HQ and its manager set it."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.fields import id_field, quantity_field
from o2o.tenancy.request import TenantApiRequest
from stores import selectors, services
from stores.api.common import HQ_AND_MANAGER, HQ_AND_STORE_STAFF, authorize, validate_rows
from stores.models import ON_HAND_BOUNDS, Stock, Store


class StockOutput(serializers.ModelSerializer):
    sku_code = serializers.CharField(source="sku.code")
    sku_name = serializers.CharField(source="sku.name")
    available = serializers.IntegerField()

    class Meta:
        model = Stock
        fields = ["sku", "sku_code", "sku_name", "on_hand", "reserved", "available", "updated_at"]


class StoreStockApi(TenantApi):
    """GET /api/v1/stores/{id}/stock/ (HQ, that store's staff); PUT `[{sku, on_hand}]` (HQ, its manager).

    PUT sets the rows named (others unchanged), all or nothing, and answers them; an on-hand below
    what is reserved for open orders is a 409 naming the SKU, with nothing changed.
    """

    allowed_roles: ClassVar = {"GET": HQ_AND_STORE_STAFF, "PUT": HQ_AND_MANAGER}
    resource_model = Store
    error_responses: ClassVar = {"PUT": {409: "On hand below reserved (names the SKU)"}}

    class Input(serializers.Serializer):
        sku = id_field()
        on_hand = quantity_field(**ON_HAND_BOUNDS)

    @extend_schema(responses={200: StockOutput(many=True)})
    def get(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "see_stock", store)
        return self.paginate(selectors.list_stock(tenant=request.tenant, store=store), StockOutput)

    @extend_schema(request=Input(many=True), responses={200: StockOutput(many=True)})
    def put(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "edit_stock", store)
        rows = validate_rows(self.Input, request.data)
        levels = [services.StockLevel(sku_id=row["sku"], on_hand=row["on_hand"]) for row in rows]
        written = services.set_stock(tenant=request.tenant, store=store, levels=levels)
        stock = selectors.list_stock(tenant=request.tenant, store=store).filter(pk__in=[row.pk for row in written])
        return Response(StockOutput(stock, many=True).data)
