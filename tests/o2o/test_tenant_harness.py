"""Cross-tenant and role coverage of every endpoint and page, found by walking the URL configuration.

Another brand's object is a 404 exactly like a missing one; a list never shows a foreign row; a
write naming a foreign id is refused and writes nothing; a user without a role in the brand gets
403; a role a view does not allow gets 403; an unknown brand is a 404.
"""

from __future__ import annotations

from typing import cast

import pytest
from django.test import Client

from o2o.api.permissions import PUBLIC
from o2o.choices import ALL_ROLES, Role
from o2o.tenancy import tenant_scope
from tests.harness import (
    FOREIGN_WRITES,
    NO_FOREIGN_REFERENCES,
    SINGLE_OBJECTS,
    a_permitted_role,
    api_endpoints,
    make_foreign,
    portal_pages,
    role_user,
)

API = [e for e in api_endpoints() if e.tenant_scoped]
API_CALLS = [(e, m) for e in API for m in e.methods]
PAGES = portal_pages()


def _id(value: object) -> str:
    return str(value)


def _call(client, method: str, path: str, body: dict | None = None):
    return getattr(client, method.lower())(path, body or {}, format="json")


# The brand is named by the X-Tenant header or by the host prefix: the walls hold both ways.
BRAND_BY = ["header", "host"]


def _brand_client(api, user, tenant, by: str):
    if by == "header":
        return api(user, tenant)
    client = api(user, None)
    client.defaults["HTTP_HOST"] = f"{tenant.slug}.localhost"
    return client


def test_the_harness_finds_the_endpoints_and_pages_it_must_cover():
    # then the walk reaches the foundation's API views and portal pages (a broken walk covers nothing)
    routes = {str(e) for e in API}
    assert {"/api/v1/me/", "/api/v1/settings/", "/api/v1/roles/", "/api/v1/roles/<int:role_id>/"} <= routes
    assert {"/", "/hq/", "/store/", "/guide/"} <= {str(p) for p in PAGES}


@pytest.mark.parametrize("endpoint", API, ids=_id)
def test_every_api_view_declares_roles_for_each_of_its_methods_and_is_named(endpoint):
    assert endpoint.name, f"{endpoint} has no URL name"
    for method in endpoint.methods:
        roles = endpoint.roles(method)
        assert roles, f"{endpoint} {method} declares no allowed_roles"
        assert roles <= ALL_ROLES | {PUBLIC}, f"{endpoint} {method} names an unknown role: {roles}"


@pytest.mark.parametrize("endpoint", [e for e in API if any(m in e.methods for m in ("POST", "PUT", "PATCH"))], ids=_id)
def test_every_write_endpoint_is_checked_for_foreign_references(endpoint):
    assert endpoint.name in FOREIGN_WRITES or endpoint.name in NO_FOREIGN_REFERENCES, (
        f"{endpoint}: add a body naming foreign ids to FOREIGN_WRITES (or a reason to NO_FOREIGN_REFERENCES)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "method"), API_CALLS, ids=_id)
def test_an_unknown_brand_is_404(api, hq_admin, endpoint, method):
    response = _call(api(hq_admin, "no-such-brand"), method, endpoint.path())
    assert response.status_code == 404
    assert response.json()["code"] == "tenant_not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("by", BRAND_BY)
@pytest.mark.parametrize(("endpoint", "method"), [c for c in API_CALLS if PUBLIC not in c[0].roles(c[1])], ids=_id)
def test_anonymous_is_401_and_a_user_of_another_brand_is_403(api, tenant, other_tenant, endpoint, method, by):
    # given an HQ admin of the other brand only
    outsider = role_user(other_tenant, Role.HQ_ADMIN, "outsider")
    # then anonymous callers must sign in, and the outsider holds no role here
    assert _call(_brand_client(api, None, tenant, by), method, endpoint.path()).status_code == 401
    response = _call(_brand_client(api, outsider, tenant, by), method, endpoint.path())
    assert response.status_code == 403
    assert response.json()["code"] == "no_role"


@pytest.mark.django_db
def test_a_header_naming_another_brand_than_the_host_is_checked_against_the_header(api, tenant, other_tenant):
    # given an HQ admin of alpha only, calling on alpha's host while naming beta in the header
    admin = role_user(tenant, Role.HQ_ADMIN, "alpha-only")
    client = api(admin, other_tenant)
    client.defaults["HTTP_HOST"] = f"{tenant.slug}.localhost"
    # then the call is beta's, where they hold no role
    response = client.get("/api/v1/roles/")
    assert (response.status_code, response.json()["code"]) == (403, "no_role")


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "method"), [c for c in API_CALLS if PUBLIC not in c[0].roles(c[1])], ids=_id)
def test_each_role_the_view_does_not_allow_is_403(api, tenant, endpoint, method):
    allowed = endpoint.roles(method)
    for role in sorted(ALL_ROLES - allowed):
        user = role_user(tenant, role, f"only-{role}")
        response = _call(api(user, tenant), method, endpoint.path())
        assert response.status_code == 403, f"{role} got {response.status_code} on {method} {endpoint}"
        assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
