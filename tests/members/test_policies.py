"""The same answer both ways: for every action on a membership and every role, the API and the
portal pages allow or refuse alike, because both ask `members.policies` with the request's actor.

The roles: HQ admin, HQ staff, the manager and a guide of the member's home store, the manager of
another store, the consumer who is the member, another consumer (a member too). The table below is
the policy (members/policies.py says why); each case is asked of the API and of every portal page
offering the action. A refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pytest
from django.test import Client

from members.models import Member
from members.services import join_brand
from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from tests.members.factories import Brand

pytestmark = pytest.mark.django_db

ROLES = ("hq_admin", "hq_staff", "manager", "guide", "other_manager", "owner", "other_consumer")
ALLOWED = {
    # list the brand's members
    "list": {"hq_admin", "hq_staff", "manager", "guide", "other_manager"},
    # see the member's personal data (their name in full, not `张*`)
    "see_data": {"hq_admin", "hq_staff", "manager", "guide", "owner"},
    # change the member's name
    "rename": {"owner"},
}
PHONE = "+8613812345678"
NAME = "张伟"
NEW_NAME = "张新"
REFUSED = {403, 404}
# the pages offering each action, asked in turn up to the first that allows it
PAGES = {"list": ["/hq/members/", "/store/members/"], "see_data": ["/hq/members/", "/store/members/", "/me/"]}


def _users(brand: Brand, make_user: Callable[..., User]) -> dict[str, User]:
    other = make_user(brand.tenant, Role.CONSUMER, username="+8613700000002")
    with tenant_scope(brand.tenant):
        join_brand(tenant=brand.tenant, phone="+8613700000002", name="李娜", user=other)
    return {
        "hq_admin": make_user(brand.tenant, Role.HQ_ADMIN, username="hq-admin"),
        "hq_staff": make_user(brand.tenant, Role.HQ_STAFF, username="hq-staff"),
        "manager": brand.home_manager,
        "guide": brand.home_guide,
        "other_manager": brand.other_manager,
        "owner": User.objects.get(username=PHONE),
        "other_consumer": other,
    }


def _page_client(brand: Brand, user: User) -> Client:
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    client.force_login(user)
    return client


def _stored(brand: Brand) -> Mapping[str, Any]:
    with tenant_scope(brand.tenant):
        return Member.objects.filter(pk=brand.member.pk).values().get()


def _first_allowing(calls: list[Callable[[], Any]]) -> Any | None:
    """The first answer that is not a refusal (403/404), or None when every one refuses."""
    for call in calls:
        response = call()
        assert response.status_code in REFUSED | {200, 302}, response.status_code
        if response.status_code not in REFUSED:
            return response
    return None


def _via_api(action: str, brand: Brand, user: User, api: Callable[..., Any]) -> bool:
    client = api(user, brand.tenant)
    if action == "list":
        return _first_allowing([lambda: client.get("/api/v1/members/")]) is not None
    if action == "see_data":
        answer = _first_allowing(
            [lambda: client.get(f"/api/v1/members/{brand.member.pk}/"), lambda: client.get("/api/v1/members/me/")]
        )
        body = answer.json() if answer is not None else {}
        return body.get("id") == brand.member.pk and body.get("name") == NAME and not body.get("masked")
    _first_allowing([lambda: client.patch("/api/v1/members/me/", {"name": NEW_NAME}, format="json")])
    return _stored(brand)["name"] == NEW_NAME


def _via_portal(action: str, brand: Brand, user: User) -> bool:
    client = _page_client(brand, user)
    if action in PAGES:
        answer = _first_allowing([partial(client.get, path) for path in PAGES[action]])
        if action == "list":
            return answer is not None
        return answer is not None and NAME in answer.content.decode()  # the name in full, not 张*
    _first_allowing([lambda: client.post("/me/", {"name": NEW_NAME})])
    return _stored(brand)["name"] == NEW_NAME


@pytest.mark.parametrize("action", list(ALLOWED))
def test_the_api_and_the_portal_give_every_role_the_same_answer(action, brand, make_user, api, subtests):
    # given one user of each role
    users = _users(brand, make_user)
    for role in ROLES:
        with subtests.test(role=role):
            before = _stored(brand)
            # when the role does it through the API, then through the portal pages offering it
            via_api = _via_api(action, brand, users[role], api)
            if action == "rename":
                with tenant_scope(brand.tenant):
                    Member.objects.filter(pk=brand.member.pk).update(name=before["name"])
            via_portal = _via_portal(action, brand, users[role])
            # then both give the policy's answer, and a refusal changed nothing
            expected = role in ALLOWED[action]
            assert (via_api, via_portal) == (expected, expected)
            if not expected:
                assert _stored(brand) == before
            elif action == "rename":
                with tenant_scope(brand.tenant):
                    Member.objects.filter(pk=brand.member.pk).update(name=before["name"])
