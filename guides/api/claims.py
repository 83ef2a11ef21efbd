"""Commission claims (api.md, Guides and commission; rules.md 4.3).

- `POST /api/v1/commission-claims/` `{order, note}` (a guide): 201 the pending claim; 400 naming
  `order` (missing, another brand's, cancelled, not of the guide's store's consumers, out of the
  `claim_window_days` window) or `note`; 409 `already_credited`, `claim_exists`.
- `GET /api/v1/commission-claims/?status=` rows `{id, guide, guide_name, store, order,
  order_number, note, status, reason, created_at, decided_at}`: a guide theirs, a store manager
  their store's guides', HQ all.
- `POST /api/v1/commission-claims/{id}/approve/`, `/reject/ {reason}` (the manager of the guide's
  store): 200 the decided claim; 409 `claim_decided`, `already_credited`; reject's 400 naming
  `reason` when empty.
"""

from __future__ import annotations

from typing import ClassVar

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from guides import policies
from guides.choices import ClaimStatus
from guides.models import CommissionClaim
from guides.selectors.commissions import get_claim, list_claims
from guides.services import claims as claim_services
from o2o.api.base import TenantApi
from o2o.fields import id_field
from o2o.tenancy.request import SignedInApiRequest


class ClaimOutput(serializers.ModelSerializer):
    guide_name = serializers.CharField(source="guide.user.name")
    store = serializers.IntegerField(source="guide.store_id")
    order_number = serializers.CharField(source="order.number")

    class Meta:
        model = CommissionClaim
        fields = [
            "id",
            "guide",
            "guide_name",
            "store",
            "order",
            "order_number",
            "note",
            "status",
            "reason",
            "created_at",
            "decided_at",
        ]


class ClaimInput(serializers.Serializer):
    order = id_field()
    note = serializers.CharField(max_length=claim_services.NOTE_MAX)


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=claim_services.REASON_MAX)


class ClaimListApi(TenantApi):
    """GET/POST /api/v1/commission-claims/."""

    allowed_roles: ClassVar = {"GET": policies.CLAIM_READERS, "POST": policies.CLAIM_MAKERS}
    resource_model = CommissionClaim
    error_responses: ClassVar = {"POST": {409: "The order already has a beneficiary, or your claim is pending"}}

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=ClaimStatus.values)], responses={200: ClaimOutput(many=True)}
    )
    def get(self, request: SignedInApiRequest) -> Response:
        return self.paginate(
            list_claims(tenant=request.tenant, actor=request.actor, filters=request.query_params), ClaimOutput
        )

    @extend_schema(request=ClaimInput, responses={201: ClaimOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        data = ClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim_services.get_claimable_order(tenant=request.tenant, order_id=data.validated_data["order"])
        guide = policies.claiming_guide(request.actor)
        claim = claim_services.submit_claim(
            tenant=request.tenant,
            guide=guide,
            order_id=data.validated_data["order"],
            note=data.validated_data["note"],
        )
        claim = get_claim(tenant=request.tenant, actor=request.actor, claim_id=claim.pk)
        return Response(ClaimOutput(claim).data, status=status.HTTP_201_CREATED)


class ClaimApproveApi(TenantApi):
    """POST /api/v1/commission-claims/{id}/approve/ (the manager of the guide's store)."""

    allowed_roles: ClassVar = {"POST": policies.CLAIM_DECIDERS}
    resource_model = CommissionClaim
    error_responses: ClassVar = {"POST": {409: "Decided already, or the order's lines have a beneficiary"}}

    @extend_schema(request=None, responses={200: ClaimOutput})
    def post(self, request: SignedInApiRequest, claim_id: int) -> Response:
        claim = get_claim(tenant=request.tenant, actor=request.actor, claim_id=claim_id)
        policies.authorize_decision(request.actor, claim, guide_store_id=claim.guide.store_id)
        claim_services.approve_claim(tenant=request.tenant, claim=claim, by=request.user)
        return Response(ClaimOutput(get_claim(tenant=request.tenant, actor=request.actor, claim_id=claim_id)).data)


class ClaimRejectApi(TenantApi):
    """POST /api/v1/commission-claims/{id}/reject/ {reason} (the manager of the guide's store)."""

    allowed_roles: ClassVar = {"POST": policies.CLAIM_DECIDERS}
    resource_model = CommissionClaim
    error_responses: ClassVar = {"POST": {409: "Decided already"}}

    @extend_schema(request=RejectInput, responses={200: ClaimOutput})
    def post(self, request: SignedInApiRequest, claim_id: int) -> Response:
        claim = get_claim(tenant=request.tenant, actor=request.actor, claim_id=claim_id)
        policies.authorize_decision(request.actor, claim, guide_store_id=claim.guide.store_id)
        data = RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim_services.reject_claim(
            tenant=request.tenant, claim=claim, reason=data.validated_data["reason"], by=request.user
        )
        return Response(ClaimOutput(get_claim(tenant=request.tenant, actor=request.actor, claim_id=claim_id)).data)


urlpatterns = [
    path("commission-claims/", ClaimListApi.as_view(), name="commission-claim-list"),
    path("commission-claims/<int:claim_id>/approve/", ClaimApproveApi.as_view(), name="commission-claim-approve"),
    path("commission-claims/<int:claim_id>/reject/", ClaimRejectApi.as_view(), name="commission-claim-reject"),
]
