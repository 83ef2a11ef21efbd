"""Sign-in, sign-up and the caller's own identity."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from o2o.api.base import PUBLIC, PublicApi, TenantApi
from o2o.api.idempotency import idempotent
from o2o.choices import ALL_ROLES
from o2o.errors import AppError
from o2o.services import SignUp, sign_up_consumer
from o2o.tenancy.request import SignedInApiRequest, TenantApiRequest
from o2o.tenancy.selectors import list_tenants_of_user


class BadCredentials(AppError):
    status_code = 400
    code = "invalid_credentials"


class TokenApi(PublicApi):
    """POST /api/v1/auth/token/: exchange a username and password for an API token."""

    throttle_classes: ClassVar[list[type]] = [ScopedRateThrottle]  # type: ignore[misc]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    class Output(serializers.Serializer):
        token = serializers.CharField()
        tenants = serializers.ListField(child=serializers.SlugField(), help_text="brands where you hold a role")

    @extend_schema(request=Input, responses={200: Output}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise BadCredentials("Unable to sign in with the username and password given.")
        token, _ = Token.objects.get_or_create(user=user)
        tenants = [tenant.slug for tenant in list_tenants_of_user(user=user)]
        return Response(self.Output({"token": token.key, "tenants": tenants}).data)


class SignupApi(TenantApi):
    """POST /api/v1/auth/signup/: a consumer joins the brand (the phone becomes the username).

    Honours `Idempotency-Key`: a double-submitted sign-up creates one account and answers both.
    """

    allowed_roles: ClassVar = {"POST": frozenset({PUBLIC})}
    throttle_classes: ClassVar[list[type]] = [ScopedRateThrottle]  # type: ignore[misc]
    throttle_scope = "signup"
    error_responses: ClassVar = {
        "POST": {409: "The phone is registered already, or the Idempotency-Key was used with another body"}
    }

    class Input(serializers.Serializer):
        phone = PhoneNumberField(region="CN")
        password = serializers.CharField(max_length=128, min_length=8, trim_whitespace=False)
        name = serializers.CharField(max_length=150)

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        name = serializers.CharField()
        token = serializers.CharField()

    @extend_schema(request=Input, responses={201: Output}, auth=[])
    @idempotent
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = sign_up_consumer(
            tenant=request.tenant,
            data=SignUp(phone=values["phone"].as_e164, password=values["password"], name=values["name"]),
        )
        token, _ = Token.objects.get_or_create(user=user)
        body = {"id": user.pk, "username": user.username, "name": user.name, "token": token.key}
        return Response(self.Output(body).data, status=status.HTTP_201_CREATED)


class MeApi(TenantApi):
    """GET /api/v1/me/: who you are and your roles in this brand."""

    allowed_roles: ClassVar = {"GET": ALL_ROLES}

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        name = serializers.CharField()
        tenant = serializers.SlugField()
        roles = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses={200: Output})
    def get(self, request: SignedInApiRequest) -> Response:
        user = request.user
        body = {
            "id": user.pk,
            "username": user.username,
            "name": user.name,
            "tenant": request.tenant.slug,
            "roles": sorted(request.roles.names),
        }
        return Response(self.Output(body).data)
