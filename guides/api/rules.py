"""Commission rules (api.md, Guides and commission): `/api/v1/commission-rules/` CRUD (HQ).

`{id, store?, category?, rate, valid_from, history}`: `rate` a decimal fraction such as `"0.0300"`
(0 to 1, 4 decimals), `valid_from` when the current rate took effect, `history` every rate the
rule has had with when it was in force (newest first). A change of `rate` closes the current rate
and opens a new one at the same id; `store` and `category` are fixed once created (end the rule
and create another). DELETE ends the rule (its history kept for the commissions that used it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from guides import policies
from guides.models import CommissionRule
from guides.selectors.rules import get_rule, list_rules
from guides.services import rules as rule_services
from o2o.api.base import TenantApi
from o2o.errors import InvalidInput
from o2o.fields import id_field
from o2o.tenancy.request import SignedInApiRequest as TenantApiRequest

HQ = policies.RULE_EDITORS


def rate_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1, **kwargs)


class VersionOutput(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    valid_from = serializers.DateTimeField()
    valid_to = serializers.DateTimeField(allow_null=True)


class RuleOutput(serializers.ModelSerializer):
    rate = serializers.SerializerMethodField()
    valid_from = serializers.SerializerMethodField()
    history = VersionOutput(many=True)

    class Meta:
        model = CommissionRule
        fields = ["id", "store", "category", "rate", "valid_from", "history"]

    def get_rate(self, rule: CommissionRule) -> str | None:
        return f"{rule.history[0].rate:.4f}" if rule.history else None  # type: ignore[attr-defined]

    def get_valid_from(self, rule: CommissionRule) -> str | None:
        return rule.history[0].valid_from.isoformat() if rule.history else None  # type: ignore[attr-defined]


class RuleInput(serializers.Serializer):
    store = id_field(required=False, allow_null=True, default=None)
    category = id_field(required=False, allow_null=True, default=None)
    rate = rate_field()


class RuleListApi(TenantApi):
    """GET/POST /api/v1/commission-rules/: the brand's rules in force (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "POST": HQ}
    resource_model = CommissionRule
    error_responses: ClassVar = {"POST": {409: "A rule for the same store and category is in force"}}

    @extend_schema(responses={200: RuleOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        return self.paginate(list_rules(tenant=request.tenant), RuleOutput)

    @extend_schema(request=RuleInput, responses={201: RuleOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = RuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rule_services.create_rule(
            tenant=request.tenant,
            store_id=data.validated_data["store"],
            category_id=data.validated_data["category"],
            rate=data.validated_data["rate"],
            by=request.user,
        )
        return Response(
            RuleOutput(get_rule(tenant=request.tenant, rule_id=rule.pk)).data, status=status.HTTP_201_CREATED
        )


class RuleDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/commission-rules/{id}/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = CommissionRule

    @extend_schema(responses={200: RuleOutput})
    def get(self, request: TenantApiRequest, rule_id: int) -> Response:
        return Response(RuleOutput(get_rule(tenant=request.tenant, rule_id=rule_id)).data)

    def _update(self, request: TenantApiRequest, rule_id: int, *, partial: bool) -> Response:
        rule = get_rule(tenant=request.tenant, rule_id=rule_id)
        data = RuleInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        for field, current in (("store", rule.store_id), ("category", rule.category_id)):
            if field in request.data and data.validated_data.get(field) != current:
                raise InvalidInput(field, _("A rule's store and category are fixed: end it and create another."))
        if "rate" in data.validated_data:
            rule_services.change_rate(
                tenant=request.tenant, rule=rule, rate=data.validated_data["rate"], by=request.user
            )
        return Response(RuleOutput(get_rule(tenant=request.tenant, rule_id=rule_id)).data)

    @extend_schema(request=RuleInput, responses={200: RuleOutput})
    def put(self, request: TenantApiRequest, rule_id: int) -> Response:
        return self._update(request, rule_id, partial=False)

    @extend_schema(request=RuleInput(partial=True), responses={200: RuleOutput})
    def patch(self, request: TenantApiRequest, rule_id: int) -> Response:
        return self._update(request, rule_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, rule_id: int) -> Response:
        rule_services.end_rule(tenant=request.tenant, rule=get_rule(tenant=request.tenant, rule_id=rule_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("commission-rules/", RuleListApi.as_view(), name="commission-rule-list"),
    path("commission-rules/<int:rule_id>/", RuleDetailApi.as_view(), name="commission-rule-detail"),
]
