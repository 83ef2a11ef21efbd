"""Bodies the API refuses before any view reads them (api.md Errors: never a 500 for bad input):
JSON nested too deep, a form with too many fields, a body too large. Each is the contract's JSON
error body, for anonymous callers too, and writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.models import Store
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
TOO_DEEP = "The JSON is nested more than 32 levels deep."


def nested(depth: int) -> str:
    """JSON arrays nested `depth` deep: `[[...]]`."""
    return "[" * depth + "]" * depth


def error(code: str, detail: str, *, with_errors: bool = True) -> dict:
    body = {"code": code, "detail": detail}
    return {**body, "errors": {"non_field_errors": [detail]}} if with_errors else body


def orders_of(tenant) -> list[int]:
    with tenant_scope(tenant):
        return list(Order.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
def test_json_nested_too_deep_is_a_400_for_an_anonymous_checkout(api, tenant, depth):
    # when an anonymous caller sends a checkout nested `depth` deep (a thousand used to be a 500)
    response = api(None, tenant).post(ORDERS, nested(depth), content_type="application/json")
    # then it is a 400 saying why, and no order is made
    assert (response.status_code, response.json()) == (400, error("parse_error", TOO_DEEP))
    assert orders_of(tenant) == []


def test_json_nested_too_deep_is_a_400_outside_any_brand_too():
    # when the sign-in endpoint gets an object nested a thousand deep
    body = '{"username": "a", "password": ' + nested(1_000) + "}"
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    # then it is the same 400
    assert (response.status_code, response.json()) == (400, error("parse_error", TOO_DEEP))


def test_json_nested_32_deep_is_read(api, tenant, hq_admin):
    # given a store
    with tenant_scope(tenant):
        store = make_store(tenant, code="SH01", name="People's Square")
    # when HQ renames it with a body nested 32 deep (an ignored field holds 31 levels)
    body = '{"name": "Nanjing Road", "note": ' + nested(31) + "}"
    response = api(hq_admin, tenant).patch(f"/api/v1/stores/{store.pk}/", body, content_type="application/json")
    # then the body is read and the store renamed
    assert (response.status_code, response.json()["name"]) == (200, "Nanjing Road")
    with tenant_scope(tenant):
        assert list(Store.objects.values_list("name", flat=True)) == ["Nanjing Road"]


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_body_over_the_upload_limit_is_a_413(api, tenant, content_type):
    # given a body of 1,001 bytes where 1,000 are allowed
    body = '{"visitor_id": "' + "x" * 983 + '"}' if content_type == "application/json" else "v=" + "x" * 999
    assert len(body) == 1_001
    # when an anonymous caller sends it to the checkout
    response = api(None, tenant).post(ORDERS, body, content_type=content_type)
    # then it is a 413 with the error body, and no order is made
    detail = "The request body is too large."
    assert (response.status_code, response.json()) == (413, error("too_large", detail, with_errors=False))
    assert orders_of(tenant) == []


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_multipart_field_over_the_upload_limit_is_a_413(api, tenant):
    # when an anonymous caller sends a checkout form with a field of 1,001 bytes
    response = api(None, tenant).post(ORDERS, {"visitor_id": "x" * 1_001}, format="multipart")
    # then it is a 413 with the error body
    detail = "The request body is too large."
    assert (response.status_code, response.json()) == (413, error("too_large", detail, with_errors=False))
    assert orders_of(tenant) == []


@pytest.mark.parametrize("body_format", ["multipart", "urlencoded"])
def test_a_form_with_more_than_a_thousand_fields_is_a_400_with_the_error_body(api, tenant, body_format):
    # given a form of 1,001 fields (Django reads 1,000 at most)
    fields = {f"f{n}": "1" for n in range(1_001)}
    client = api(None, tenant)
    # when an anonymous caller sends it to the checkout (it used to get Django's HTML 400 page)
    if body_format == "multipart":
        response = client.post(ORDERS, fields, format="multipart")
    else:
        urlencoded = "&".join(f"{name}={value}" for name, value in fields.items())
        response = client.post(ORDERS, urlencoded, content_type="application/x-www-form-urlencoded")
    # then it is a JSON 400 saying why, and no order is made
    detail = "The request has too many fields or files."
    assert response["Content-Type"] == "application/json"
    assert (response.status_code, response.json()) == (400, error("too_many_fields", detail))
    assert orders_of(tenant) == []


def test_a_request_django_refuses_before_the_api_is_a_json_400_on_api_paths_only():
    # when a request names a host the site does not serve, on an API path and on a portal page
    api_response = Client(HTTP_HOST="evil.example").get("/api/v1/stores/")
    page = Client(HTTP_HOST="evil.example").get("/login/")
    # then the API path answers the JSON error body, the page Django's 400 page
    assert (api_response.status_code, api_response.json()) == (400, error("bad_request", "Bad request."))
    assert (page.status_code, page["Content-Type"]) == (400, "text/html; charset=utf-8")
