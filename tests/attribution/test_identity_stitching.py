"""Stitching at sign-up (the kernel's CONSUMER_SIGNED_UP with the `visitor_id` this issue proposes
it carries) and at log-in (the request's visitor cookie): attribution.handlers_identity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

import attribution.handlers_identity  # noqa: F401  registers the handlers until attribution.handlers imports them
from attribution.handlers_identity import stitch_on_sign_up
from attribution.models import VisitorIdentity
from members.handlers import membership_on_sign_up
from members.models import Member
from members.services import join_brand
from o2o.events import CONSUMER_SIGNED_UP, record_event
from o2o.events.models import Event
from o2o.tenancy import tenant_scope
from o2o.visitors import VISITOR_COOKIE

pytestmark = pytest.mark.django_db

PHONE = "+8613812345678"
AT = dt.datetime(2026, 11, 2, 10, 30, tzinfo=dt.UTC)


def identities(tenant):
    with tenant_scope(tenant):
        rows = VisitorIdentity.objects.filter(tenant=tenant).order_by("visitor_id")
        return list(rows.values_list("visitor_id", "member__phone", "source"))


def members(tenant):
    with tenant_scope(tenant):
        return list(Member.objects.filter(tenant=tenant).values_list("phone", "user__username"))


@pytest.fixture
def consumer(tenant, make_user):
    return make_user(tenant, "consumer", username=PHONE)


def signed_up(tenant, user, **payload):
    return Event(tenant=tenant, name=CONSUMER_SIGNED_UP, payload={"user_id": user.pk, **payload}, recorded_at=AT)


def test_signing_up_with_a_visitor_cookie_stitches_it_to_the_new_member(
    tenant, consumer, django_capture_on_commit_callbacks
):
    # when the kernel records the sign-up with the request's visitor id (its deliveries run after the commit)
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(tenant):
        record_event(tenant=tenant, name=CONSUMER_SIGNED_UP, user_id=consumer.pk, visitor_id="vid-signup")
    # then one member (whichever handler ran first made it) owns the visitor id
    assert members(tenant) == [(PHONE, PHONE)]
    assert identities(tenant) == [("vid-signup", PHONE, "sign_up")]


def test_a_sign_up_event_without_a_visitor_id_stitches_nothing(tenant, consumer, django_capture_on_commit_callbacks):
    # the event as the kernel records it today: {"user_id"} only
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(tenant):
        record_event(tenant=tenant, name=CONSUMER_SIGNED_UP, user_id=consumer.pk)
    assert members(tenant) == [(PHONE, PHONE)]
    assert identities(tenant) == []


def test_the_sign_up_stitch_runs_before_or_after_the_membership_and_twice_alike(tenant, consumer):
    # when attribution's handler runs before the members app's, then both again (a replay)
    with tenant_scope(tenant):
        event = signed_up(tenant, consumer, visitor_id="vid-1")
        stitch_on_sign_up(tenant=tenant, event=event)
        membership_on_sign_up(tenant=tenant, event=event)
        stitch_on_sign_up(tenant=tenant, event=event)
        membership_on_sign_up(tenant=tenant, event=event)
    # then there is one member, owning the visitor id once
    assert members(tenant) == [(PHONE, PHONE)]
    assert identities(tenant) == [("vid-1", PHONE, "sign_up")]


def test_a_sign_up_of_an_account_gone_since_stitches_nothing(tenant):
    event = Event(
        tenant=tenant, name=CONSUMER_SIGNED_UP, payload={"user_id": 999_999, "visitor_id": "v"}, recorded_at=AT
    )
    with tenant_scope(tenant):
        stitch_on_sign_up(tenant=tenant, event=event)
    assert (members(tenant), identities(tenant)) == ([], [])


def _log_in(client, username=PHONE):
    return client.post("/login/", {"username": username, "password": "pw-secret-42"})


def test_a_member_logging_in_with_a_visitor_cookie_gets_it_stitched(tenant, consumer):
    # given a member whose browser carries a visitor cookie
    with tenant_scope(tenant):
        join_brand(tenant=tenant, phone=PHONE, user=consumer)
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.cookies[VISITOR_COOKIE] = "vid-browser"
    # when they log in on the brand's site
    assert _log_in(client).status_code == 302
    # then the browser's visitor id is theirs
    assert identities(tenant) == [("vid-browser", PHONE, "log_in")]


def test_a_log_in_without_a_brand_a_cookie_or_a_membership_stitches_nothing(tenant, consumer, hq_admin):
    with tenant_scope(tenant):
        join_brand(tenant=tenant, phone=PHONE, user=consumer)
    no_brand, no_cookie, not_member = (
        Client(),
        Client(HTTP_HOST=f"{tenant.slug}.localhost"),
        Client(HTTP_HOST=f"{tenant.slug}.localhost"),
    )
    no_brand.cookies[VISITOR_COOKIE] = "vid-1"
    not_member.cookies[VISITOR_COOKIE] = "vid-2"
    assert _log_in(no_brand).status_code == 302
    assert _log_in(no_cookie).status_code == 302
    assert _log_in(not_member, username="alpha-admin").status_code == 302
    assert identities(tenant) == []
