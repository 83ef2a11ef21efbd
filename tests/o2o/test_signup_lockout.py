"""Sign-up and the log-in lockout, on the API and the page alike: every attempt is counted with the
failed log-ins of that phone from that address, and the attempt that locks the phone (the fifth)
does nothing, exactly like the ones after it: no account made, no SMS sent, the lockout answer."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.models import TenantRole, User
from o2o.tenancy import tenant_scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

ADDRESS = "203.0.113.7"
PHONE = "+8613800138000"
BODY = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}
LOCKED = {
    "code": "locked_out",
    "detail": "Too many failed sign-ins: this account is locked for a while. Try again later.",
}


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def sms(caplog):
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    cache.clear()
    return lambda: [r.getMessage() for r in caplog.records if r.name == "o2o.notifications"]


def fail_to_log_in(times: int, username: str = PHONE) -> None:
    client = APIClient(REMOTE_ADDR=ADDRESS)
    for n in range(times):
        assert client.post("/api/v1/auth/token/", {"username": username, "password": f"guess-{n}"}).status_code == 400


def api_sign_up(tenant, body=BODY):
    return APIClient(REMOTE_ADDR=ADDRESS, HTTP_X_TENANT=tenant.slug).post("/api/v1/auth/signup/", body, format="json")


def page_sign_up(tenant, body=BODY):
    return Client(HTTP_HOST=f"{tenant.slug}.localhost", REMOTE_ADDR=ADDRESS).post("/signup/", body)


def consumers(tenant):
    with tenant_scope(tenant):
        return list(
            TenantRole.objects.filter(tenant=tenant, role=Role.CONSUMER).values_list("user__username", flat=True)
        )


@pytest.mark.parametrize("sign_up", [api_sign_up, page_sign_up], ids=["api", "page"])
def test_the_sign_up_that_locks_a_new_phone_creates_nothing(tenant, sign_up, django_capture_on_commit_callbacks):
    # given four wrong passwords for a phone nobody has yet, from one address
    fail_to_log_in(4)
    # when that phone signs up from there: the fifth attempt, the one that locks it
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(tenant)
    # then it gets the lockout answer, and no account or membership is made
    assert response.status_code == 429
    assert User.objects.count() == 0
    assert consumers(tenant) == []
    assert AccessAttempt.objects.get(username=PHONE, ip_address=ADDRESS).failures_since_start == 5


@pytest.mark.parametrize("sign_up", [api_sign_up, page_sign_up], ids=["api", "page"])
def test_the_sign_up_that_locks_a_known_phone_sends_no_sms(
    tenant, make_user, sign_up, sms, django_capture_on_commit_callbacks
):
    # given a phone with an account, and four wrong passwords for it from one address
    make_user(tenant, Role.CONSUMER, username=PHONE)
    fail_to_log_in(4)
    # when it is signed up from there
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(tenant)
    # then it is locked out and its owner is not texted
    assert response.status_code == 429
    assert sms() == []


def test_the_api_answers_the_lockout_in_the_error_format(tenant):
    fail_to_log_in(4)
    fifth, sixth = api_sign_up(tenant), api_sign_up(tenant)
    assert [(r.status_code, r.json(), r["Retry-After"]) for r in (fifth, sixth)] == [(429, LOCKED, "900")] * 2


def test_the_page_answers_the_lockout_with_the_lockout_page(tenant):
    fail_to_log_in(4)
    response = page_sign_up(tenant)
    html = response.content.decode()
    assert response.status_code == 429
    assert '<h1 data-testid="page-title">Account locked</h1>' in html
    assert "Try again in 15 minutes." in html


def test_on_the_page_a_known_phone_locks_on_the_fifth_attempt_like_the_api(
    tenant, make_user, sms, django_capture_on_commit_callbacks
):
    # given a phone with an account
    make_user(tenant, Role.CONSUMER, username=PHONE)
    # when it is signed up six times from one address on the page
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [page_sign_up(tenant, {**BODY, "password": f"Guess-pass-{n}"}).status_code for n in range(6)]
    # then the fifth locks it, as on the API (test_signup.py); the owner was texted once
    assert statuses == [302] * 4 + [429] * 2
    assert len(sms()) == 1
    # and log-in for that phone is locked from there too
    assert (
        Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": PHONE, "password": "pw-secret-42"}).status_code == 429
    )


def test_page_and_api_attempts_count_together(tenant, make_user):
    make_user(tenant, Role.CONSUMER, username=PHONE)
    assert [page_sign_up(tenant).status_code for _ in range(2)] == [302, 302]
    assert [api_sign_up(tenant).status_code for _ in range(2)] == [201, 201]
    assert page_sign_up(tenant).status_code == 429
    assert api_sign_up(tenant).status_code == 429
