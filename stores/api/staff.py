"""A store's staff: HQ and the store's manager list them; HQ creates them."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.tenancy.request import TenantApiRequest
from stores import selectors, services
from stores.api.common import HQ, HQ_AND_MANAGER, authorize
from stores.choices import StaffRole
from stores.models import Store, StoreStaff


class StaffOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.name")
    phone = serializers.CharField(source="user.phone")
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = StoreStaff
        fields = ["id", "user", "username", "name", "phone", "role", "code", "store", "active", "created_at"]


class StoreStaffApi(TenantApi):
    """GET /api/v1/stores/{id}/staff/ (HQ, that store's manager); POST (HQ) creates an account and post."""

    allowed_roles: ClassVar = {"GET": HQ_AND_MANAGER, "POST": HQ}
    resource_model = Store
    error_responses: ClassVar = {"POST": {409: "The store is inactive"}}

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
        name = serializers.CharField(max_length=150)
        phone = PhoneNumberField(required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=StaffRole.choices)

    @extend_schema(responses={200: StaffOutput(many=True)})
    def get(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "see_staff", store)
        return self.paginate(selectors.list_staff(tenant=request.tenant, store=store), StaffOutput)

    @extend_schema(request=Input, responses={201: StaffOutput})
    def post(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "create_staff", store)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["phone"] = str(values.get("phone") or "")
        staff = services.create_staff(tenant=request.tenant, store=store, **values)
        return Response(StaffOutput(staff).data, status=status.HTTP_201_CREATED)
