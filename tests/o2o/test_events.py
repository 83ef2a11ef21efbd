"""Domain events (o2o.events): a handler's failure never reaches the request that made the change;
it is retried with backoff, kept aside as failed after MAX_ATTEMPTS, and replayed from the admin;
a delivery is done once; a rolled-back change is never delivered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from members.models import Member
from o2o.choices import Role
from o2o.events import CONSUMER_SIGNED_UP, handles, record_event, registry
from o2o.events.models import Delivery, Event
from o2o.events.services import MAX_ATTEMPTS, run_delivery, sweep_events
from o2o.models import TenantRole, User
from o2o.tenancy import tenant_scope

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
BODY = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}
ANSWER = {"username": "+8613800138000", "detail": "Sign in with this phone number and your password."}
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PINGED = "tests.pinged"


def clock(at: dt.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=at)


@pytest.fixture
def crm() -> Iterator[dict[str, Any]]:
    """A handler of CONSUMER_SIGNED_UP and PINGED (key "tests.crm") for this test only: it raises
    while `crm["down"]`, else notes each call as (tenant id, payload)."""
    state: dict[str, Any] = {"down": True, "calls": []}
    saved = dict(registry._handlers)

    def crm_handler(*, tenant: Any, event: Event) -> None:
        Member.objects.filter(tenant=tenant).update(name="changed by a handler that then failed")
        if state["down"]:
            raise RuntimeError("the CRM is down")
        state["calls"].append((tenant.pk, event.payload))

    handles(CONSUMER_SIGNED_UP, key="tests.crm")(crm_handler)
    handles(PINGED, key="tests.crm-ping")(crm_handler)
    yield state
    registry._handlers.clear()
    registry._handlers.update(saved)


def deliveries(tenant) -> list[tuple[str, str, int]]:
    with tenant_scope(tenant):
        return list(
            Delivery.objects.filter(tenant=tenant).order_by("handler").values_list("handler", "status", "attempts")
        )


def crm_delivery(tenant) -> Delivery:
    with tenant_scope(tenant):
        return Delivery.objects.select_related("event").get(tenant=tenant, handler="tests.crm")


def test_a_failing_handler_never_changes_the_answer_and_its_failure_is_recorded(
    api, tenant, crm, django_capture_on_commit_callbacks
):
    # given a handler of the sign-up that raises (after writing something)
    # when a consumer signs up, and the request commits (tasks run eagerly, as in the demo)
    with clock(T0), django_capture_on_commit_callbacks(execute=True):
        response = api(None, tenant).post(SIGNUP, BODY, format="json")
    # then the answer is the usual one and the sign-up stands
    assert (response.status_code, response.json()) == (201, ANSWER)
    user = User.objects.get()
    with tenant_scope(tenant):
        assert list(TenantRole.objects.values_list("user_id", "role")) == [(user.pk, Role.CONSUMER)]
        # and the membership's handler did its work, while the failed one's write was rolled back
        assert list(Member.objects.values_list("user_id", "name")) == [(user.pk, "Li Lei")]
    # and the failure is recorded: one attempt, the error's tail, the next attempt in 10 s
    assert deliveries(tenant) == [
        ("attribution.stitch_on_sign_up", "done", 1),
        ("members.membership_on_sign_up", "done", 1),
        ("tests.crm", "pending", 1),
    ]
    failed = crm_delivery(tenant)
    assert failed.last_error.endswith("RuntimeError: the CRM is down\n")
    assert "Traceback (most recent call last)" in failed.last_error
    assert failed.next_attempt_at == T0 + dt.timedelta(seconds=10)
    assert failed.event.payload == {"user_id": user.pk, "visitor_id": ""}


@pytest.fixture
def failed_once(api, tenant, crm, django_capture_on_commit_callbacks) -> Delivery:
    with clock(T0), django_capture_on_commit_callbacks(execute=True):
        assert api(None, tenant).post(SIGNUP, BODY, format="json").status_code == 201
    return crm_delivery(tenant)


def sweep_at(tenant, at: dt.datetime, capture: Callable[..., Any]) -> int:
    with clock(at), capture(execute=True), tenant_scope(tenant):
        return sweep_events(tenant=tenant)


def test_a_failing_delivery_is_retried_with_backoff_then_kept_aside_as_failed(
    tenant, failed_once, django_capture_on_commit_callbacks
):
    # given a delivery that failed once, at T0
    waits, ran_at, delivery = [], T0, failed_once
    # when the sweep runs a minute after each retry is due (its countdown lost), until it stops
    while delivery.status == "pending":
        waits.append(int((delivery.next_attempt_at - ran_at).total_seconds()))
        ran_at = delivery.next_attempt_at + dt.timedelta(seconds=61)
        assert sweep_at(tenant, ran_at, django_capture_on_commit_callbacks) == 1
        delivery = crm_delivery(tenant)
    # then it was tried MAX_ATTEMPTS times, each wait twice the last up to five minutes
    assert waits == [10, 20, 40, 80, 160, 300, 300]
    assert (delivery.status, delivery.attempts, MAX_ATTEMPTS) == ("failed", 8, 8)
    assert delivery.last_error.endswith("RuntimeError: the CRM is down\n")
    # and the sweep leaves it aside from then on
    assert sweep_at(tenant, delivery.next_attempt_at + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert crm_delivery(tenant).attempts == 8


def test_an_hq_admin_replays_a_failed_delivery_from_the_admin(
    tenant, crm, failed_once, make_user, django_capture_on_commit_callbacks
):
    # given a delivery kept aside as failed, and the CRM back
    with tenant_scope(tenant):
        Delivery.objects.filter(pk=failed_once.pk).update(status="failed", attempts=8)
    crm["down"] = False
    admin = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    admin.force_login(make_user(tenant, Role.HQ_ADMIN, username="alpha-admin"))
    # when the HQ admin lists the failed deliveries: the error is shown
    listed = admin.get("/admin/o2o/delivery/?status__exact=failed")
    page = admin.get(f"/admin/o2o/delivery/{failed_once.pk}/change/")
    assert [d.pk for d in listed.context["cl"].result_list] == [failed_once.pk]
    assert "RuntimeError: the CRM is down" in page.content.decode()
    # and replays it
    with django_capture_on_commit_callbacks(execute=True):
        replayed = admin.post(
            "/admin/o2o/delivery/", {"action": "replay", "_selected_action": [failed_once.pk], "index": 0}
        )
    # then it was delivered, once, in a fresh round of attempts
    assert replayed.status_code == 302
    assert crm["calls"] == [(tenant.pk, {"user_id": User.objects.get(username="+8613800138000").pk, "visitor_id": ""})]
    assert deliveries(tenant) == [
        ("attribution.stitch_on_sign_up", "done", 1),
        ("members.membership_on_sign_up", "done", 1),
        ("tests.crm", "done", 1),
    ]


def test_hq_staff_see_failed_deliveries_but_may_not_replay_them(tenant, failed_once, make_user):
    staff = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    staff.force_login(make_user(tenant, Role.HQ_STAFF, username="alpha-staff"))
    listed = staff.get("/admin/o2o/delivery/")
    refused = staff.post("/admin/o2o/delivery/", {"action": "replay", "_selected_action": [failed_once.pk]})
    assert (listed.status_code, listed.context["action_form"], refused.status_code) == (200, None, 200)
    assert deliveries(tenant) == [
        ("attribution.stitch_on_sign_up", "done", 1),
        ("members.membership_on_sign_up", "done", 1),
        ("tests.crm", "pending", 1),
    ]


def test_delivering_the_same_event_twice_changes_nothing(tenant, crm, django_capture_on_commit_callbacks):
    # given an event delivered to a working handler
    crm["down"] = False
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(tenant):
        event = record_event(tenant=tenant, name=PINGED, order_id=7)
    with tenant_scope(tenant):
        [delivery] = Delivery.objects.filter(event=event)
    # when it is run again (a duplicate message, a sweep overlapping the first run)
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(tenant):
        status = run_delivery(tenant=tenant, delivery_id=delivery.pk)
    # then the handler ran once, and the delivery is the one it was
    assert status is None
    assert crm["calls"] == [(tenant.pk, {"order_id": 7})]
    assert deliveries(tenant) == [("tests.crm-ping", "done", 1)]


def test_an_event_recorded_in_a_transaction_that_rolls_back_is_never_delivered(
    tenant, crm, django_capture_on_commit_callbacks
):
    crm["down"] = False
    # when a change records an event and then fails
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_change(tenant)
    # then there is no event, nothing was enqueued and nothing delivered, even by the sweep
    assert (callbacks, crm["calls"]) == ([], [])
    assert sweep_at(tenant, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    with tenant_scope(tenant):
        assert (Event.objects.count(), Delivery.objects.count()) == (0, 0)


def failing_change(tenant) -> None:
    with tenant_scope(tenant):
        record_event(tenant=tenant, name=PINGED, order_id=7)
        raise RuntimeError("the change failed")


def test_a_payload_must_be_json_primitives(tenant):
    with tenant_scope(tenant), pytest.raises(TypeError) as caught:
        record_event(tenant=tenant, name=PINGED, order=tenant)
    assert str(caught.value).startswith("the payload of tests.pinged must be JSON primitives (ids, not objects)")
    with tenant_scope(tenant):
        assert Event.objects.count() == 0
