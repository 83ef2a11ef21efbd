"""Consumer sign-up (api.md Auth): it never tells whether a phone has an account, hands out no
token, and is counted by the log-in lockout; a person with an account joins a brand after a real
log-in (`POST /auth/join/`)."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.models import ApiToken, TenantRole, User

TOKEN = "/api/v1/auth/token/"
SIGNUP = "/api/v1/auth/signup/"
JOIN = "/api/v1/auth/join/"
BODY = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}
ANSWER = {"username": "+8613800138000", "detail": "Sign in with this phone number and your password."}

pytestmark = pytest.mark.django_db


def roles_in(in_tenant, tenant):
    with in_tenant(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


def sign_in(username: str, password: str):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json")


def test_sign_up_creates_the_consumer_with_the_e164_phone_as_username(
    api, tenant, other_tenant, in_tenant, django_assert_num_queries
):
    # when a consumer signs up in brand alpha with a national phone number (the account, its role
    # and the CONSUMER_SIGNED_UP event with its delivery: the members app makes the membership after
    # the commit)
    with django_assert_num_queries(17):
        response = api(None, tenant).post(SIGNUP, BODY, format="json")
    # then the account exists under the E.164 phone, as a consumer of alpha only, with no token handed out
    assert (response.status_code, response.json()) == (201, ANSWER)
    user = User.objects.get()
    assert (str(user.phone), user.name, user.check_password("Str0ng-pass-2026")) == ("+8613800138000", "Li Lei", True)
    assert roles_in(in_tenant, tenant) == [("+8613800138000", Role.CONSUMER)]
    assert roles_in(in_tenant, other_tenant) == []
    assert ApiToken.objects.count() == 0


def test_the_new_consumer_signs_in_and_is_a_consumer_of_the_brand(api, tenant):
    # given a new consumer
    api(None, tenant).post(SIGNUP, BODY, format="json")
    # when they sign in and call the API with their token
    token = sign_in("+8613800138000", "Str0ng-pass-2026").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_TENANT="alpha")
    # then they are a consumer of the brand
    assert client.get("/api/v1/me/").json()["roles"] == [Role.CONSUMER]


def test_sign_up_answers_the_same_for_a_known_phone_whatever_the_password(
    api, tenant, other_tenant, in_tenant, caplog, django_capture_on_commit_callbacks
):
    # given a consumer of alpha
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    cache.clear()
    api(None, tenant).post(SIGNUP, BODY, format="json")
    # when the phone signs up in beta with the right password, and with a wrong one, and in alpha again
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            api(None, other_tenant).post(SIGNUP, BODY, format="json"),
            api(None, other_tenant).post(SIGNUP, {**BODY, "password": "Other-pass-2026"}, format="json"),
            api(None, tenant).post(SIGNUP, {**BODY, "password": "Other-pass-2026"}, format="json"),
        ]
    # then every answer is a new account's answer: no token, no hint that the phone is known
    assert [(a.status_code, a.json()) for a in answers] == [(201, ANSWER)] * 3
    # and nothing changed: beta has no consumer, the password is the owner's
    assert roles_in(in_tenant, other_tenant) == []
    assert roles_in(in_tenant, tenant) == [("+8613800138000", Role.CONSUMER)]
    assert User.objects.get().check_password("Str0ng-pass-2026")
    assert ApiToken.objects.count() == 0
    # and the phone's owner is told by SMS, once an hour however often someone tries
    sms = [r.getMessage() for r in caplog.records if r.name == "o2o.notifications"]
    assert len(sms) == 1
    assert sms[0] == (
        "SMS to +8613800138000: Beta Lighting: Someone tried to sign up with this phone number, which has an "
        "account already. If it was you, sign in with your password instead; otherwise ignore this message."
    )


def test_a_weak_password_is_refused_alike_for_a_new_and_a_known_phone(api, tenant, other_tenant, make_user):
    # given a phone with an account and one without
    make_user(other_tenant, Role.CONSUMER, username="+8613900139000")
    # when each signs up with a weak password
    answers = [
        api(None, tenant).post(SIGNUP, {**BODY, "phone": phone, "password": "password123"}, format="json")
        for phone in ("13900139000", "13800138000")
    ]
    # then both are the same 400: the password check does not tell which phone is known
    assert [(a.status_code, a.json()) for a in answers] == [
        (
            400,
            {
                "code": "invalid",
                "detail": "This password is too common.",
                "errors": {"password": ["This password is too common."]},
            },
        )
    ] * 2


def test_a_person_with_an_account_joins_another_brand_after_signing_in(api, tenant, other_tenant, in_tenant):
    # given a consumer of alpha, signed in
    api(None, tenant).post(SIGNUP, BODY, format="json")
    user = User.objects.get()
    # when they join beta, then join again
    joined = api(user, other_tenant).post(JOIN, format="json")
    again = api(user, other_tenant).post(JOIN, format="json")
    # then they are a consumer of beta, once
    assert (joined.status_code, joined.json()) == (201, {"tenant": "beta", "roles": ["consumer"]})
    assert (again.status_code, again.json()) == (200, {"tenant": "beta", "roles": ["consumer"]})
    assert roles_in(in_tenant, other_tenant) == [("+8613800138000", Role.CONSUMER)]


def test_joining_needs_a_real_sign_in(api, tenant, in_tenant):
    response = api(None, tenant).post(JOIN, format="json")
    assert response.status_code == 401
    assert roles_in(in_tenant, tenant) == []


@override_settings(AXES_ENABLED=True)
def test_every_sign_up_is_counted_by_the_log_in_lockout(api, tenant, in_tenant):
    # given someone signing up with one phone again and again from one address
    client = api(None, tenant)
    answers = [client.post(SIGNUP, {**BODY, "password": f"Guess-pass-{n}"}, format="json") for n in range(6)]
    # then the fifth attempt locks the phone from that address, as a fifth wrong log-in does
    assert [a.status_code for a in answers] == [201] * 4 + [429] * 2
    assert answers[5].json() == {
        "code": "locked_out",
        "detail": "Too many failed sign-ins: this account is locked for a while. Try again later.",
    }
    assert answers[5].headers["Retry-After"] == "900"
    # and log-in for that phone is locked from that address too, even with the right password
    locked = APIClient(REMOTE_ADDR="127.0.0.1").post(
        TOKEN, {"username": "+8613800138000", "password": "Guess-pass-0"}, format="json"
    )
    assert locked.status_code == 429
    assert AccessAttempt.objects.get(username="+8613800138000").failures_since_start == 6


@override_settings(AXES_ENABLED=True)
def test_a_known_phone_locks_exactly_like_a_new_one(api, tenant, other_tenant, make_user):
    # given a phone with an account and one without
    make_user(other_tenant, Role.CONSUMER, username="+8613900139000")
    client = api(None, tenant)
    # when each is signed up six times from one address
    known = [client.post(SIGNUP, {**BODY, "phone": "13900139000"}, format="json").status_code for _ in range(6)]
    new = [client.post(SIGNUP, BODY, format="json").status_code for _ in range(6)]
    # then both lock on the same attempt
    assert known == new == [201] * 4 + [429] * 2


def test_a_bad_phone_is_a_400_naming_phone_and_creates_nothing(api, tenant, in_tenant):
    response = api(None, tenant).post(SIGNUP, {**BODY, "phone": "12345"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Invalid input: phone.",
        "errors": {"phone": ["Enter a valid phone number."]},
    }
    assert User.objects.count() == 0
    assert roles_in(in_tenant, tenant) == []


def test_a_short_password_is_a_400_naming_password_and_creates_nothing(api, tenant, in_tenant):
    response = api(None, tenant).post(SIGNUP, {**BODY, "password": "Ab1-x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["Ensure this field has at least 8 characters."]}
    assert User.objects.count() == 0


def test_a_common_password_is_a_400_naming_password_and_creates_nothing(api, tenant, in_tenant):
    response = api(None, tenant).post(SIGNUP, {**BODY, "password": "password123"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "This password is too common.",
        "errors": {"password": ["This password is too common."]},
    }
    assert User.objects.count() == 0
    assert roles_in(in_tenant, tenant) == []


def test_a_missing_name_is_a_400_naming_name(api, tenant):
    response = api(None, tenant).post(SIGNUP, {"phone": "13800138000", "password": "Str0ng-pass-2026"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["This field is required."]}
    assert User.objects.count() == 0


def test_sign_up_in_an_unknown_brand_is_a_404(api, tenant):
    response = api(None, "nosuch").post(SIGNUP, BODY, format="json")
    assert response.status_code == 404
    assert response.json() == {"code": "tenant_not_found", "detail": "No brand named 'nosuch'."}
    assert User.objects.count() == 0


def test_sign_up_without_naming_a_brand_is_a_404(api, tenant):
    response = api().post(SIGNUP, BODY, format="json")
    assert response.status_code == 404
    assert response.json() == {
        "code": "tenant_not_found",
        "detail": "Name the brand in the X-Tenant header or the host prefix.",
    }
    assert User.objects.count() == 0


@pytest.fixture
def signup_rate_two_per_minute(throttle_rates):
    throttle_rates(signup="2/min")


@pytest.mark.usefixtures("signup_rate_two_per_minute")
def test_the_third_sign_up_in_a_minute_is_throttled(api, tenant, in_tenant):
    # given two sign-ups from one address within the minute
    first = api(None, tenant).post(SIGNUP, BODY, format="json")
    second = api(None, tenant).post(SIGNUP, {**BODY, "phone": "13900139000"}, format="json")
    # when a third comes
    third = api(None, tenant).post(SIGNUP, {**BODY, "phone": "13700137000"}, format="json")
    # then it is throttled and not executed
    assert [first.status_code, second.status_code, third.status_code] == [201, 201, 429]
    assert third.json()["code"] == "throttled"
    assert third.json()["detail"] == "Request was throttled. Expected available in 60 seconds."
    assert third.headers["Retry-After"] == "60"
    assert sorted(User.objects.values_list("username", flat=True)) == ["+8613800138000", "+8613900139000"]
