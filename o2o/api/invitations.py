"""Invitations to an HQ role: HQ admins invite by phone or e-mail; the person accepts signed in."""

from __future__ import annotations

from typing import ClassVar

from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from o2o.api.base import PUBLIC, TenantApi
from o2o.api.schema import hq_role_choices
from o2o.invitations import (
    Invite,
    accept_invitation,
    get_invitation,
    invite_to_role,
    list_open_invitations,
    withdraw_invitation,
)
from o2o.models import RoleInvitation
from o2o.tenancy.request import SignedInApiRequest, TenantApiRequest

from .tenant import HQ_ADMIN, RoleOutput


class InvitationOutput(serializers.ModelSerializer):
    phone = serializers.CharField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = RoleInvitation
        fields = ["id", "role", "phone", "email", "status", "created_at", "expires_at", "accepted_at"]

    def get_status(self, invitation: RoleInvitation) -> str:
        return "accepted" if invitation.accepted_at else "open"


class InvitationListApi(TenantApi):
    """GET/POST /api/v1/roles/invitations/: the brand's open invitations; invite someone.

    The code goes by SMS and/or e-mail to the person only; the answer is the same whether or not
    that phone or address has an account anywhere.
    """

    allowed_roles: ClassVar = {"GET": HQ_ADMIN, "POST": HQ_ADMIN}
    resource_model = RoleInvitation

    class Input(serializers.Serializer):
        role = serializers.ChoiceField(choices=hq_role_choices())
        phone = PhoneNumberField(region="CN", required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)

    @extend_schema(responses={200: InvitationOutput(many=True)})
    def get(self, request: SignedInApiRequest) -> Response:
        return self.paginate(list_open_invitations(tenant=request.tenant), InvitationOutput)

    @extend_schema(request=Input, responses={201: InvitationOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        phone = values.get("phone")
        invite = Invite(role=values["role"], phone=phone.as_e164 if phone else "", email=values.get("email") or "")
        invitation = invite_to_role(tenant=request.tenant, invite=invite, by=request.user)
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(TenantApi):
    """GET/DELETE /api/v1/roles/invitations/{id}/: one invitation; withdraw one not yet accepted."""

    allowed_roles: ClassVar = {"GET": HQ_ADMIN, "DELETE": HQ_ADMIN}
    resource_model = RoleInvitation

    @extend_schema(responses={200: InvitationOutput})
    def get(self, request: SignedInApiRequest, invitation_id: int) -> Response:
        return Response(InvitationOutput(get_invitation(tenant=request.tenant, invitation_id=invitation_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: SignedInApiRequest, invitation_id: int) -> Response:
        withdraw_invitation(tenant=request.tenant, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(TenantApi):
    """POST /api/v1/invitations/accept/: the signed-in caller takes the role an invitation offers.

    Open to any signed-in user of the platform (the invited person holds no role in the brand yet);
    the code is the proof of being the person invited.
    """

    allowed_roles: ClassVar = {"POST": frozenset({PUBLIC})}
    error_responses: ClassVar = {"POST": {401: "Not signed in"}}

    class Input(serializers.Serializer):
        code = serializers.CharField(max_length=100)

    @extend_schema(request=Input, responses={201: RoleOutput})
    def post(self, request: TenantApiRequest) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        granted = accept_invitation(tenant=request.tenant, code=data.validated_data["code"], user=request.user)
        return Response(RoleOutput(granted).data, status=status.HTTP_201_CREATED)
