"""The OpenAPI schema and the API docs; then Schemathesis fuzzes every operation of the schema
in-process, as an HQ admin of a brand with data: never a 500, and every response (status code,
content type and body) is the one the schema documents.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from o2o.choices import Role
from o2o.tenancy import tenant_scope
from o2o.tokens import issue_token

OPENAPI_JSON = "application/vnd.oai.openapi+json"
# The fuzzing budget: examples per operation, and the coverage phase (every boundary and every
# enum value: thorough, and ten times slower) for a deeper run: O2O_FUZZ_COVERAGE=1.
MAX_EXAMPLES = int(os.environ.get("O2O_FUZZ_MAX_EXAMPLES", "12"))
COVERAGE_PHASE = os.environ.get("O2O_FUZZ_COVERAGE", "") not in {"", "0"}


def _schema() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    return response.json()


def _response(operation: dict[str, Any], code: str) -> dict[str, Any]:
    return operation["responses"][code]


@pytest.mark.django_db
def test_the_schema_is_openapi_3_with_the_contracts_paths():
    # when the schema is fetched
    schema = _schema()
    # then it is OpenAPI 3 and names the foundation's operations
    assert re.fullmatch(r"3\.\d+\.\d+", schema["openapi"])
    assert schema["info"]["title"] == "O2O platform API"
    assert {"/api/v1/auth/token/", "/api/v1/settings/", "/api/v1/roles/", "/api/v1/roles/{role_id}/"} <= set(
        schema["paths"]
    )
    assert sorted(schema["paths"]["/api/v1/roles/{role_id}/"]) == ["delete", "get"]
    assert sorted(schema["paths"]["/api/v1/settings/"]) == ["get", "patch"]


@pytest.mark.django_db
def test_the_schema_documents_the_error_bodies_and_the_tenant_header():
    # when the schema is fetched
    schema = _schema()
    role_detail = schema["paths"]["/api/v1/roles/{role_id}/"]
    role_list = schema["paths"]["/api/v1/roles/"]
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    error = {"$ref": "#/components/schemas/Error"}
    # then a missing or foreign object is a documented 404 with the error body, invalid input a
    # 400 with the validation body, and so on
    assert _response(role_detail["get"], "404") == {
        "content": {"application/json": {"schema": error}},
        "description": "Unknown brand, or no such object in it",
    }
    assert _response(role_detail["delete"], "409") == {
        "content": {"application/json": {"schema": error}},
        "description": "The brand's last HQ admin",
    }
    assert _response(role_list["post"], "400") == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationError"}}},
        "description": "Invalid input",
    }
    assert sorted(role_detail["get"]["responses"]) == ["200", "401", "403", "404", "429"]
    assert sorted(token["responses"]) == ["200", "400", "404", "415", "429"]
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["code", "detail"]
    assert components["ValidationError"]["required"] == ["code", "detail", "errors"]
    # a list is the paginated envelope
    assert _response(role_list["get"], "200")["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedRoleOutputList"
    }
    assert components["PaginatedRoleOutputList"]["required"] == ["count", "results"]
    # and every tenant-scoped operation takes the X-Tenant header, the sign-in does not
    headers = [p["name"] for p in role_detail["get"]["parameters"] if p["in"] == "header"]
    assert headers == ["X-Tenant"]
    assert [p for p in token.get("parameters", []) if p["in"] == "header"] == []


@pytest.mark.django_db
def test_the_api_docs_are_served_from_the_sidecar_within_the_content_security_policy():
    # when the docs page is fetched
    response = APIClient().get("/api/docs/")
    page = response.content.decode()
    # then Swagger UI comes from our own static files (no CDN) and every script is a same-origin
    # file, since the Content-Security-Policy (script-src 'self') blocks inline scripts
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts == [
        ' src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"',
        ' src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js"',
        ' src="/api/docs/?script="',
    ]
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js") is not None
    assert "cdn" not in page.lower()
    assert "unpkg" not in page.lower()
    # and the script that starts it points it at our schema
    script = APIClient().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"] == "application/javascript"
    assert '"/api/schema/"' in script.content.decode()


# --- Schemathesis ------------------------------------------------------------------------------


@pytest.fixture
def brand_with_data(db, tenant, other_tenant, hq_admin, make_user) -> dict[str, str]:
    """The headers of an HQ admin of a brand that has staff and consumers (and a foreign brand)."""
    make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    make_user(tenant, Role.HQ_ADMIN, username="alpha-admin-2")
    make_user(tenant, Role.CONSUMER, username="+8613800000001")
    make_user(other_tenant, Role.HQ_ADMIN, username="beta-admin")
    with tenant_scope(tenant):
        assert hq_admin.tenant_roles.count() == 1
    return {"Authorization": f"Token {issue_token(user=hq_admin)}", "X-Tenant": tenant.slug}


@pytest.fixture
def api_schema(brand_with_data: dict[str, str]) -> Iterator[Any]:
    """The schema, loaded from the WSGI application that Schemathesis then calls in-process.

    As Django's test client does, the connection is kept across requests (the real handler would
    close it at the end of each, and with it the test's transaction).
    """
    config = schemathesis.Config.from_dict(
        {"phases": {"coverage": {"enabled": COVERAGE_PHASE}}, "generation": {"mode": "all"}}
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/", get_wsgi_application(), config=config, headers={"Accept": OPENAPI_JSON}
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.postgres
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case, brand_with_data):
    # given any request the schema allows, and many it does not (fuzzed, valid and invalid), as
    # the brand's HQ admin
    # when it is sent to the application
    # then it is never a 500, and the status code, content type and body are the documented ones
    case.call_and_validate(
        headers=brand_with_data,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
