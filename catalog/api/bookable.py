"""Bookable in-store services: anyone reads the active ones (HQ all); HQ writes them."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.common import ANYONE, HQ, is_hq
from catalog.models import Service
from o2o.api.base import TenantApi
from o2o.fields import money_field, quantity_field
from o2o.tenancy.request import TenantApiRequest


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
            tenant=request.tenant, filters=request.query_params, include_inactive=is_hq(request)
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
        service = selectors.get_service(tenant=request.tenant, service_id=service_id, include_inactive=is_hq(request))
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
