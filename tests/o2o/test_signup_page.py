"""/signup/, the web twin of `POST /api/v1/auth/signup/` (test_signup.py is its spec): the same
service, no account oracle, the same lockout. A new phone ends signed in on its membership page; a
known one gets the same answer, no sign-in, and its owner an SMS at most once an hour."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from members.models import Member
from o2o.choices import Role
from o2o.models import TenantRole, User
from o2o.tenancy import tenant_scope

pytestmark = pytest.mark.django_db

FORM = {"phone": "138 0013 8000", "password": "Str0ng-pass-2026", "name": "Li Lei"}
E164 = "+8613800138000"
SENT = (
    "Thank you. If +86 138 0013 8000 had an account with us already, we have sent it a text message: "
    "sign in with your password."
)


def visitor(tenant, *, language: str = "en", address: str = "127.0.0.1") -> Client:
    return Client(HTTP_HOST=f"{tenant.slug}.localhost", HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)


def roles_in(tenant):
    with tenant_scope(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


def sms_sent(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "o2o.notifications"]


def test_the_page_is_a_phone_first_form(tenant):
    html = visitor(tenant).get("/signup/").content.decode()
    assert '<h1 data-testid="page-title">Sign up</h1>' in html
    assert '<input id="id_phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"' in html
    assert 'name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'href="/login/" data-testid="login-link"' in html


def test_the_login_page_links_to_it_when_the_brand_is_known(tenant):
    assert 'href="/signup/" data-testid="signup-link"' in visitor(tenant).get("/login/").content.decode()
    assert "signup-link" not in Client().get("/login/").content.decode()  # no brand: nothing to join


def test_a_new_phone_is_signed_in_and_lands_on_its_membership(tenant, other_tenant, django_capture_on_commit_callbacks):
    client = visitor(tenant)
    # when a consumer signs up with a national number (the membership follows the commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signup/", FORM)
    # then the account exists under the E.164 phone, a consumer of this brand only, signed in
    assert (response.status_code, response["Location"]) == (302, "/me/")
    user = User.objects.get()
    assert (user.username, user.name, user.check_password(FORM["password"])) == (E164, "Li Lei", True)
    assert roles_in(tenant) == [(E164, Role.CONSUMER)]
    assert roles_in(other_tenant) == []
    assert client.session["_auth_user_id"] == str(user.pk)
    # and their membership page shows them, with the same words a known phone gets
    page = client.get("/me/").content.decode()
    assert '<p class="card-name" data-testid="member-name">Li Lei</p>' in page
    assert SENT in page
    with tenant_scope(tenant):
        assert Member.objects.get(tenant=tenant).user == user


def test_a_known_phone_gets_the_same_answer_and_no_sign_in(
    tenant, make_user, caplog, django_capture_on_commit_callbacks
):
    # given a phone that signed up on the web already
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    cache.clear()
    new = visitor(tenant).post("/signup/", FORM)
    owner = User.objects.get()
    # when someone signs it up again, with the right password and with another one
    attempts = [visitor(tenant), visitor(tenant)]
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            attempts[0].post("/signup/", FORM),
            attempts[1].post("/signup/", {**FORM, "password": "Other-pass-2026", "name": "Mallory"}),
        ]
    # then each answer is the new phone's: where it sends them, the cookies it sets, what it says
    for answer in answers:
        assert (answer.status_code, answer["Location"]) == (new.status_code, new["Location"])
        assert sorted(answer.cookies) == sorted(new.cookies) == ["csrftoken", "messages", "sessionid"]
    # but nobody is signed in: the membership page sends them to log in, where the message waits
    for client in attempts:
        assert "_auth_user_id" not in client.session
        landing = client.get("/me/", follow=True)
        assert landing.redirect_chain == [("/login/?next=/me/", 302)]
        assert SENT in landing.content.decode()
    # and nothing changed: one account, its password, its name; the owner told by one SMS an hour
    assert list(User.objects.values_list("username", "name")) == [(E164, "Li Lei")]
    owner.refresh_from_db()
    assert owner.check_password(FORM["password"])
    assert roles_in(tenant) == [(E164, Role.CONSUMER)]
    assert sms_sent(caplog) == [
        "SMS to +8613800138000: Alpha Eyewear: Someone tried to sign up with this phone number, which has an "
        "account already. If it was you, sign in with your password instead; otherwise ignore this message."
    ]


def test_a_weak_password_is_refused_alike_for_a_new_and_a_known_phone(tenant, other_tenant, make_user, caplog):
    # given a phone with an account (in another brand) and one without
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    make_user(other_tenant, Role.CONSUMER, username="+8613900139000")
    # when each signs up with a common password
    answers = [
        visitor(tenant).post("/signup/", {**FORM, "phone": phone, "password": "password123"})
        for phone in ("13900139000", "13800138000")
    ]
    # then both are the same 400 on the form, before the phone is looked up: nothing made, no SMS
    errors = [a.content.decode().split('data-testid="password-error">')[1].split("<")[0] for a in answers]
    assert [a.status_code for a in answers] == [400, 400]
    assert errors == ["This password is too common."] * 2
    assert User.objects.count() == 1
    assert roles_in(tenant) == []
    assert sms_sent(caplog) == []


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Enter a valid phone number."), ("zh-hans", "请输入有效的手机号。")]
)
def test_a_bad_phone_is_named_on_the_form_with_the_input_kept(tenant, language, message):
    response = visitor(tenant, language=language).post("/signup/", {**FORM, "phone": "12345"})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-testid="phone-error">{message}</p>' in html
    assert 'value="12345"' in html
    assert 'value="Li Lei"' in html
    assert FORM["password"] not in html  # a password is never sent back
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Ensure this field has at least 8 characters."), ("zh-hans", "请确保这个字段至少包含 8 个字符。")],
)
def test_a_short_password_is_named_in_the_apis_words(tenant, language, message):
    # the page says what the API says (test_signup.py), in the reader's language
    response = visitor(tenant, language=language).post("/signup/", {**FORM, "password": "Ab1-x"})
    assert response.status_code == 400
    assert f'data-testid="password-error">{message}</p>' in response.content.decode()
    assert User.objects.count() == 0


def test_a_signed_in_person_joins_the_brand_with_their_account(tenant, other_tenant, make_user):
    # given a consumer of another brand, signed in here
    person = make_user(other_tenant, Role.CONSUMER, username=E164)
    client = visitor(tenant)
    client.force_login(person)
    # when they open the page, then join
    page = client.get("/signup/").content.decode()
    response = client.post("/signup/")
    # then they were offered to join with this account, and are a consumer here now
    assert 'data-testid="join">Join Alpha Eyewear</button>' in page
    assert 'name="password"' not in page
    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert roles_in(tenant) == [(E164, Role.CONSUMER)]
    # and a consumer of the brand who opens the page goes to their membership
    assert client.get("/signup/")["Location"] == "/me/"


# tenant, scope (savepoint, set_config), the page's savepoint, the service's savepoint, phone known?,
# the user (savepoint, insert, release), the role (get, savepoint, insert, release), the
# CONSUMER_SIGNED_UP event and its delivery, release; the sign-in: a new session (exists?, savepoint, insert,
# release) and the last login; release, scope (reset, release); the session saved (savepoint,
# update, release)
SIGN_UP_QUERIES = 27


@pytest.mark.parametrize("others", [0, 20])
def test_signing_up_costs_the_same_queries_however_many_consumers(tenant, make_user, others, django_assert_num_queries):
    for number in range(others):
        make_user(tenant, Role.CONSUMER, username=f"+86137{number:08d}")
    client = visitor(tenant)
    with django_assert_num_queries(SIGN_UP_QUERIES):
        assert client.post("/signup/", FORM).status_code == 302
