"""The brand's settings (rule parameters) and the roles HQ grants."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.choices import HQ_ROLES, Role
from o2o.invitations import grant_role_to_member
from o2o.models import Tenant, TenantRole
from o2o.services import revoke_role, update_tenant_settings
from o2o.tenancy.request import SignedInApiRequest
from o2o.tenancy.selectors import get_tenant_role, list_tenant_roles

HQ_ADMIN = frozenset({Role.HQ_ADMIN})

SETTINGS_FIELDS = [
    "accept_within_minutes",
    "min_notice_minutes",
    "booking_window_days",
    "cancel_cutoff_minutes",
    "check_in_early_minutes",
    "no_show_grace_minutes",
    "reminder_hours",
    "lookback_days",
    "attribution_model",
    "protection_days",
    "claim_window_days",
    "return_window_days",
    "default_commission_rate",
    "tac_basis",
    "tac_cap_per_visit",
    "settlement_frequency",
    "currency",
    "timezone",
]


class SettingsSerializer(serializers.ModelSerializer):
    reminder_hours = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=24 * 30), max_length=5, allow_empty=True
    )
    currency = serializers.RegexField(
        r"^[A-Z]{3}\Z",
        error_messages={"invalid": "Give a three-letter ISO 4217 code such as CNY."},
        required=False,
    )

    class Meta:
        model = Tenant
        fields = ["slug", "name", *SETTINGS_FIELDS]
        read_only_fields = ["slug"]


class SettingsApi(TenantApi):
    """GET/PATCH /api/v1/settings/: the brand's rule parameters, currency and time zone."""

    allowed_roles: ClassVar = {"GET": HQ_ADMIN, "PATCH": HQ_ADMIN}

    @extend_schema(responses={200: SettingsSerializer})
    def get(self, request: SignedInApiRequest) -> Response:
        return Response(SettingsSerializer(request.tenant).data)

    @extend_schema(request=SettingsSerializer, responses={200: SettingsSerializer})
    def patch(self, request: SignedInApiRequest) -> Response:
        data = SettingsSerializer(request.tenant, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        tenant = update_tenant_settings(tenant=request.tenant, changes=dict(data.validated_data))
        return Response(SettingsSerializer(tenant).data)


class RoleOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.name")

    class Meta:
        model = TenantRole
        fields = ["id", "user", "username", "name", "role", "created_at"]


class RoleListApi(TenantApi):
    """GET/POST /api/v1/roles/: the HQ roles of the brand; HQ admins grant them to people who belong
    to the brand already (anyone else is invited: /api/v1/roles/invitations/)."""

    allowed_roles: ClassVar = {"GET": HQ_ADMIN, "POST": HQ_ADMIN}
    resource_model = TenantRole

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=[(role.value, role.label) for role in Role if role in HQ_ROLES])

    @extend_schema(responses={200: RoleOutput(many=True)})
    def get(self, request: SignedInApiRequest) -> Response:
        return self.paginate(list_tenant_roles(tenant=request.tenant, roles=HQ_ROLES), RoleOutput)

    @extend_schema(request=Input, responses={201: RoleOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        granted = grant_role_to_member(tenant=request.tenant, username=values["username"], role=values["role"])
        return Response(RoleOutput(granted).data, status=status.HTTP_201_CREATED)


class RoleDetailApi(TenantApi):
    """GET/DELETE /api/v1/roles/{id}/: one HQ role of the brand."""

    allowed_roles: ClassVar = {"GET": HQ_ADMIN, "DELETE": HQ_ADMIN}
    resource_model = TenantRole
    error_responses: ClassVar = {"DELETE": {409: "The brand's last HQ admin"}}

    @extend_schema(responses={200: RoleOutput})
    def get(self, request: SignedInApiRequest, role_id: int) -> Response:
        return Response(RoleOutput(get_tenant_role(tenant=request.tenant, role_id=role_id, roles=HQ_ROLES)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, role_id: int) -> Response:
        tenant_role = get_tenant_role(tenant=request.tenant, role_id=role_id, roles=HQ_ROLES)
        revoke_role(tenant=request.tenant, tenant_role=tenant_role, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
