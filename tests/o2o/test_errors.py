"""The error contract (api.md Errors): every error body is `{code, detail}`; a 400 adds `errors`."""

import pytest
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope

SETTINGS = "/api/v1/settings/"


@pytest.mark.django_db
def test_a_malformed_json_body_is_a_400_parse_error(api, tenant, hq_admin):
    # when a body that is not JSON is sent as JSON
    response = api(hq_admin, tenant).patch(SETTINGS, '{"accept_within_minutes": ', content_type="application/json")
    # then it is a 400 saying why, and nothing changes
    detail = "JSON parse error - Expecting value: line 1 column 27 (char 26)"
    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "detail": detail, "errors": {"non_field_errors": [detail]}}
    assert Tenant.objects.get(slug="alpha").accept_within_minutes == 15


@pytest.mark.django_db
def test_a_malformed_json_body_on_a_public_endpoint_is_a_400_too():
    # when the token endpoint gets broken JSON
    response = APIClient().post("/api/v1/auth/token/", "{bad", content_type="application/json")
    # then it is a parse error, not a 500
    detail = "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "detail": detail, "errors": {"non_field_errors": [detail]}}


@pytest.mark.django_db
def test_an_unsupported_media_type_is_a_415_with_the_error_body(api, tenant, hq_admin):
    # when the body is sent as XML
    response = api(hq_admin, tenant).patch(SETTINGS, "<a/>", content_type="application/xml")
    # then it is refused with the error body
    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "detail": 'Unsupported media type "application/xml" in request.',
    }


@pytest.mark.django_db
def test_an_anonymous_caller_on_a_protected_endpoint_gets_401(api, tenant):
    # when nobody signed in calls an HQ endpoint
    response = api(None, tenant).get(SETTINGS)
    # then it is a 401 telling how to authenticate
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "detail": "Authentication credentials were not provided."}
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_bad_token_gets_401(tenant):
    # given a client with a token that does not exist
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef", HTTP_X_TENANT="alpha")
    # when it calls an HQ endpoint
    response = client.get(SETTINGS)
    # then it is a 401
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "detail": "Invalid token."}
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_user_without_a_role_in_the_brand_gets_403_no_role(api, tenant, make_user):
    # given a signed-in user who holds no role in alpha
    stranger = make_user(None, username="stranger")
    # when they call alpha's endpoints
    response = api(stranger, tenant).get("/api/v1/me/")
    # then it is a 403 no_role
    assert response.status_code == 403
    assert response.json() == {"code": "no_role", "detail": "You hold no role in this brand."}


@pytest.mark.django_db
def test_an_unknown_brand_is_a_404_tenant_not_found(api, tenant, hq_admin):
    # when the X-Tenant header names a brand that does not exist
    response = api(hq_admin, "nosuch").get(SETTINGS)
    # then it is a 404 naming it
    assert response.status_code == 404
    assert response.json() == {"code": "tenant_not_found", "detail": "No brand named 'nosuch'."}


@pytest.mark.django_db
def test_a_deactivated_brand_is_a_404_like_an_unknown_one(api, tenant, hq_admin):
    # given a brand that was switched off
    with tenant_scope(tenant):  # the application updates only the brand of its scope
        Tenant.objects.filter(pk=tenant.pk).update(is_active=False)
    # when its admin calls it
    response = api(hq_admin, tenant).get(SETTINGS)
    # then it does not exist
    assert response.status_code == 404
    assert response.json() == {"code": "tenant_not_found", "detail": "No brand named 'alpha'."}


@pytest.mark.django_db
def test_a_tenant_endpoint_without_a_brand_is_a_404_tenant_not_found(api, hq_admin):
    # when no brand is named at all
    response = api(hq_admin).get(SETTINGS)
    # then the caller is told to name one
    assert response.status_code == 404
    assert response.json() == {
        "code": "tenant_not_found",
        "detail": "Name the brand in the X-Tenant header or the host prefix.",
    }


@pytest.mark.django_db
def test_the_wrong_role_gets_403_permission_denied(api, tenant, make_user):
    # given a consumer of alpha
    consumer = make_user(tenant, Role.CONSUMER)
    # when they call an HQ endpoint
    response = api(consumer, tenant).get(SETTINGS)
    # then it is a 403 permission_denied
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "detail": "Your role in this brand may not do this."}


@pytest.mark.django_db
def test_a_method_a_public_endpoint_lacks_is_a_405_with_the_error_body():
    # when the token endpoint is read instead of posted to
    response = APIClient().get("/api/v1/auth/token/")
    # then it is a 405 in the error format
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "detail": 'Method "GET" not allowed.'}
    assert response.headers["Allow"] == "POST, OPTIONS"


@pytest.mark.django_db
def test_a_method_a_tenant_endpoint_lacks_is_a_405_not_a_role_error(api, tenant, hq_admin):
    # when the HQ admin PUTs the settings, which only take GET and PATCH
    response = api(hq_admin, tenant).put(SETTINGS, {"accept_within_minutes": 20}, format="json")
    # then it is a 405, and nothing changes
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "detail": 'Method "PUT" not allowed.'}
    assert response.headers["Allow"] == "GET, PATCH, HEAD, OPTIONS"
    assert Tenant.objects.get(slug="alpha").accept_within_minutes == 15


@pytest.mark.django_db
def test_an_unknown_brand_is_answered_before_the_method(api, hq_admin):
    # when an unsupported method names an unknown brand
    response = api(hq_admin, "nosuch").put(SETTINGS, {}, format="json")
    # then the brand is what is wrong
    assert response.status_code == 404
    assert response.json()["code"] == "tenant_not_found"


@pytest.mark.django_db
def test_a_missing_object_is_a_404_with_the_error_body(api, tenant, hq_admin):
    # when the admin asks for a role that does not exist
    response = api(hq_admin, tenant).get("/api/v1/roles/424242/")
    # then it is a 404 in the error format
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such role."}


@pytest.mark.django_db
def test_a_page_past_the_end_is_a_404_with_the_error_body(api, tenant, hq_admin):
    # when the admin asks for a page of roles that does not exist
    response = api(hq_admin, tenant).get("/api/v1/roles/?page=9")
    # then it is a 404 in the error format
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Invalid page."}


@pytest.mark.django_db
def test_the_token_of_a_deactivated_user_gets_401(api, tenant, hq_admin):
    # given an HQ admin's token that works
    client = api(hq_admin, tenant)
    assert client.get(SETTINGS).status_code == 200
    # when the admin is deactivated
    User.objects.filter(pk=hq_admin.pk).update(is_active=False)
    # then the token no longer signs them in
    response = client.get(SETTINGS)
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "detail": "User inactive or deleted."}
