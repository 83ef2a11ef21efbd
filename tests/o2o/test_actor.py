"""The actor of a request (`request.actor`, o2o/tenancy/actor.py): who calls, in this brand.

Each part (roles, staff post, membership) is loaded on first use and at most once per request,
through the resolvers the stores and members apps register at `ready()`; a part nobody asks for
costs nothing. Pages and APIs see the same actor, the API's after its own authentication.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response

from members.services import join_brand
from o2o.api.base import TenantApi
from o2o.choices import ALL_ROLES, Role
from o2o.models import TenantRole
from o2o.tenancy import tenant_scope
from o2o.tenancy.actor import Actor
from o2o.urls import urlpatterns as site_urls
from stores.models import StoreStaff
from tests.stores.factories import make_store

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.o2o.test_actor")]


def who(request: HttpRequest) -> JsonResponse:
    """Asks every part of the actor three times (`?parts=` names which; all by default)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    parts = request.GET.get("parts", "roles,staff_post,membership").split(",")
    seen: dict[str, Any] = {}
    for _ in range(3):
        if "roles" in parts:
            seen["roles"] = sorted(actor.roles)
        if "staff_post" in parts:
            seen["store"] = actor.store_id
        if "membership" in parts:
            member = actor.membership
            seen["member"] = member.pk if member is not None else None
    if "consumer_view" in parts:
        seen["as_consumer_store"] = actor.acting_as({Role.CONSUMER}).store_id
        seen["as_staff_store"] = actor.acting_as({Role.GUIDE, Role.STORE_MANAGER}).store_id
    return JsonResponse(seen)


class WhoApi(TenantApi):
    allowed_roles = {"GET": ALL_ROLES}

    def get(self, request: Request) -> Response:
        actor: Actor = request.actor  # type: ignore[attr-defined]
        return Response({"user": actor.user.get_username(), "roles": sorted(actor.roles), "store": actor.store_id})


urlpatterns = [path("who/", who), path("api/who/", WhoApi.as_view()), *site_urls]


def _reads(captured: list[dict[str, str]], table: str) -> int:
    return sum(1 for query in captured if f'"{table}"' in query["sql"] or f" {table} " in query["sql"])


@pytest.fixture
def guide_and_member(tenant, make_user):
    """A guide of a store who is also a member (a consumer) of the brand."""
    user = make_user(tenant, Role.GUIDE, Role.CONSUMER, username="guide-and-member")
    with tenant_scope(tenant):
        store = make_store(tenant, code="S01")
        StoreStaff.objects.create(tenant=tenant, user=user, store=store, role=Role.GUIDE, code="G1")
        member = join_brand(tenant=tenant, phone="+8613900000009", name="Both", user=user)
    return user, store, member


def test_each_part_is_loaded_once_per_request_however_often_it_is_asked(tenant, guide_and_member):
    # given a guide who is also a member, signed in
    user, store, member = guide_and_member
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)

    # when a page asks for each part of the actor three times
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/who/")
        captured = list(queries.captured_queries)

    # then it has them all, each read once
    assert response.json() == {"roles": ["consumer", "guide"], "store": store.pk, "member": member.pk}
    assert _reads(captured, "o2o_tenantrole") == 1
    assert _reads(captured, "stores_storestaff") == 1
    assert _reads(captured, "members_member") == 1


def test_a_part_nobody_asks_for_costs_nothing(tenant, guide_and_member):
    user, _store, _member = guide_and_member
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/who/", {"parts": "roles"})
        captured = list(queries.captured_queries)

    assert response.json() == {"roles": ["consumer", "guide"]}
    assert _reads(captured, "stores_storestaff") == 0
    assert _reads(captured, "members_member") == 0


def test_a_post_counts_only_while_its_store_role_is_held(tenant, guide_and_member):
    # given the guide's role revoked, their post left behind
    user, _store, _member = guide_and_member
    with tenant_scope(tenant):
        TenantRole.objects.filter(tenant=tenant, user=user, role=Role.GUIDE).delete()
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)

    # when they call, then they work at no store, and the post is not even read
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/who/", {"parts": "roles,staff_post"})
        captured = list(queries.captured_queries)
    assert response.json() == {"roles": ["consumer"], "store": None}
    assert _reads(captured, "stores_storestaff") == 0


def test_acting_as_a_consumer_drops_the_post_and_shares_what_is_loaded(tenant, guide_and_member):
    user, store, _member = guide_and_member
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/who/", {"parts": "staff_post,consumer_view"})
        captured = list(queries.captured_queries)

    assert response.json() == {"store": store.pk, "as_consumer_store": None, "as_staff_store": store.pk}
    assert _reads(captured, "stores_storestaff") == 1


def test_anonymous_callers_and_other_brands_users_have_no_parts(tenant, other_tenant, make_user):
    outsider = make_user(other_tenant, Role.HQ_ADMIN, username="outsider")
    anonymous = Client(HTTP_HOST=f"{tenant.slug}.localhost").get("/who/")
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(outsider)
    assert anonymous.json() == {"roles": [], "store": None, "member": None}
    assert client.get("/who/").json() == {"roles": [], "store": None, "member": None}


def test_the_api_sees_the_user_its_token_authenticates(tenant, guide_and_member, api):
    # given the guide calling the API with a token (DRF authenticates after the middleware ran)
    user, store, _member = guide_and_member
    response = api(user, tenant).get("/api/who/")
    # then the actor is theirs, with their roles and store
    assert response.status_code == 200
    assert response.json() == {"user": "guide-and-member", "roles": ["consumer", "guide"], "store": store.pk}


def test_an_actor_outside_a_request_takes_the_roles_it_is_given(tenant, guide_and_member):
    user, store, _member = guide_and_member
    with tenant_scope(tenant):
        as_guide = Actor(tenant=tenant, user=user, roles={Role.GUIDE})
        as_consumer = Actor(tenant=tenant, user=user, roles={Role.CONSUMER})
        assert (as_guide.store_id, as_guide.is_hq, as_guide.works_at(store.pk, as_role=Role.GUIDE)) == (
            store.pk,
            False,
            True,
        )
        assert as_guide.works_at(store.pk, as_role=Role.STORE_MANAGER) is False
        assert (as_consumer.store_id, as_consumer.is_consumer) == (None, True)


def test_a_request_actor_asked_before_the_user_is_known_loads_again_for_the_user(tenant, guide_and_member, rf):
    # given a request's actor asked for its parts while the caller was still anonymous (a
    # middleware or a throttle reading it before the API authenticated the token)
    from django.contrib.auth.models import AnonymousUser

    from o2o.tenancy.actor import RequestActor

    user, store, member = guide_and_member
    request = rf.get("/")
    request.tenant, request.user = tenant, AnonymousUser()
    actor = RequestActor(request)
    with tenant_scope(tenant):
        assert (actor.roles, actor.store_id, actor.membership) == (frozenset(), None, None)
        # when the user is then authenticated, the same actor answers for them
        request.user = user
        membership = actor.membership
        assert membership is not None
        assert (sorted(actor.roles), actor.store_id, membership.pk) == (["consumer", "guide"], store.pk, member.pk)
