"""Token login and consumer sign-up (api.md Auth)."""

import pytest
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.models import ApiToken, TenantRole, User
from o2o.services import grant_role
from o2o.tokens import token_digest

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
    # when they ask for a token (user, a new token and the retiring of old ones, their roles across
    # brands, the brands)
    with django_assert_num_queries(11):
        response = APIClient().post(TOKEN, {"username": "li", "password": "pw-secret-42"}, format="json")
    # then they get a new token, stored as its digest only, and the two brands, by name
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json() == {"token": key, "tenants": ["alpha", "beta"]}
    assert list(ApiToken.objects.filter(user=user).values_list("digest", flat=True)) == [token_digest(key)]


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
    assert not ApiToken.objects.filter(user=user).exists()


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
    assert not ApiToken.objects.filter(user=user).exists()


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
