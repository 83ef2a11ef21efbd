"""Sign-in, sign-up and the caller's own identity."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import authenticate
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from o2o.api.base import PUBLIC, PublicApi, TenantApi
from o2o.api.idempotency import idempotent
from o2o.api.throttling import ScopedRateThrottle
from o2o.choices import ALL_ROLES
from o2o.errors import AppError
from o2o.portals.lockout import count_sign_up_attempt, lockout_response
from o2o.services import SignUp, join_brand_as_consumer, sign_up_consumer
from o2o.tenancy.request import SignedInApiRequest, TenantApiRequest
from o2o.tenancy.selectors import list_tenants_of_user, roles_of
from o2o.tokens import issue_token
from o2o.visitors import VISITOR_ID_MAX_LENGTH, visitor_id


class BadCredentials(AppError):
    status_code = 400
    code = "invalid_credentials"


class TokenApi(PublicApi):
    """POST /api/v1/auth/token/: exchange a username and password for an API token.

    Each login issues a new token: tokens are stored as a digest, so an earlier key cannot be
    given back. The user's earlier tokens stay valid (their oldest beyond the newest ten retire).
    """

    throttle_classes: ClassVar[list[type]] = [ScopedRateThrottle]  # type: ignore[misc]
    throttle_scope = "login"

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    class Output(serializers.Serializer):
        token = serializers.CharField(help_text="a new key, shown this once")
        tenants = serializers.ListField(child=serializers.SlugField(), help_text="brands where you hold a role")

    @extend_schema(request=Input, responses={200: Output}, auth=[])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if user is None or not user.is_active:
            raise BadCredentials("Unable to sign in with the username and password given.")
        key = issue_token(user=user)
        tenants = [tenant.slug for tenant in list_tenants_of_user(user=user)]
        return Response(self.Output({"token": key, "tenants": tenants}).data)


class SignupApi(TenantApi):
    """POST /api/v1/auth/signup/: a consumer joins the brand (the phone becomes the username).

    The answer is the same whether or not the phone has an account already, and carries no token:
    a new account signs in with `POST /auth/token/`; the owner of an existing one (told by SMS that
    someone tried) signs in with their own password and joins with `POST /auth/join/`. Every
    attempt with a valid body is counted by the log-in lockout; the attempt that locks the phone
    from this address, and every one after it, does nothing and is answered 429 `locked_out`.
    Honours `Idempotency-Key`: a double-submitted sign-up creates one account (each submission is
    an attempt for the lockout, and a lockout answer is never replayed).
    """

    allowed_roles: ClassVar = {"POST": frozenset({PUBLIC})}
    throttle_classes: ClassVar[list[type]] = [ScopedRateThrottle]  # type: ignore[misc]
    throttle_scope = "signup"
    error_responses: ClassVar = {
        "POST": {409: "The Idempotency-Key was used with another body", 429: "Too many attempts"}
    }

    class Input(serializers.Serializer):
        phone = PhoneNumberField(region="CN")
        password = serializers.CharField(max_length=128, min_length=8, trim_whitespace=False)
        name = serializers.CharField(max_length=150)
        visitor_id = serializers.CharField(
            max_length=VISITOR_ID_MAX_LENGTH,
            required=False,
            allow_blank=True,
            default="",
            help_text="the app's visitor id (else the visitor cookie): what it did before counts for the member",
        )

    class Output(serializers.Serializer):
        username = serializers.CharField(help_text="the phone in E.164 form: sign in with it")
        detail = serializers.CharField()

    @extend_schema(request=Input, responses={201: Output}, auth=[])
    def post(self, request: TenantApiRequest) -> HttpResponseBase:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        phone = data.validated_data["phone"].as_e164
        if count_sign_up_attempt(request._request, phone) is not None:
            # answered, not raised: an error answer rolls the request back, and the count with it
            return lockout_response(request._request)
        return self._sign_up(request, phone=phone, values=data.validated_data)

    @idempotent
    def _sign_up(self, request: TenantApiRequest, *, phone: str, values: dict[str, Any]) -> Response:
        sign_up_consumer(
            tenant=request.tenant,
            data=SignUp(
                phone=phone,
                password=values["password"],
                name=values["name"],
                visitor_id=values["visitor_id"] or visitor_id(request._request),
            ),
        )
        detail = _("Sign in with this phone number and your password.")
        return Response(self.Output({"username": phone, "detail": detail}).data, status=status.HTTP_201_CREATED)


class JoinApi(TenantApi):
    """POST /api/v1/auth/join/: the signed-in caller becomes a consumer of this brand (201; 200 when
    they were one already). How a person with an account elsewhere joins after a real log-in."""

    allowed_roles: ClassVar = {"POST": frozenset({PUBLIC})}
    error_responses: ClassVar = {"POST": {401: "Not signed in"}}

    class Output(serializers.Serializer):
        tenant = serializers.SlugField()
        roles = serializers.ListField(child=serializers.CharField())

    @extend_schema(request=None, responses={200: Output, 201: Output})
    def post(self, request: TenantApiRequest) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        joined = join_brand_as_consumer(
            tenant=request.tenant, user=request.user, visitor_id=visitor_id(request._request)
        )
        roles = sorted(roles_of(tenant=request.tenant, user=request.user))
        body = self.Output({"tenant": request.tenant.slug, "roles": roles}).data
        return Response(body, status=status.HTTP_201_CREATED if joined else status.HTTP_200_OK)


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
            "roles": sorted(request.actor.roles),
        }
        return Response(self.Output(body).data)
