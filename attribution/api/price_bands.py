"""The brand's price bands for the repurchase report (issue 11 item 6): `/api/v1/price-bands/` CRUD,
HQ only, `{id, lower_bound, label}`. A duplicate lower bound is a 400 naming `lower_bound`."""

from __future__ import annotations

from typing import ClassVar

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from attribution import policies
from attribution.models import PriceBand
from attribution.selectors.price_bands import get_price_band, list_price_bands
from attribution.services import price_bands as services
from o2o.api.base import TenantApi
from o2o.fields import money_field
from o2o.tenancy.request import SignedInApiRequest

HQ = frozenset(policies.PRICE_BAND_EDITORS)


class PriceBandOutput(serializers.ModelSerializer):
    class Meta:
        model = PriceBand
        fields = ["id", "lower_bound", "label"]


class PriceBandInput(serializers.Serializer):
    lower_bound = money_field(min_value=0)
    label = serializers.CharField(  # type: ignore[assignment]  # a field named as Field's own `label`
        max_length=services.LABEL_MAX, required=False, allow_blank=True, default=""
    )


class PriceBandListApi(TenantApi):
    """GET/POST /api/v1/price-bands/: the brand's price bands, lowest first (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "POST": HQ}
    resource_model = PriceBand

    @extend_schema(responses={200: PriceBandOutput(many=True)})
    def get(self, request: SignedInApiRequest) -> Response:
        policies.authorize_price_bands(request.actor)
        return self.paginate(list_price_bands(tenant=request.tenant), PriceBandOutput)

    @extend_schema(request=PriceBandInput, responses={201: PriceBandOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        policies.authorize_price_bands(request.actor)
        data = PriceBandInput(data=request.data)
        data.is_valid(raise_exception=True)
        band = services.create_price_band(tenant=request.tenant, data=services.PriceBandInput(**data.validated_data))
        return Response(PriceBandOutput(band).data, status=status.HTTP_201_CREATED)


class PriceBandDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/price-bands/{id}/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = PriceBand

    @extend_schema(responses={200: PriceBandOutput})
    def get(self, request: SignedInApiRequest, band_id: int) -> Response:
        policies.authorize_price_bands(request.actor)
        return Response(PriceBandOutput(get_price_band(tenant=request.tenant, band_id=band_id)).data)

    def _update(self, request: SignedInApiRequest, band_id: int, *, partial: bool) -> Response:
        policies.authorize_price_bands(request.actor)
        band = get_price_band(tenant=request.tenant, band_id=band_id)
        data = PriceBandInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = {"lower_bound": band.lower_bound, "label": band.label, **data.validated_data}
        band = services.update_price_band(tenant=request.tenant, band=band, data=services.PriceBandInput(**values))
        return Response(PriceBandOutput(band).data)

    @extend_schema(request=PriceBandInput, responses={200: PriceBandOutput})
    def put(self, request: SignedInApiRequest, band_id: int) -> Response:
        return self._update(request, band_id, partial=False)

    @extend_schema(request=PriceBandInput(partial=True), responses={200: PriceBandOutput})
    def patch(self, request: SignedInApiRequest, band_id: int) -> Response:
        return self._update(request, band_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, band_id: int) -> Response:
        policies.authorize_price_bands(request.actor)
        band = get_price_band(tenant=request.tenant, band_id=band_id)
        services.delete_price_band(tenant=request.tenant, band=band)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns: list[URLPattern] = [
    path("price-bands/", PriceBandListApi.as_view(), name="price-band-list"),
    path("price-bands/<int:band_id>/", PriceBandDetailApi.as_view(), name="price-band-detail"),
]
