"""One client address for the API throttles, the login lockout and anonymous idempotency.

`X-Forwarded-For` is trusted only for the hops our own proxies add (`O2O_TRUSTED_PROXIES`, default
0: the header is ignored). A client that sends a new value with each request is still one client.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.clientip import client_ip
from o2o.models import IdempotencyRecord

PROXY = "10.0.0.2"


def request_from(remote: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    assert client_ip(request_from("203.0.113.7", "1.1.1.1")) == "203.0.113.7"
    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"


@override_settings(O2O_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended():
    # the proxy appends the address it received the request from; what the client sent is to its left
    assert client_ip(request_from(PROXY, "203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from(PROXY, "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from(PROXY, "6.6.6.6,203.0.113.7")) == "203.0.113.7"
    # a request that did not come through the proxy (no header, or garbage) is its peer
    assert client_ip(request_from("198.51.100.20")) == "198.51.100.20"
    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY


@override_settings(O2O_TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_client_is_the_second_address_from_the_right():
    assert client_ip(request_from(PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"
    assert client_ip(request_from(PROXY, "203.0.113.7, 10.0.0.1")) == "203.0.113.7"


@pytest.fixture
def login_rate_two_per_minute(throttle_rates):
    throttle_rates(login="2/min")


def token_request(client: APIClient, forwarded: str):
    body = {"username": "nobody", "password": "guess-1"}
    return client.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
@pytest.mark.usefixtures("login_rate_two_per_minute")
def test_a_new_forwarded_address_with_each_request_is_still_throttled():
    # given a client that sends a made-up X-Forwarded-For with every sign-in attempt
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    # when it tries three times within the minute
    statuses = [token_request(client, f"192.0.2.{n}").status_code for n in range(3)]
    # then the third is throttled: the header names no one when no proxy is trusted
    assert statuses == [400, 400, 429]


@pytest.mark.django_db
@pytest.mark.usefixtures("login_rate_two_per_minute")
@override_settings(O2O_TRUSTED_PROXIES=1)
def test_behind_a_proxy_each_client_has_its_own_allowance():
    # given two clients behind one proxy (the same peer address), one of them spoofing the header
    proxy = APIClient(REMOTE_ADDR=PROXY)
    first = [token_request(proxy, f"6.6.6.{n}, 203.0.113.7").status_code for n in range(3)]
    # when the other client signs in
    other = token_request(proxy, "198.51.100.20").status_code
    # then the spoofing client is throttled on its third attempt, and the other is not throttled
    assert first == [400, 400, 429]
    assert other == 400


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, O2O_TRUSTED_PROXIES=1)
def test_the_lockout_keys_on_the_same_address_as_the_throttles(tenant, make_user):
    # given a person and an attacker behind the same proxy
    make_user(tenant, Role.HQ_ADMIN, username="victim")
    proxy = APIClient(REMOTE_ADDR=PROXY)

    def attempt(forwarded: str, password: str):
        return proxy.post(
            "/api/v1/auth/token/",
            {"username": "victim", "password": password},
            format="json",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    # when the attacker guesses five times (sending another made-up address each time)
    statuses = [attempt(f"6.6.6.{n}, 203.0.113.7", f"guess-{n}").status_code for n in range(5)]
    # then the attacker's address is locked, and the person, from theirs, still signs in
    assert statuses == [400, 400, 400, 400, 429]
    assert attempt("203.0.113.7", "pw-secret-42").status_code == 429
    assert attempt("198.51.100.20", "pw-secret-42").status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


SIGNUP = "/api/v1/auth/signup/"


@pytest.mark.django_db
def test_anonymous_callers_do_not_share_idempotency_keys(tenant, in_tenant):
    # given two anonymous clients that happen to use the same key
    body = {"phone": "13800138000", "password": "Long-enough-pw-1", "name": "Ann"}
    ann = APIClient(REMOTE_ADDR="203.0.113.7", HTTP_X_TENANT=tenant.slug, HTTP_IDEMPOTENCY_KEY="k-1")
    bob = APIClient(REMOTE_ADDR="198.51.100.20", HTTP_X_TENANT=tenant.slug, HTTP_IDEMPOTENCY_KEY="k-1")
    # when each signs up with their own body, and Ann repeats hers
    first = ann.post(SIGNUP, body, format="json")
    second = bob.post(SIGNUP, {**body, "phone": "13900139000", "name": "Bob"}, format="json")
    again = ann.post(SIGNUP, body, format="json")
    # then Bob's request runs on its own (no 409, no replay of Ann's answer), and Ann's repeat replays hers
    assert second.status_code == first.status_code
    assert "Idempotent-Replayed" not in second.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    with in_tenant(tenant):
        scopes = sorted(IdempotencyRecord.objects.filter(tenant=tenant).values_list("scope", flat=True))
    assert scopes == [f"POST {SIGNUP} anon 198.51.100.20", f"POST {SIGNUP} anon 203.0.113.7"]
