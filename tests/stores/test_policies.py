"""The same answer both ways: for every action on a store and every role, the API and the portal
pages allow or refuse alike, because both ask `stores.policies` with the request's actor.

The roles: HQ admin, HQ staff, the manager of the store, the manager of another store, a guide of
the store, a consumer. The table below is the policy (stores/policies.py says why); each case is
asked of the API and of every portal page offering the action (HQ's pages name the store, the store
portal's are the reader's own store's: they allow an action on this store only when they show it).
A refusal changes nothing. Two actions have no page (the services a store offers, deleting a
store): the API alone is asked, against the same table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from catalog.models import Sku
from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from stores.models import Stock, Store, StoreContract, StoreService, StoreStaff
from stores.selectors import tenant_today
from tests.pages import client_for, elements, texts
from tests.stores.factories import make_sku, make_store, snapshot
from tests.stores.test_hq_store_pages import NEW_STORE

pytestmark = pytest.mark.django_db

ROLES = ("hq_admin", "hq_staff", "manager", "other_manager", "guide", "consumer")
HQ = {"hq_admin", "hq_staff"}
ALLOWED = {
    "see_store": set(ROLES),
    "create_store": HQ,
    "edit_store": HQ,
    "change_contract": HQ,
    "create_staff": HQ,
    "see_contract": HQ | {"manager"},
    "see_staff": HQ | {"manager"},
    "see_stock": HQ | {"manager", "guide"},
    "edit_stock": HQ | {"manager"},
    "set_services": HQ | {"manager"},
    "delete_store": HQ,
}
API_ONLY = {"set_services", "delete_store"}  # no page offers them
REFUSED = {403, 404}


@dataclass
class Cast:
    """The store (with a stock row), another store (without it), one user of each role, and a store
    for each to delete."""

    store: Store
    other: Store
    sku: Sku
    users: dict[str, User]
    doomed: dict[str, Store]


@pytest.fixture
def cast(tenant, hq_admin, hq_staff, manager, other_manager, guide, consumer, store, other_store):
    with tenant_scope(tenant):
        sku = make_sku(tenant, code="LAMP-1")
        Stock.objects.create(tenant=tenant, store=store, sku=sku, on_hand=5)
        doomed = {role: make_store(tenant, code=f"DEL-{role}") for role in ROLES}
    users = {
        "hq_admin": hq_admin,
        "hq_staff": hq_staff,
        "manager": manager,
        "other_manager": other_manager,
        "guide": guide,
        "consumer": consumer,
    }
    return Cast(store, other_store, sku, users, doomed)


def _everything(tenant) -> list[Any]:
    return [snapshot(model, tenant) for model in (Store, StoreContract, StoreStaff, Stock, StoreService)]


def _start(tenant) -> str:
    return (tenant_today(tenant=tenant) + dt.timedelta(days=30)).isoformat()


# --- the API --------------------------------------------------------------------------------------


def _api_call(cast: Cast, action: str, role: str, client: Any) -> int:
    store, tenant = cast.store, cast.store.tenant
    url = f"/api/v1/stores/{store.pk}/"
    if action == "see_store":
        return client.get(url).status_code
    if action == "create_store":
        body = {key: value for key, value in NEW_STORE.items() if not key.startswith("hours_")}
        body |= {"code": f"API-{role}", "territory": [], "capabilities": ["pickup"]}
        return client.post("/api/v1/stores/", body, format="json").status_code
    if action == "edit_store":
        return client.patch(url, {"name": f"Renamed by {role}"}, format="json").status_code
    if action == "change_contract":
        terms = {"sales_share_rate": "0.5000", "valid_from": _start(tenant)}
        return client.patch(url, {"contract": terms}, format="json").status_code
    if action == "create_staff":
        body = {"username": f"api-{role}", "password": "Long-enough-pw-42", "name": "Li Na", "role": "guide"}
        return client.post(f"{url}staff/", body, format="json").status_code
    if action == "see_contract":
        return client.get(f"{url}contracts/").status_code
    if action == "see_staff":
        return client.get(f"{url}staff/").status_code
    if action == "see_stock":
        return client.get(f"{url}stock/").status_code
    if action == "edit_stock":
        return client.put(f"{url}stock/", [{"sku": cast.sku.pk, "on_hand": 7}], format="json").status_code
    if action == "set_services":
        return client.put(f"{url}services/", [], format="json").status_code
    return client.delete(f"/api/v1/stores/{cast.doomed[role].pk}/").status_code


# --- the pages ------------------------------------------------------------------------------------


def _shows(response: Any, store: Store, section: str) -> bool:
    """The page answered, and shows `section` of `store` (a store page shows the reader's own)."""
    return (
        response.status_code == 200
        and bool(elements(response, section))
        and texts(response, "store-code") == [store.code]
    )


def _form(cast: Cast, role: str, action: str) -> dict[str, Any]:
    if action == "create_store":
        return {**NEW_STORE, "code": f"PAGE-{role}"}
    if action == "edit_store":
        return {**NEW_STORE, "action": "store", "code": cast.store.code, "name": f"Renamed by {role}"}
    if action == "change_contract":
        start = _start(cast.store.tenant)
        return {"action": "contract", "contract-valid_from": start, "contract-sales_share_rate": "0.5000"}
    return {
        "action": "staff",
        "staff-username": f"page-{role}",
        "staff-password": "Long-enough-pw-42",
        "staff-name": "Li Na",
        "staff-role": "guide",
    }


# the pages showing an action's result (GET), by the section each shows it in
SHOWN_ON = {
    "see_store": (["/stores/{id}/"], "opening-hours"),
    "see_contract": (["/hq/stores/{id}/", "/store/"], "current-contract"),
    "see_staff": (["/hq/stores/{id}/", "/store/"], "staff"),
    "see_stock": (["/hq/stores/{id}/stock/", "/store/stock/", "/store/"], "stock"),
}
# the pages doing an action (POST)
DONE_ON = {
    "create_store": ["/hq/stores/new/"],
    "edit_store": ["/hq/stores/{id}/"],
    "change_contract": ["/hq/stores/{id}/"],
    "create_staff": ["/hq/stores/{id}/"],
    "edit_stock": ["/hq/stores/{id}/stock/{sku}/", "/store/stock/{sku}/"],
}


def _portal_allows(cast: Cast, action: str, role: str) -> bool | None:
    """Whether a page offering `action` lets the role do it to the store (None: no page offers it)."""
    client = client_for(cast.store.tenant, cast.users[role])
    if action in SHOWN_ON:
        paths, section = SHOWN_ON[action]
        if action == "see_store":
            return client.get(paths[0].format(id=cast.store.pk)).status_code == 200
        return any(_shows(client.get(path.format(id=cast.store.pk)), cast.store, section) for path in paths)
    if action not in DONE_ON:
        return None
    form = {"on_hand": "7"} if action == "edit_stock" else _form(cast, role, action)
    statuses = []
    for path in DONE_ON[action]:
        status = client.post(path.format(id=cast.store.pk, sku=cast.sku.pk), form).status_code
        assert status in REFUSED or status == 302, f"{path}: neither allowed nor refused: {status}"
        statuses.append(status)
    return any(status == 302 for status in statuses)


def _api_allows(status: int) -> bool:
    assert status in REFUSED or status in {200, 201, 204}, f"API: neither allowed nor refused: {status}"
    return status not in REFUSED


@pytest.mark.parametrize("action", list(ALLOWED))
def test_the_api_and_the_portal_give_every_role_the_same_answer(action, cast, tenant, api, subtests):
    for role in ROLES:
        with subtests.test(role=role):
            before = _everything(tenant)
            # when the role does it through the API, and through the portal pages offering it
            via_api = _api_allows(_api_call(cast, action, role, api(cast.users[role], tenant)))
            via_portal = _portal_allows(cast, action, role)
            # then both give the policy's answer, and a refusal changed nothing
            expected = role in ALLOWED[action]
            assert via_api is expected, "API"
            assert via_portal is (None if action in API_ONLY else expected), "portal"
            if not expected:
                assert _everything(tenant) == before


def test_every_action_with_a_page_is_asked_of_a_page():
    offered = set(SHOWN_ON) | set(DONE_ON)
    assert set(ALLOWED) - offered == API_ONLY


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE])
def test_the_store_portal_shows_a_store_post_holder_without_a_post_no_store(tenant, make_user, role):
    user = make_user(tenant, role, username=f"unposted-{role}")
    response = client_for(tenant, user).get("/store/stock/")
    assert response.status_code == 200
    assert texts(response, "stock-row") == []
    assert len(elements(response, "no-store")) == 1
