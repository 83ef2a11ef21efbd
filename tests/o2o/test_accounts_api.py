"""Token login and consumer sign-up (api.md Auth)."""

import time

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from o2o.choices import Role
from o2o.models import TenantRole, User
from o2o.services import grant_role

TOKEN = "/api/v1/auth/token/"
SIGNUP = "/api/v1/auth/signup/"
BODY = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}


def roles_in(in_tenant, tenant):
    with in_tenant(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


# --- token login ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_login_lists_exactly_the_brands_where_the_user_holds_a_role(
    make_tenant, tenant, other_tenant, make_user, in_tenant, django_assert_num_queries
):
    # given a user with roles in alpha and beta, and a third brand where they have none
    make_tenant("gamma", name="Gamma Optics")
    user = make_user(tenant, Role.HQ_STAFF, username="li", password="pw-secret-42")
    with in_tenant(other_tenant):
        grant_role(tenant=other_tenant, user=user, role=Role.CONSUMER)
    # when they ask for a token (user, token get-or-create, their roles across brands, the brands)
    with django_assert_num_queries(11):
        response = APIClient().post(TOKEN, {"username": "li", "password": "pw-secret-42"}, format="json")
    # then they get their token and the two brands, by name
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key, "tenants": ["alpha", "beta"]}


@pytest.mark.django_db
def test_a_token_from_login_authenticates_later_calls(tenant, make_user):
    # given an HQ admin who logged in
    user = make_user(tenant, Role.HQ_ADMIN, username="boss", password="pw-secret-42")
    token = APIClient().post(TOKEN, {"username": "boss", "password": "pw-secret-42"}, format="json").json()["token"]
    # when they call the API with it
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_TENANT="alpha")
    response = client.get("/api/v1/me/")
    # then they are recognised in the brand
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "boss",
        "name": "Test User",
        "tenant": "alpha",
        "roles": [Role.HQ_ADMIN],
    }


@pytest.mark.django_db
def test_a_user_without_roles_gets_a_token_and_no_brands(make_user):
    # given a user who works for no brand
    make_user(None, username="nobody", password="pw-secret-42")
    # when they log in
    response = APIClient().post(TOKEN, {"username": "nobody", "password": "pw-secret-42"}, format="json")
    # then the token comes with an empty list of brands
    assert response.status_code == 200
    assert response.json()["tenants"] == []


@pytest.mark.django_db
def test_a_wrong_password_is_refused_and_gives_no_token(tenant, make_user):
    # given a user
    user = make_user(tenant, Role.HQ_STAFF, username="li", password="pw-secret-42")
    # when they give a wrong password
    response = APIClient().post(TOKEN, {"username": "li", "password": "wrong-one"}, format="json")
    # then it is a 400 with no token created
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_credentials",
        "detail": "Unable to sign in with the username and password given.",
        "errors": {"non_field_errors": ["Unable to sign in with the username and password given."]},
    }
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_inactive_user_cannot_get_a_token(tenant, make_user):
    # given a deactivated user
    user = make_user(tenant, Role.HQ_STAFF, username="gone", password="pw-secret-42")
    User.objects.filter(pk=user.pk).update(is_active=False)
    # when they log in with the right password
    response = APIClient().post(TOKEN, {"username": "gone", "password": "pw-secret-42"}, format="json")
    # then they are refused like a wrong password
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert not Token.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_missing_field_is_a_400_naming_it():
    # when the password is left out
    response = APIClient().post(TOKEN, {"username": "li"}, format="json")
    # then the field is named
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input: password.",
        "errors": {"password": ["This field is required."]},
    }


