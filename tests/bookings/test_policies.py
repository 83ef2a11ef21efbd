"""The same answer both ways: for every action on a booking and every role, the API and the portal
pages allow or refuse alike, because both ask `bookings.policies` with the request's actor.

The roles: HQ admin, HQ staff, the manager of the booking's store, the manager of another store, a
guide of the booking's store, the consumer who booked, another consumer, and someone anonymous
holding the booking's check-in code. The table below is the policy (bookings/policies.py says why);
each case is asked of the API and of every portal page offering the action, each on its own booking,
at a time the action's rules allow (so that a refusal is the policy's). A refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from bookings.models import Booking
from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import clock, offer
from tests.bookings.harness import FOREIGN_FACTORIES
from tests.bookings.pages import book, snapshot, utc
from tests.pages import client_for

pytestmark = pytest.mark.django_db

ROLES = ("hq_admin", "hq_staff", "manager", "other_manager", "guide", "owner", "other_consumer", "with_code")
STAFF = {"hq_admin", "hq_staff", "manager", "guide"}
ALLOWED = {
    "view": STAFF | {"owner"},
    "cancel": STAFF | {"owner"},
    "reschedule": STAFF | {"owner"},
    "check_in": STAFF | {"with_code"},
    "no_show": STAFF,
}
# No page takes a check-in code from someone who is not the store's staff: the consumer shows it at
# the counter, where the staff's page takes it (tests/bookings/test_store_day_pages.py). The API's
# check-in by code is for the store's scanner and kiosks.
API_ONLY = {("check_in", "with_code")}

ACTION = ["/store/bookings/{id}/action/", "/hq/bookings/{id}/action/"]
PORTAL = {
    "view": ["/store/bookings/{id}/", "/hq/bookings/{id}/", "/bookings/{id}/"],
    "cancel": [*ACTION, "/bookings/{id}/cancel/"],
    "reschedule": [*ACTION, "/bookings/{id}/reschedule/"],
    "check_in": ["/store/today/bookings/{id}/check-in/", *ACTION],
    "no_show": ["/store/today/bookings/{id}/no-show/", *ACTION],
}
# when each action is asked: before the cut-off; in the check-in window; after the no-show grace
AT = {
    "view": NOW,
    "cancel": NOW,
    "reschedule": NOW,
    "check_in": SLOT - dt.timedelta(minutes=10),
    "no_show": SLOT + dt.timedelta(minutes=60),
}
REFUSED = {401, 403, 404}


@pytest.fixture
def users(tenant, store, service, manager, other_manager, guide, consumer, member, hq_admin, hq_staff, make_user):
    """One user of each role (None: anonymous); the store takes 50 at once (a booking per case)."""
    with tenant_scope(tenant):
        offer(tenant, store, (service, 50))
    return {
        "hq_admin": hq_admin,
        "hq_staff": hq_staff,
        "manager": manager,
        "other_manager": other_manager,
        "guide": guide,
        "owner": consumer,
        "other_consumer": make_user(tenant, Role.CONSUMER, username="+8613700000002"),
        "with_code": None,
    }


def _api_status(api: Callable[..., Any], tenant, action: str, booking: Booking, role: str, user: User | None) -> int:
    client = api(user, tenant)
    url = f"/api/v1/bookings/{booking.pk}/"
    if action == "view":
        return client.get(url).status_code
    body: dict[str, Any] = {}
    if action == "reschedule":
        body = {"start": NEXT_SLOT.isoformat()}
    if action == "check_in" and role == "with_code":
        body = {"check_in_code": booking.check_in_code}
    return client.post(f"{url}{action.replace('_', '-')}/", body, format="json").status_code


def _refused(response: Any) -> bool:
    """A refusal: 401, 403, 404, or the way to the login page (an anonymous reader)."""
    if response.status_code == 302:
        return response["Location"].startswith("/login/")
    assert response.status_code in REFUSED or response.status_code == 200, response.status_code
    return response.status_code in REFUSED


def _portal_answers(tenant, action: str, booking: Booking, user: User | None) -> list[bool]:
    """Whether each portal page offering `action` allowed it, in order, up to the first that did."""
    client = client_for(tenant, user)
    form = {"action": action, "start": utc(NEXT_SLOT)}
    answers = []
    for path in PORTAL[action]:
        url = path.format(id=booking.pk)
        response = client.get(url) if action == "view" else client.post(url, form)
        answers.append(not _refused(response))
        if answers[-1]:
            break
    return answers


@pytest.mark.parametrize("action", list(ALLOWED))
def test_the_api_and_the_portal_give_every_role_the_same_answer(action, tenant, store, service, member, users, api):
    # given two bookings of the consumer for each role (one asked through the API, one through the pages)
    bookings = {role: [book(tenant, store, service, SLOT, member=member, phone="") for _ in "ab"] for role in ROLES}
    for role in ROLES:
        via_api, via_portal = bookings[role]
        before = snapshot(tenant)
        # when the role does it through the API, and through the portal pages offering it
        with clock(AT[action]):
            api_status = _api_status(api, tenant, action, via_api, role, users[role])
            portal = _portal_answers(tenant, action, via_portal, users[role])
        # then both give the policy's answer, and a refusal changed nothing
        expected = role in ALLOWED[action]
        assert (api_status not in REFUSED) is expected, f"{role}: API {api_status}"
        if (action, role) not in API_ONLY:
            assert portal[-1] is expected, f"{role}: portal {portal}"
        else:
            assert portal[-1] is False, f"{role}: portal {portal}"
        if not expected:
            assert snapshot(tenant) == before, role


@pytest.mark.parametrize(
    ("path", "role", "form"),
    [
        ("/store/bookings/{id}/action/", Role.STORE_MANAGER, {"action": "cancel"}),
        ("/store/today/bookings/{id}/check-in/", Role.GUIDE, {}),
        ("/hq/bookings/{id}/action/", Role.HQ_ADMIN, {"action": "cancel"}),
        ("/bookings/{id}/cancel/", Role.CONSUMER, {}),
    ],
)
def test_an_action_on_another_brands_booking_is_404_and_changes_nothing(
    tenant, other_tenant, store, make_user, make_staff, path, role, form
):
    # given a booking of another brand, and a caller of this brand whose role acts on that page
    with tenant_scope(other_tenant):
        foreign = FOREIGN_FACTORIES[Booking](other_tenant)
        before = Booking.objects.filter(pk=foreign.pk).values().get()
    if role in (Role.STORE_MANAGER, Role.GUIDE):
        caller = make_staff(store, role)
    else:
        caller = make_user(tenant, role, username=f"caller-{role}")
    # when they post the action on it
    response = client_for(tenant, caller).post(path.format(id=foreign.pk), form)
    # then it does not exist for them, and it is untouched
    assert response.status_code == 404
    with tenant_scope(other_tenant):
        assert Booking.objects.filter(pk=foreign.pk).values().get() == before
