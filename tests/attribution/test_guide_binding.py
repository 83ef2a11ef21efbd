"""A guide's link or QR code binds the member who follows it (rules.md 4.1): through the real
redirect (a click by link, a scan by QR), through an ingested event, and retroactively when the
visitor id is stitched to the member later; a campaign link without a guide binds nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from attribution.choices import StitchSource
from attribution.services.identity import stitch
from members.models import GuideBinding
from members.services import join_brand
from o2o.tenancy import tenant_scope
from o2o.visitors import VISITOR_COOKIE
from tests.attribution.conftest import post_of
from tests.attribution.factories import make_link
from tests.members.factories import clock

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 10, 4, 0, tzinfo=dt.UTC)


def follow(tenant, code, visitor, capture, scan=False):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.cookies[VISITOR_COOKIE] = visitor
    with capture(execute=True):
        return client.get(f"/t/{code}" + ("?s=qr" if scan else ""))


def bindings(tenant):
    with tenant_scope(tenant):
        return list(
            GuideBinding.objects.order_by("pk").values_list(
                "member__phone", "guide__user__username", "source", "bound_at"
            )
        )


@pytest.fixture
def member(tenant):
    with tenant_scope(tenant):
        return join_brand(tenant=tenant, phone="+8613811112222", name="李娜")


@pytest.fixture
def guide_links(tenant, guide, other_guide):
    with tenant_scope(tenant):
        return (
            make_link(tenant, guide_id=post_of(tenant, guide).pk, target="store"),
            make_link(tenant, guide_id=post_of(tenant, other_guide).pk, target="store"),
        )


def test_a_members_click_binds_by_link_and_anothers_scan_later_does_not_poach(
    tenant, member, guide, other_guide, guide_links, django_capture_on_commit_callbacks
):
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="vid-li", member=member, source=StitchSource.LOG_IN, at=NOW)
    with clock(NOW):
        assert follow(tenant, guide_links[0].code, "vid-li", django_capture_on_commit_callbacks).status_code == 302
    with clock(NOW + dt.timedelta(days=3)):
        follow(tenant, guide_links[1].code, "vid-li", django_capture_on_commit_callbacks, scan=True)
    assert bindings(tenant) == [("+8613811112222", guide.username, "link", NOW)]


def test_a_scan_binds_by_qr(tenant, member, other_guide, guide_links, django_capture_on_commit_callbacks):
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="vid-li", member=member, source=StitchSource.LOG_IN, at=NOW)
    with clock(NOW):
        follow(tenant, guide_links[1].code, "vid-li", django_capture_on_commit_callbacks, scan=True)
    assert bindings(tenant) == [("+8613811112222", other_guide.username, "qr", NOW)]


def test_a_visitor_who_signs_up_later_is_bound_from_their_latest_guide_touch(
    tenant, member, guide, other_guide, guide_links, django_capture_on_commit_callbacks
):
    # given an unknown browser that followed one guide's link, then scanned another's
    with clock(NOW - dt.timedelta(days=12)):
        follow(tenant, guide_links[0].code, "vid-new", django_capture_on_commit_callbacks)
    with clock(NOW - dt.timedelta(days=10)):
        follow(tenant, guide_links[1].code, "vid-new", django_capture_on_commit_callbacks, scan=True)
    assert bindings(tenant) == []  # nobody to bind yet
    # when the visitor id is stitched to the member (sign-up), twice
    with tenant_scope(tenant), clock(NOW):
        stitch(tenant=tenant, visitor_id="vid-new", member=member, source=StitchSource.SIGN_UP, at=NOW)
        stitch(tenant=tenant, visitor_id="vid-new", member=member, source=StitchSource.SIGN_UP, at=NOW)
    # then the latest guide touch binds, from its time, once
    assert bindings(tenant) == [("+8613811112222", other_guide.username, "qr", NOW - dt.timedelta(days=10))]


def test_a_touch_older_than_the_protection_binds_nobody_when_stitched(
    tenant, member, guide_links, django_capture_on_commit_callbacks
):
    with clock(NOW - dt.timedelta(days=31)):
        follow(tenant, guide_links[0].code, "vid-old", django_capture_on_commit_callbacks)
    with tenant_scope(tenant), clock(NOW):
        stitch(tenant=tenant, visitor_id="vid-old", member=member, source=StitchSource.SIGN_UP, at=NOW)
    assert bindings(tenant) == []


def test_an_ingested_event_carrying_a_guides_link_binds_its_member(api, tenant, member, guide, guide_links):
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="app-li", member=member, source=StitchSource.LOG_IN, at=NOW)
    at = timezone.now().replace(microsecond=0)
    event = {"id": "ev-1", "visitor_id": "app-li", "type": "click", "ts": at.isoformat(), "link": guide_links[0].code}
    response = api(None, tenant).post("/api/v1/events/", {"events": [event]}, format="json")
    assert (response.status_code, response.json()["accepted"]) == (202, 1)
    assert bindings(tenant) == [("+8613811112222", guide.username, "link", at)]
