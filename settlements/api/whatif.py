"""The what-if preview (HQ): `GET /api/v1/settlements/what-if/?period_start=&period_end=&model=
&tac_basis=&tac_cap_per_visit=&store=&share_rate=`.

A period (dates, end excluded) settled under the brand's rules today and under a proposal; each
parameter of the proposal left out keeps today's value: `model` (an attribution model),
`tac_basis` (visits, orders, revenue), `tac_cap_per_visit` (an amount, or `none` for no cap),
`store` with `share_rate` (0 to 1: that store's share of net sales). Answers `{period_start,
period_end, rules: {today, proposal}, stores: [{store, code, name, kind, today, proposal,
difference}], totals: {today, proposal, difference}}`, each figure `{sales, store_share, tac,
commission, net}` (strings; `today`/`proposal` also `counts` per line). A GET: nothing is posted
or saved. 400 naming the field for bad input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.choices import AttributionModel, TacBasis
from o2o.fields import AsciiDecimalField, id_field
from o2o.tenancy.request import TenantApiRequest
from settlements import policies
from settlements.services.whatif import KEEP, Proposal, preview_period, read_cap

HQ = policies.RUN_MANAGERS


class WhatIfInput(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    model = serializers.ChoiceField(choices=AttributionModel.choices, required=False, allow_blank=True)
    tac_basis = serializers.ChoiceField(choices=TacBasis.choices, required=False, allow_blank=True)
    tac_cap_per_visit = serializers.CharField(required=False, allow_blank=True, max_length=20)
    store = id_field(required=False, allow_null=True)
    share_rate = AsciiDecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1), required=False, allow_null=True
    )

    def validate_tac_cap_per_visit(self, value: str) -> Any:
        try:
            return read_cap(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("store") is not None and attrs.get("share_rate") is None:
            raise serializers.ValidationError({"share_rate": [_("Give the store's proposed share rate.")]})
        if attrs.get("share_rate") is not None and attrs.get("store") is None:
            raise serializers.ValidationError({"store": [_("Choose the store the share rate is for.")]})
        return attrs

    def proposal(self) -> Proposal:
        data = self.validated_data
        return Proposal(
            attribution_model=data.get("model") or None,
            tac_basis=data.get("tac_basis") or None,
            tac_cap_per_visit=data.get("tac_cap_per_visit", KEEP),
            store_id=data.get("store"),
            share_rate=data.get("share_rate"),
        )


class WhatIfApi(TenantApi):
    """GET /api/v1/settlements/what-if/ (HQ): a period today and under a proposal."""

    allowed_roles: ClassVar = {"GET": HQ}

    @extend_schema(
        parameters=[
            OpenApiParameter("period_start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("period_end", OpenApiTypes.DATE, required=True),
            OpenApiParameter("model", str, enum=AttributionModel.values),
            OpenApiParameter("tac_basis", str, enum=TacBasis.values),
            OpenApiParameter("tac_cap_per_visit", str),
            OpenApiParameter("store", int),
            OpenApiParameter("share_rate", str),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: TenantApiRequest) -> Response:
        params = WhatIfInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return Response(
            preview_period(
                tenant=request.tenant, start=data["period_start"], end=data["period_end"], proposal=params.proposal()
            )
        )


urlpatterns = [path("settlements/what-if/", WhatIfApi.as_view(), name="settlement-what-if")]