@pytest.mark.parametrize("by", BRAND_BY)
@pytest.mark.parametrize(("endpoint", "method"), [c for c in API_CALLS if c[0].int_args], ids=_id)
def test_another_brands_object_is_404_and_stays_unchanged(api, tenant, other_tenant, endpoint, method, in_tenant, by):
    # given a row of the other brand, and a caller whose role may use this endpoint in its own brand
    assert endpoint.view.resource_model is not None, f"{endpoint} must name its resource_model"
    foreign = make_foreign(endpoint.view.resource_model, other_tenant)
    caller = role_user(tenant, cast(str, a_permitted_role(endpoint, method)), "caller")
    with in_tenant(other_tenant):
        before = endpoint.view.resource_model.objects.filter(pk=foreign.pk).values().first()
    # when the caller names it
    path = endpoint.path(**dict.fromkeys(endpoint.int_args, foreign.pk))
    response = _call(_brand_client(api, caller, tenant, by), method, path)
    # then it does not exist for them, and it is untouched
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    with in_tenant(other_tenant):
        assert endpoint.view.resource_model.objects.filter(pk=foreign.pk).values().first() == before


LISTS = [e for e in API if "GET" in e.methods and not e.int_args and e.view.resource_model]


@pytest.mark.django_db
@pytest.mark.parametrize("by", BRAND_BY)
@pytest.mark.parametrize("endpoint", [e for e in LISTS if e.name not in SINGLE_OBJECTS], ids=_id)
def test_a_list_never_contains_a_foreign_row(api, tenant, other_tenant, endpoint, by):
    # given one row in each brand
    model = endpoint.view.resource_model
    own = make_foreign(model, tenant)
    foreign = make_foreign(model, other_tenant)
    caller = role_user(tenant, cast(str, a_permitted_role(endpoint, "GET")), "lister")
    # when the caller lists
    response = _brand_client(api, caller, tenant, by).get(endpoint.path(), {"page_size": 500})
    # then its own row is there and the foreign one is not
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert own.pk in ids
    assert foreign.pk not in ids


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FOREIGN_WRITES), ids=_id)
def test_a_write_naming_a_foreign_id_is_refused_and_writes_nothing(api, tenant, other_tenant, name):
    endpoint = next(e for e in API if e.name == name)
    method = next(m for m in ("POST", "PUT", "PATCH") if m in endpoint.methods)
    caller = role_user(tenant, cast(str, a_permitted_role(endpoint, method)), "writer")
    body = FOREIGN_WRITES[name](tenant, other_tenant)
    model = endpoint.view.resource_model
    with tenant_scope(tenant):
        before = model.objects.count()
    response = _call(api(caller, tenant), method, endpoint.path(), body)
    assert response.status_code in {400, 404}, response.content
    with tenant_scope(tenant):
        assert model.objects.count() == before


# --- portal pages -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in PAGES if PUBLIC not in p.roles("GET")], ids=_id)
def test_a_portal_page_sends_anonymous_visitors_to_login(tenant, page):
    response = Client(HTTP_HOST=f"{tenant.slug}.localhost").get(page.path())
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_a_portal_page_of_an_unknown_brand_is_404(page):
    assert Client(HTTP_HOST="no-such-brand.localhost").get(page.path()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in PAGES if PUBLIC not in p.roles("GET")], ids=_id)
def test_a_portal_page_refuses_other_brands_and_other_roles(tenant, other_tenant, page):
    allowed = page.roles("GET")
    callers = [(role_user(other_tenant, Role.HQ_ADMIN, "outsider"), "no role here")]
    callers += [(role_user(tenant, role, f"only-{role}"), role) for role in sorted(ALL_ROLES - allowed)]
    for user, who in callers:
        client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
        client.force_login(user)
        assert client.get(page.path()).status_code == 403, who
    if page.int_args:
        return  # its own object's page is shown by the app's page tests; a foreign one is checked below
    for role in sorted(allowed):
        client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
        client.force_login(role_user(tenant, role, f"allowed-{role}"))
        assert client.get(page.path()).status_code == 200, role


@pytest.mark.django_db
@pytest.mark.parametrize("page", [p for p in PAGES if p.int_args], ids=_id)
def test_a_portal_page_of_another_brands_object_is_404(tenant, other_tenant, page):
    # given a row of the other brand and a caller whose role may see such pages in its own brand
    model = getattr(page.view, "resource_model", None)
    assert model is not None, f"{page}: set `resource_model` on the view so the harness can make a foreign row"
    foreign = make_foreign(model, other_tenant)
    role = a_permitted_role(page, "GET")
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    if role is not None:
        client.force_login(role_user(tenant, role, "caller"))
    # when the caller opens the page of the foreign row, then it does not exist for them
    assert client.get(page.path(**dict.fromkeys(page.int_args, foreign.pk))).status_code == 404