# --- sign-up ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_up_creates_the_consumer_with_the_e164_phone_as_username(
    api, tenant, other_tenant, in_tenant, django_assert_num_queries
):
    # when a consumer signs up in brand alpha with a national phone number
    # (19 queries, savepoints included, for the account, its role and token; 8 more are the
    # members app creating the membership on `consumer_signed_up`)
    with django_assert_num_queries(27):
        response = api(None, tenant).post(SIGNUP, BODY, format="json")
    # then the account exists under the E.164 phone, with a token, as a consumer of alpha only
    assert response.status_code == 201
    user = User.objects.get()
    assert response.json() == {
        "id": user.pk,
        "username": "+8613800138000",
        "name": "Li Lei",
        "token": Token.objects.get(user=user).key,
    }
    assert str(user.phone) == "+8613800138000"
    assert user.check_password("Str0ng-pass-2026")
    assert roles_in(in_tenant, tenant) == [("+8613800138000", Role.CONSUMER)]
    assert roles_in(in_tenant, other_tenant) == []


@pytest.mark.django_db
def test_the_sign_up_token_works_at_once(api, tenant):
    # given a new consumer
    token = api(None, tenant).post(SIGNUP, BODY, format="json").json()["token"]
    # when they call the API with their token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_TENANT="alpha")
    response = client.get("/api/v1/me/")
    # then they are a consumer of the brand
    assert response.status_code == 200
    assert response.json()["roles"] == [Role.CONSUMER]


@pytest.mark.django_db
def test_a_bad_phone_is_a_400_naming_phone_and_creates_nothing(api, tenant, in_tenant):
    # when the phone is not a phone number
    response = api(None, tenant).post(SIGNUP, {**BODY, "phone": "12345"}, format="json")
    # then phone is named and nothing is created
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input: phone.",
        "errors": {"phone": ["Enter a valid phone number."]},
    }
    assert User.objects.count() == 0
    assert roles_in(in_tenant, tenant) == []


@pytest.mark.django_db
def test_a_short_password_is_a_400_naming_password_and_creates_nothing(api, tenant, in_tenant):
    # when the password is too short
    response = api(None, tenant).post(SIGNUP, {**BODY, "password": "Ab1-x"}, format="json")
    # then password is named and nothing is created
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input: password.",
        "errors": {"password": ["Ensure this field has at least 8 characters."]},
    }
    assert User.objects.count() == 0
    assert roles_in(in_tenant, tenant) == []


@pytest.mark.django_db
def test_a_common_password_is_a_400_naming_password_and_creates_nothing(api, tenant, in_tenant):
    # when the password is long enough but one everybody uses
    response = api(None, tenant).post(SIGNUP, {**BODY, "password": "password123"}, format="json")
    # then password is named and nothing is created
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "This password is too common.",
        "errors": {"password": ["This password is too common."]},
    }
    assert User.objects.count() == 0
    assert roles_in(in_tenant, tenant) == []


@pytest.mark.django_db
def test_a_missing_name_is_a_400_naming_name(api, tenant):
    # when the name is left out
    response = api(None, tenant).post(SIGNUP, {"phone": "13800138000", "password": "Str0ng-pass-2026"}, format="json")
    # then name is named and nothing is created
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["This field is required."]}
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sign_up_in_an_unknown_brand_is_a_404(api, tenant):
    # when the X-Tenant header names no brand
    response = api(None, "nosuch").post(SIGNUP, BODY, format="json")
    # then it is tenant_not_found and nothing is created
    assert response.status_code == 404
    assert response.json() == {"code": "tenant_not_found", "detail": "No brand named 'nosuch'."}
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sign_up_without_naming_a_brand_is_a_404(api, tenant):
    # when no brand is named at all
    response = api().post(SIGNUP, BODY, format="json")
    # then it is tenant_not_found and nothing is created
    assert response.status_code == 404
    assert response.json() == {
        "code": "tenant_not_found",
        "detail": "Name the brand in the X-Tenant header or the host prefix.",
    }
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_consumer_of_one_brand_joins_another_with_the_right_password(api, tenant, other_tenant, in_tenant):
    # given a consumer of alpha
    first = api(None, tenant).post(SIGNUP, BODY, format="json")
    # when they sign up in beta with the same phone and password
    response = api(None, other_tenant).post(SIGNUP, {**BODY, "name": "Another name"}, format="json")
    # then the same account joins beta, keeping its name
    assert response.status_code == 201
    assert response.json()["id"] == first.json()["id"]
    assert response.json()["name"] == "Li Lei"
    assert User.objects.count() == 1
    assert roles_in(in_tenant, tenant) == [("+8613800138000", Role.CONSUMER)]
    assert roles_in(in_tenant, other_tenant) == [("+8613800138000", Role.CONSUMER)]


