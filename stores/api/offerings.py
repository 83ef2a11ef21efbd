"""The services a store offers: anyone reads them; HQ and its manager replace them."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.fields import id_field, quantity_field
from o2o.money import MONEY
from o2o.tenancy.request import TenantApiRequest
from stores import selectors, services
from stores.api.common import EVERYONE, HQ_AND_MANAGER, authorize, validate_rows
from stores.models import CAPACITY_BOUNDS, Store, StoreService


class StoreServiceOutput(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    duration_minutes = serializers.IntegerField(source="service.duration_minutes")
    price = serializers.DecimalField(source="service.price", **MONEY)

    class Meta:
        model = StoreService
        fields = ["service", "service_name", "duration_minutes", "price", "capacity"]


class StoreServicesApi(TenantApi):
    """GET /api/v1/stores/{id}/services/ (anyone); PUT `[{service, capacity}]` (HQ, its manager).

    The answer is a plain array (a store offers a handful of services); PUT replaces the whole
    offering: services left out are no longer offered.
    """

    allowed_roles: ClassVar = {"GET": EVERYONE, "PUT": HQ_AND_MANAGER}
    resource_model = Store
    pagination_class = None  # the schema: a plain array, not the paginated envelope

    class Input(serializers.Serializer):
        service = id_field()
        capacity = quantity_field(**CAPACITY_BOUNDS)

    @extend_schema(responses={200: StoreServiceOutput(many=True)})
    def get(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        offering = selectors.list_store_services(tenant=request.tenant, store=store)
        return Response(StoreServiceOutput(offering, many=True).data)

    @extend_schema(request=Input(many=True), responses={200: StoreServiceOutput(many=True)})
    def put(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "set_services", store)
        data = request.data
        rows = validate_rows(self.Input, data) if data != [] else []
        offerings = [services.ServiceOffering(service_id=row["service"], capacity=row["capacity"]) for row in rows]
        services.set_store_services(tenant=request.tenant, store=store, offerings=offerings)
        offering = selectors.list_store_services(tenant=request.tenant, store=store)
        return Response(StoreServiceOutput(offering, many=True).data)
