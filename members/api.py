"""Members: the brand's memberships for its staff (masked by store), and a consumer's own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from members import policies
from members.models import Member
from members.selectors import get_member, get_own_membership, list_members, member_view
from members.services import KEEP, MembershipChanges, update_membership
from o2o.api.base import TenantApi
from o2o.api.pagination import Pagination
from o2o.choices import HQ_ROLES, STORE_ROLES, Role
from o2o.fields import id_field
from o2o.tenancy.request import SignedInApiRequest

STAFF = HQ_ROLES | STORE_ROLES
CONSUMER = frozenset({Role.CONSUMER})


class MemberOutput(serializers.Serializer):
    """A member as the caller may see them: `phone` and `name` are masked when `masked` is true."""

    id = serializers.IntegerField()
    phone = serializers.CharField(help_text="E.164 (`+8613812345678`), or masked (`138****5678`)")
    name = serializers.CharField(help_text="masked to the first character (`张*`) when `masked`")
    home_store = serializers.IntegerField(allow_null=True)
    consent_marketing = serializers.BooleanField()
    consent_recorded_at = serializers.DateTimeField(allow_null=True)
    joined_at = serializers.DateTimeField()
    masked = serializers.BooleanField(help_text="true: the caller's store does not serve this member")


def _views(members: Iterable[Member]) -> list[Any]:
    return [member_view(member) for member in members]


MEMBER_FILTERS = [
    OpenApiParameter("home_store", OpenApiTypes.INT, description="members whose home store is this store id"),
    OpenApiParameter("served", OpenApiTypes.BOOL, description="true: only the members shown unmasked to you"),
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description="a phone suffix or part of the name. Only HQ finds anyone by name or a full number; "
        "a store finds the members it does not serve only by the last 4 digits (what the mask shows).",
    ),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="up to 500"),
]

PaginatedMembers = inline_serializer(
    name="PaginatedMemberList",
    fields={
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": MemberOutput(many=True),
    },
)


class MemberListApi(TenantApi):
    """GET /api/v1/members/: the brand's members, newest first.

    HQ sees every member's data. A store manager or guide sees every member too, unmasked only
    the ones their store serves (home store, or served there); the others masked.
    """

    allowed_roles: ClassVar = {"GET": STAFF}
    resource_model = Member
    error_responses: ClassVar = {"GET": {400: "Invalid filter"}}

    @extend_schema(parameters=MEMBER_FILTERS, responses={200: PaginatedMembers})
    def get(self, request: SignedInApiRequest) -> Response:
        members = list_members(tenant=request.tenant, actor=request.actor, filters=request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(members, request, view=self)
        return paginator.get_paginated_response(MemberOutput(_views(page or []), many=True).data)


class MemberDetailApi(TenantApi):
    """GET /api/v1/members/{id}/: one member, masked as in the list."""

    allowed_roles: ClassVar = {"GET": STAFF}
    resource_model = Member

    @extend_schema(responses={200: MemberOutput})
    def get(self, request: SignedInApiRequest, member_id: int) -> Response:
        member = get_member(tenant=request.tenant, actor=request.actor, member_id=member_id)
        return Response(MemberOutput(member_view(member)).data)


class MyMembershipApi(TenantApi):
    """GET/PATCH /api/v1/members/me/: the consumer's own membership; they change their name, their
    marketing consent and their home store (`members.policies`: the same rule as the "my
    membership" page).

    Changing the consent records when it was given (`consent_recorded_at`). The name may not be
    blank (400 naming `name`). The home store must be an active store of the brand (else 400 naming
    `home_store`); `null` clears it.
    """

    allowed_roles: ClassVar = {"GET": CONSUMER, "PATCH": CONSUMER}
    resource_model = Member

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=150, required=False)
        consent_marketing = serializers.BooleanField(required=False)
        home_store = id_field(required=False, allow_null=True)

    @extend_schema(responses={200: MemberOutput})
    def get(self, request: SignedInApiRequest) -> Response:
        member = get_own_membership(tenant=request.tenant, actor=request.actor)
        return Response(MemberOutput(member_view(member, masked=False)).data)

    @extend_schema(request=Input, responses={200: MemberOutput})
    def patch(self, request: SignedInApiRequest) -> Response:
        member = get_own_membership(tenant=request.tenant, actor=request.actor)  # 404 before the body
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        changes = MembershipChanges(
            consent_marketing=values.get("consent_marketing", KEEP),
            home_store_id=values.get("home_store", KEEP),
            name=values.get("name", KEEP),
        )
        policies.authorize_changes(request.actor, member, changes.fields())
        member = update_membership(tenant=request.tenant, member=member, changes=changes)
        return Response(MemberOutput(member_view(member, masked=False)).data)