@pytest.mark.django_db
def test_a_consumer_of_one_brand_with_a_wrong_password_cannot_join_another(api, tenant, other_tenant, in_tenant):
    # given a consumer of alpha
    api(None, tenant).post(SIGNUP, BODY, format="json")
    # when someone signs up in beta with that phone and another password
    response = api(None, other_tenant).post(SIGNUP, {**BODY, "password": "Other-pass-2026"}, format="json")
    # then it is refused and beta has no consumer
    assert response.status_code == 409
    assert response.json() == {
        "code": "phone_taken",
        "detail": "This phone number is registered already: sign in instead.",
    }
    assert User.objects.get().check_password("Str0ng-pass-2026")
    assert roles_in(in_tenant, other_tenant) == []


@pytest.mark.django_db
def test_a_member_signing_up_again_gets_the_same_answer_whatever_the_password(api, tenant, in_tenant):
    # given a consumer of alpha
    api(None, tenant).post(SIGNUP, BODY, format="json")
    # when the phone signs up in alpha again with the right and with a wrong password
    right = api(None, tenant).post(SIGNUP, BODY, format="json")
    wrong = api(None, tenant).post(SIGNUP, {**BODY, "password": "Other-pass-2026"}, format="json")
    # then both answers are the same (sign-up does not tell whether a password is right)
    assert (right.status_code, right.json()) == (wrong.status_code, wrong.json())
    assert right.json() == {
        "code": "phone_taken",
        "detail": "This phone number is registered already: sign in instead.",
    }
    assert roles_in(in_tenant, tenant) == [("+8613800138000", Role.CONSUMER)]


@pytest.fixture
def signup_rate_two_per_minute(monkeypatch):
    # DRF copies the rates into SimpleRateThrottle.THROTTLE_RATES when it is imported, so
    # override_settings alone would not reach it: patch the class attribute the throttle reads.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, "signup": "2/min"})
    # and stop the throttle's clock: the wait it answers (the minute less the time since the first
    # request) then does not depend on how long the requests took on a loaded machine
    stopped = time.time()
    monkeypatch.setattr(ScopedRateThrottle, "timer", staticmethod(lambda: stopped))
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("signup_rate_two_per_minute")
def test_the_third_sign_up_in_a_minute_is_throttled(api, tenant, in_tenant):
    # given two sign-ups from one address within the minute
    first = api(None, tenant).post(SIGNUP, BODY, format="json")
    second = api(None, tenant).post(SIGNUP, {**BODY, "phone": "13900139000"}, format="json")
    # when a third comes
    third = api(None, tenant).post(SIGNUP, {**BODY, "phone": "13700137000"}, format="json")
    # then it is throttled and not executed
    assert [first.status_code, second.status_code, third.status_code] == [201, 201, 429]
    assert third.json()["code"] == "throttled"
    assert third.json()["detail"] == "Request was throttled. Expected available in 60 seconds."
    assert third.headers["Retry-After"] == "60"
    assert sorted(User.objects.values_list("username", flat=True)) == ["+8613800138000", "+8613900139000"]
    assert roles_in(in_tenant, tenant) == [
        ("+8613800138000", Role.CONSUMER),
        ("+8613900139000", Role.CONSUMER),
    ]
