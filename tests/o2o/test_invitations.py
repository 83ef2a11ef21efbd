"""HQ roles across brands by invitation: the code goes to the person only, who accepts signed in;
no answer tells the inviting brand whether an account exists anywhere."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.test import Client
from django.utils import timezone

from o2o.choices import Role
from o2o.models import RoleInvitation, TenantRole

INVITATIONS = "/api/v1/roles/invitations/"
ACCEPT = "/api/v1/invitations/accept/"

pytestmark = pytest.mark.django_db


def roles_in(in_tenant, tenant):
    with in_tenant(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


def sent_codes(caplog, mailoutbox) -> list[str]:
    texts = [r.getMessage() for r in caplog.records if r.name == "o2o.notifications"] + [m.body for m in mailoutbox]
    return [code for text in texts for code in re.findall(r"code=([\w-]+)", text)]


@pytest.fixture
def captured(caplog):
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    return caplog


def invite(client, **body):
    return client.post(INVITATIONS, {"role": "hq_staff", **body}, format="json")


def test_an_invitation_answers_the_same_whether_or_not_the_phone_has_an_account(
    api, tenant, other_tenant, hq_admin, make_user, captured, mailoutbox, django_capture_on_commit_callbacks
):
    # given a consumer of beta whose username is their phone, and a phone nobody has
    make_user(other_tenant, Role.CONSUMER, username="+8613800138000")
    client = api(hq_admin, tenant)
    # when alpha's admin invites both phones
    with django_capture_on_commit_callbacks(execute=True):
        known = invite(client, phone="13800138000")
        unknown = invite(client, phone="13900139000")
    # then both answers have the same shape and say nothing but the invitation itself
    assert (known.status_code, unknown.status_code) == (201, 201)
    strip = {"id", "phone", "created_at", "expires_at"}
    assert {k: v for k, v in known.json().items() if k not in strip} == {
        "role": "hq_staff",
        "email": "",
        "status": "open",
        "accepted_at": None,
    }
    assert {k: v for k, v in known.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }
    assert known.json()["phone"] == "+8613800138000"
    # and the code went by SMS to each phone, never into the answer
    codes = sent_codes(captured, mailoutbox)
    assert len(codes) == 2
    assert all(code not in known.content.decode() + unknown.content.decode() for code in codes)
    sms = [r.getMessage() for r in captured.records if r.name == "o2o.notifications"]
    assert sms[0].startswith(
        "SMS to +8613800138000: Alpha Eyewear invites you: You are invited to work for Alpha Eyewear as HQ staff."
    )
    assert f"http://localhost:8000/invitations/accept/?brand={tenant.slug}&code={codes[0]}" in sms[0]


def test_the_invited_person_accepts_with_their_own_account_once(
    api, tenant, other_tenant, hq_admin, make_user, in_tenant, captured, mailoutbox, django_capture_on_commit_callbacks
):
    # given beta's consumer invited to alpha by e-mail
    person = make_user(other_tenant, Role.CONSUMER, username="beta-person")
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(api(hq_admin, tenant), email="person@example.com").status_code == 201
    [code] = sent_codes(captured, mailoutbox)
    assert mailoutbox[0].to == ["person@example.com"]
    # when they accept it signed in, then try again
    accepted = api(person, tenant).post(ACCEPT, {"code": code}, format="json")
    again = api(person, tenant).post(ACCEPT, {"code": code}, format="json")
    # then they hold the role in alpha once, the second use is refused naming code, and beta is unchanged
    assert accepted.status_code == 201
    assert accepted.json()["role"] == "hq_staff"
    assert accepted.json()["username"] == "beta-person"
    assert (again.status_code, again.json()["errors"]) == (
        400,
        {"code": ["This invitation is unknown, used or expired: ask for a new one."]},
    )
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN), ("beta-person", Role.HQ_STAFF)]
    assert roles_in(in_tenant, other_tenant) == [("beta-person", Role.CONSUMER)]
    with in_tenant(tenant):
        row = RoleInvitation.objects.get(tenant=tenant)
    assert (row.accepted_by_id, row.code_digest != code) == (person.pk, True)


def test_an_expired_a_foreign_or_a_made_up_code_is_refused_alike(
    api, tenant, other_tenant, hq_admin, make_user, in_tenant, captured, mailoutbox, django_capture_on_commit_callbacks
):
    # given an invitation of beta and an expired one of alpha
    beta_admin = make_user(other_tenant, Role.HQ_ADMIN, username="beta-admin")
    with django_capture_on_commit_callbacks(execute=True):
        invite(api(beta_admin, other_tenant), phone="13800138000")
        invite(api(hq_admin, tenant), phone="13900139000")
    beta_code, alpha_code = sent_codes(captured, mailoutbox)
    with in_tenant(tenant):
        RoleInvitation.objects.filter(tenant=tenant).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    person = make_user(None, username="person")
    client = api(person, tenant)
    # when the person uses each in alpha
    answers = [client.post(ACCEPT, {"code": code}, format="json") for code in (alpha_code, beta_code, "made-up")]
    # then each is the same 400 naming code, and nobody got a role
    assert {(a.status_code, str(a.json()["errors"])) for a in answers} == {
        (400, "{'code': ['This invitation is unknown, used or expired: ask for a new one.']}")
    }
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN)]


def test_accepting_needs_a_signed_in_user(api, tenant):
    response = api(None, tenant).post(ACCEPT, {"code": "x"}, format="json")
    assert response.status_code == 401


def test_an_invitation_names_a_phone_or_an_email(api, tenant, hq_admin, in_tenant):
    response = invite(api(hq_admin, tenant))
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "phone": ["Give the phone number or the e-mail address of the person to invite."]
    }
    with in_tenant(tenant):
        assert RoleInvitation.objects.filter(tenant=tenant).count() == 0


def test_the_admin_lists_and_withdraws_open_invitations(api, tenant, hq_admin, in_tenant):
    # given two invitations
    client = api(hq_admin, tenant)
    first = invite(client, phone="13800138000").json()
    invite(client, email="b@example.com", role="hq_admin")
    # when the admin withdraws the first, then lists
    withdrawn = client.delete(f"{INVITATIONS}{first['id']}/")
    listed = client.get(INVITATIONS)
    # then only the second is left
    assert withdrawn.status_code == 204
    assert [(row["email"], row["role"]) for row in listed.json()["results"]] == [("b@example.com", "hq_admin")]
    assert client.get(f"{INVITATIONS}{first['id']}/").status_code == 404


def test_the_invitation_page_offers_the_role_and_gives_it(
    api, tenant, other_tenant, hq_admin, make_user, in_tenant, captured, mailoutbox, django_capture_on_commit_callbacks
):
    # given an invitation, and a person of beta signed in on the portal
    with django_capture_on_commit_callbacks(execute=True):
        invite(api(hq_admin, tenant), phone="13800138000")
    [known_code] = sent_codes(captured, mailoutbox)
    person = make_user(other_tenant, Role.CONSUMER, username="beta-person")
    browser = Client()
    browser.force_login(person)
    url = f"/invitations/accept/?brand={tenant.slug}&code={known_code}"
    # when they open the link, then accept
    page = browser.get(url)
    accepted = browser.post(url)
    # then the page names the brand and role, and accepting lands them in alpha's HQ portal
    assert page.status_code == 200
    assert "Alpha Eyewear invites you to work with them as HQ staff." in page.content.decode()
    assert (accepted.status_code, accepted["Location"]) == (302, "/home/")
    assert browser.get("/home/")["Location"] == "/hq/"
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN), ("beta-person", Role.HQ_STAFF)]
    # and the used link is now refused, saying so
    used = browser.get(url)
    assert (used.status_code, used["X-Page-Error"]) == (400, "invalid")
    assert "This invitation is unknown, used or expired: ask for a new one." in used.content.decode()
    # and a link naming no brand of the platform is not found
    assert browser.get(f"/invitations/accept/?brand=nope&code={known_code}").status_code == 404
