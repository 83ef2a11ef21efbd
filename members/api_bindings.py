"""A member's guide bindings (rules.md 4.1): the history, and re-binding by hand."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from members import policies
from members.binding import rebind
from members.models import GuideBinding, Member
from members.selectors import binding_history, get_member
from o2o.api.base import TenantApi
from o2o.choices import HQ_ROLES, Role
from o2o.errors import InvalidInput
from o2o.fields import id_field
from o2o.tenancy.actor import require
from o2o.tenancy.request import SignedInApiRequest
from stores.choices import StaffRole
from stores.models import StoreStaff

MANAGERS = HQ_ROLES | {Role.STORE_MANAGER}


class BindingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    guide = serializers.IntegerField(source="guide_id")
    guide_name = serializers.SerializerMethodField()
    store = serializers.IntegerField(source="store_id")
    source = serializers.CharField(help_text="link, qr, served or manual")  # type: ignore[assignment]
    bound_at = serializers.DateTimeField()
    bound_until = serializers.DateTimeField()
    reason = serializers.CharField(help_text="why a manager re-bound (manual only)")
    created_by = serializers.SerializerMethodField()

    def get_guide_name(self, binding: GuideBinding) -> str:
        user = binding.guide.user
        return user.name or user.username

    def get_created_by(self, binding: GuideBinding) -> str | None:
        user = binding.created_by
        return (user.name or user.username) if user is not None else None


def _guide_of_brand(request: SignedInApiRequest, guide_id: int) -> StoreStaff:
    guide = (
        StoreStaff.objects.filter(tenant=request.tenant, pk=guide_id, role=StaffRole.GUIDE, is_active=True)
        .select_related("user")
        .first()
    )
    if guide is None:
        raise InvalidInput("guide", _("Choose an active guide of this brand."))
    return guide


class MemberBindingsApi(TenantApi):
    """GET /api/v1/members/{id}/bindings/: every binding record of the member, oldest first (HQ and
    store managers)."""

    allowed_roles: ClassVar = {"GET": MANAGERS}
    resource_model = Member

    @extend_schema(responses={200: BindingOutput(many=True)})
    def get(self, request: SignedInApiRequest, member_id: int) -> Response:
        member = get_member(tenant=request.tenant, actor=request.actor, member_id=member_id)
        require(policies.can_see_bindings(request.actor), _("Only HQ and store managers see bindings."))
        history = binding_history(tenant=request.tenant, member=member)
        return Response(BindingOutput(history, many=True).data)


class MemberRebindApi(TenantApi):
    """POST /api/v1/members/{id}/rebind/ `{guide, reason}`: the store manager of the guide's store
    (or HQ) re-binds the member to the guide by hand, whatever binding is in force; the reason is
    kept (400 naming `reason` when blank). 403 for another store's guide. -> 201, the new binding."""

    allowed_roles: ClassVar = {"POST": MANAGERS}
    resource_model = Member
    error_responses: ClassVar = {"POST": {400: "Invalid input", 403: "Not the guide's store"}}

    class Input(serializers.Serializer):
        guide = id_field()
        reason = serializers.CharField(max_length=300, allow_blank=True)

    @extend_schema(request=Input, responses={201: BindingOutput})
    def post(self, request: SignedInApiRequest, member_id: int) -> Response:
        member = get_member(tenant=request.tenant, actor=request.actor, member_id=member_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        guide = _guide_of_brand(request, data.validated_data["guide"])
        policies.authorize_rebind(request.actor, guide.store_id)
        result = rebind(
            tenant=request.tenant,
            member=member,
            guide=guide,
            by=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(BindingOutput(result.binding).data, status=201)
