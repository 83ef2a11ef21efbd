"""The same answer both ways: for every action on an order and every role, the API and the portal
pages allow or refuse alike, because both ask `orders.policies` with the request's actor.

The roles: HQ admin, HQ staff, the manager of the order's store, the manager of another store, a
guide of the order's store, the consumer who placed the order, another consumer. The table below is
the policy (orders/policies.py says why); each case is asked of the API and of every portal page
offering the action, each on its own order in the state the action needs. A refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from orders.models import Order
from tests.orders.conftest import Brand, act, client_for, place, snapshot
from tests.orders.harness import _an_order

pytestmark = pytest.mark.django_db

ROLES = ("hq_admin", "hq_staff", "manager", "other_manager", "guide", "owner", "other_consumer")
STAFF = {"hq_admin", "hq_staff", "manager", "guide"}
ALLOWED = {
    "view": STAFF | {"owner"},
    "accept": STAFF,
    "reject": STAFF,
    "ready": STAFF,
    "complete": STAFF,
    "cancel": STAFF | {"owner"},
    "refund": {"hq_admin", "hq_staff", "manager"},
    "assign": {"hq_admin", "hq_staff"},
}
ACTION = ["/store/orders/{id}/action/", "/hq/orders/{id}/action/"]
PORTAL = {
    "view": ["/store/orders/{id}/", "/hq/orders/{id}/", "/shop/orders/{id}/"],
    "accept": ACTION,
    "reject": ACTION,
    "ready": ACTION,
    "complete": ACTION,
    "cancel": [*ACTION, "/shop/orders/{id}/cancel/"],
    "refund": ACTION,
    "assign": ["/hq/orders/{id}/assign/"],
}
# the steps (by HQ) that bring a new order to the state the action needs
SETUP = {
    "view": [],
    "accept": [],
    "reject": [],
    "ready": ["accept_order"],
    "complete": ["accept_order"],
    "cancel": [],
    "refund": ["accept_order", "complete_order"],
    "assign": ["reject_order"],
}
REFUSED = {403, 404}


class Cast:
    """The brand's stores and one user of each role."""

    def __init__(self, brand: Brand, make_user: Callable[..., User]) -> None:
        self.brand = brand
        self.mine = brand.store("A01", km=1, stock={brand.lamp: 100})
        self.other = brand.store("B01", km=2)  # no lamps: an order its store rejects is unroutable
        self.users = {
            "hq_admin": make_user(brand.tenant, Role.HQ_ADMIN, username="hq-admin"),
            "hq_staff": make_user(brand.tenant, Role.HQ_STAFF, username="hq-staff"),
            "manager": brand.staff(self.mine),
            "other_manager": brand.staff(self.other),
            "guide": brand.staff(self.mine, Role.GUIDE),
            "owner": brand.consumer,
            "other_consumer": make_user(brand.tenant, Role.CONSUMER, username="+8613700000002"),
        }

    def order(self, action: str) -> Order:
        """A new order of the owner at A01, taken by HQ to the state `action` needs."""
        order = place(self.brand, (self.brand.lamp, 1), store=self.mine)
        for step in SETUP[action]:
            extra: dict[str, Any] = {"reason": "busy"} if step == "reject_order" else {}
            order = act(self.brand, step, order, by=self.users["hq_admin"], **extra)
        return order

    def line_id(self, order: Order) -> int:
        with tenant_scope(self.brand.tenant):
            return order.lines.get().pk


def _api_call(cast: Cast, action: str, order: Order, user: User, api: Callable[..., Any]) -> int:
    client = api(user, cast.brand.tenant)
    if action == "view":
        return client.get(f"/api/v1/orders/{order.pk}/").status_code
    body: dict[str, Any] = {}
    if action == "reject":
        body = {"reason": "busy"}
    elif action == "refund":
        body = {"lines": [{"line": cast.line_id(order), "quantity": 1}]}
    elif action == "assign":
        body = {"store": cast.other.pk}
    return client.post(f"/api/v1/orders/{order.pk}/{action}/", body, format="json").status_code


def _portal_calls(cast: Cast, action: str, order: Order, user: User) -> list[int]:
    """The answers of the portal pages offering `action`, in order, up to the first that allows it."""
    client = client_for(cast.brand, user)
    form: dict[str, Any] = {"action": action, "reason": "busy"}
    if action == "refund":
        form[f"qty_{cast.line_id(order)}"] = "1"
    if action == "assign":
        form = {f"o{order.pk}-store": str(cast.other.pk)}
    answers = []
    for path in PORTAL[action]:
        url = path.format(id=order.pk)
        status = client.get(url).status_code if action == "view" else client.post(url, form).status_code
        answers.append(status)
        if status not in REFUSED:
            break
    return answers


def _allowed(status: int) -> bool:
    assert status in REFUSED or status in {200, 201, 302}, f"neither allowed nor refused: {status}"
    return status not in REFUSED


@pytest.mark.parametrize("action", list(ALLOWED))
def test_the_api_and_the_portal_give_every_role_the_same_answer(action, brand, make_user, api, subtests):
    # given the brand's stores, one user of each role, and (for an assignment) a store with lamps
    cast = Cast(brand, make_user)
    orders = {role: (cast.order(action), cast.order(action)) for role in ROLES}
    brand.set_stock(cast.other, {brand.lamp: 100})
    for role in ROLES:
        with subtests.test(role=role):
            via_api, via_portal = orders[role]
            before = snapshot(brand, via_portal), snapshot(brand, via_api)
            # when the role does it through the API, and through the portal pages offering it
            api_status = _api_call(cast, action, via_api, cast.users[role], api)
            portal_statuses = _portal_calls(cast, action, via_portal, cast.users[role])
            # then both give the policy's answer, and a refusal changed nothing
            expected = role in ALLOWED[action]
            assert _allowed(api_status) is expected, f"API {api_status}"
            assert _allowed(portal_statuses[-1]) is expected, f"portal {portal_statuses}"
            if not expected:
                assert (snapshot(brand, via_portal), snapshot(brand, via_api)) == before


@pytest.mark.parametrize(
    ("path", "role", "form"),
    [
        ("/store/orders/{id}/action/", Role.STORE_MANAGER, {"action": "accept"}),
        ("/hq/orders/{id}/action/", Role.HQ_ADMIN, {"action": "cancel"}),
        ("/hq/orders/{id}/assign/", Role.HQ_ADMIN, {}),
        ("/shop/orders/{id}/cancel/", Role.CONSUMER, {}),
    ],
)
def test_an_action_on_another_brands_order_is_404_and_changes_nothing(brand, other_tenant, make_user, path, role, form):
    # given an order of another brand, and a caller of this brand whose role acts on that page
    with tenant_scope(other_tenant):
        foreign = _an_order(other_tenant)
    caller = make_user(brand.tenant, role, username=f"caller-{role}")
    with tenant_scope(other_tenant):
        before = Order.objects.filter(pk=foreign.pk).values().get()
    # when they post the action on it
    response = client_for(brand, caller).post(path.format(id=foreign.pk), form)
    # then it does not exist for them, and it is untouched
    assert response.status_code == 404
    with tenant_scope(other_tenant):
        assert Order.objects.filter(pk=foreign.pk).values().get() == before
