"""Login throttling (django-axes): five wrong passwords lock a username from that address.

Axes is off in the rest of the suite; these tests turn it on. The lock is per username and IP
address together, so an attacker cannot lock a person out everywhere by guessing from elsewhere.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.models import ApiToken

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

ATTACKER_IP = "203.0.113.7"
OTHER_IP = "198.51.100.20"
RIGHT = "pw-secret-42"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def victim(tenant, make_user):
    return make_user(tenant, Role.HQ_ADMIN, username="victim")


def portal_login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def token_login(client: APIClient, username: str, password: str):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_five_wrong_passwords_lock_the_portal_login_even_for_the_right_one(victim):
    # given someone guessing the victim's password from one address
    client = Client(REMOTE_ADDR=ATTACKER_IP)
    # when they try five wrong passwords, then the right one
    statuses = [portal_login(client, "victim", f"guess-{n}").status_code for n in range(5)]
    response = portal_login(client, "victim", RIGHT)
    # then the fifth failure locks the account, and the right password is refused too
    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # and the page says so, in the base layout, with how long to wait
    page = response.content.decode()
    assert '<h1 data-testid="page-title">Account locked</h1>' in page
    assert "Too many failed logins: after 5 wrong passwords this account is locked." in page
    assert "Try again in 15 minutes." in page
    assert AccessAttempt.objects.get(username="victim", ip_address=ATTACKER_IP).failures_since_start == 6


def test_the_lockout_page_speaks_chinese_to_a_chinese_browser(victim):
    client = Client(REMOTE_ADDR=ATTACKER_IP, HTTP_ACCEPT_LANGUAGE="zh-hans")
    for n in range(5):
        portal_login(client, "victim", f"guess-{n}")
    response = portal_login(client, "victim", RIGHT)
    assert response.status_code == 429
    page = response.content.decode()
    assert '<h1 data-testid="page-title">账号已锁定</h1>' in page
    assert "登录失败次数过多：密码错误 5 次后，此账号已被锁定。" in page
    assert "请在 15 分钟后重试。" in page


def test_a_lockout_does_not_stop_other_users_or_the_same_user_elsewhere(victim, tenant, make_user):
    # given the victim locked out from the attacker's address
    make_user(tenant, Role.HQ_STAFF, username="colleague")
    attacker = Client(REMOTE_ADDR=ATTACKER_IP)
    for n in range(5):
        portal_login(attacker, "victim", f"guess-{n}")
    assert portal_login(attacker, "victim", RIGHT).status_code == 429
    # when another user logs in from elsewhere, and the victim from their own address
    colleague = Client(REMOTE_ADDR=OTHER_IP)
    owner = Client(REMOTE_ADDR=OTHER_IP)
    colleague_response = portal_login(colleague, "colleague", RIGHT)
    owner_response = portal_login(owner, "victim", RIGHT)
    # then both are in
    assert (colleague_response.status_code, colleague_response["Location"]) == (302, "/home/")
    assert (owner_response.status_code, owner_response["Location"]) == (302, "/home/")
    assert colleague.session["_auth_user_id"] != owner.session["_auth_user_id"]


def test_fewer_than_five_failures_then_the_right_password_logs_in_and_resets_the_count(victim):
    client = Client(REMOTE_ADDR=ATTACKER_IP)
    for n in range(4):
        portal_login(client, "victim", f"guess-{n}")
    response = portal_login(client, "victim", RIGHT)
    assert (response.status_code, response["Location"]) == (302, "/home/")
    assert AccessAttempt.objects.filter(username="victim").count() == 0


def test_the_token_endpoint_counts_failures_and_answers_a_lockout_in_the_error_format(victim):
    # given someone guessing the victim's password on the API
    client = APIClient(REMOTE_ADDR=ATTACKER_IP)
    # when they send five wrong passwords, then the right one
    failures = [token_login(client, "victim", f"guess-{n}") for n in range(5)]
    response = token_login(client, "victim", RIGHT)
    # then the first four are plain bad credentials, the fifth locks, and the right one gets no token
    assert [r.status_code for r in failures] == [400, 400, 400, 400, 429]
    assert failures[0].json()["code"] == "invalid_credentials"
    assert response.status_code == 429
    assert response.json() == {
        "code": "locked_out",
        "detail": "Too many failed sign-ins: this account is locked for a while. Try again later.",
    }
    assert response["Retry-After"] == "900"
    assert ApiToken.objects.filter(user=victim).exists() is False


def test_api_and_portal_failures_count_together(victim):
    # given three wrong passwords on the portal and two on the API, from one address
    portal = Client(REMOTE_ADDR=ATTACKER_IP)
    api = APIClient(REMOTE_ADDR=ATTACKER_IP)
    for n in range(3):
        portal_login(portal, "victim", f"guess-{n}")
    for n in range(2):
        token_login(api, "victim", f"guess-api-{n}")
    # then both doors are locked
    assert token_login(api, "victim", RIGHT).status_code == 429
    assert portal_login(portal, "victim", RIGHT).status_code == 429
