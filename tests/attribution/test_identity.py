"""Identity stitching (attribution.services.identity): a visitor id is one member's, the first
stitch keeps it, and stitching is retroactive and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attribution.models import Touchpoint, VisitorIdentity
from attribution.selectors.identity import member_id_of_visitor, person_visitor_ids
from attribution.services.identity import stitch
from members.services import join_brand
from o2o.tenancy import tenant_scope
from tests.attribution.ingest_factories import ago, event, make_ingest_brand, post

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 2, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def members(tenant):
    with tenant_scope(tenant):
        return join_brand(tenant=tenant, phone="13812345678", name="张伟"), join_brand(
            tenant=tenant, phone="13900001111"
        )


def identities(tenant):
    with tenant_scope(tenant):
        rows = VisitorIdentity.objects.filter(tenant=tenant).order_by("visitor_id")
        return list(rows.values_list("visitor_id", "member_id", "source", "stitched_at"))


def test_a_stitch_records_the_visitor_as_the_members_and_again_changes_nothing(tenant, members):
    zhang, _ = members
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="vid-1", member=zhang, source="sign_up", at=AT)
        stitch(tenant=tenant, visitor_id="vid-1", member=zhang, source="order", at=AT + dt.timedelta(days=1))
    assert identities(tenant) == [("vid-1", zhang.pk, "sign_up", AT)]


def test_a_visitor_seen_later_with_another_member_stays_the_first_ones(tenant, members):
    # given a visitor id (a shared tablet) stitched to Zhang
    zhang, wang = members
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="tablet", member=zhang, source="log_in", at=AT)
        # when Wang logs in on it
        stitch(tenant=tenant, visitor_id="tablet", member=wang, source="log_in", at=AT + dt.timedelta(hours=1))
        # then it is still Zhang's: what it did before is not moved to Wang
        assert person_visitor_ids(tenant=tenant, member=zhang) == ["tablet"]
        assert person_visitor_ids(tenant=tenant, member=wang) == []
        assert member_id_of_visitor(tenant=tenant, visitor_id="tablet") == zhang.pk
    assert identities(tenant) == [("tablet", zhang.pk, "log_in", AT)]


def test_a_blank_visitor_id_stitches_nothing(tenant, members):
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="  ", member=members[0], source="order", at=AT)
        assert member_id_of_visitor(tenant=tenant, visitor_id="") is None
    assert identities(tenant) == []


def test_a_person_is_the_member_with_every_visitor_id_of_theirs_in_this_brand_only(tenant, other_tenant, members):
    zhang, wang = members
    with tenant_scope(tenant):
        for visitor in ("phone-app", "laptop", "mini-program"):
            stitch(tenant=tenant, visitor_id=visitor, member=zhang, source="log_in", at=AT)
        stitch(tenant=tenant, visitor_id="wang-phone", member=wang, source="order", at=AT)
    with tenant_scope(other_tenant):  # the same device id is another brand's business
        elsewhere = join_brand(tenant=other_tenant, phone="13812345678")
        stitch(tenant=other_tenant, visitor_id="desktop", member=elsewhere, source="log_in", at=AT)
        stitch(tenant=other_tenant, visitor_id="laptop", member=elsewhere, source="log_in", at=AT)
    with tenant_scope(tenant):
        assert person_visitor_ids(tenant=tenant, member=zhang) == ["laptop", "mini-program", "phone-app"]
        assert member_id_of_visitor(tenant=tenant, visitor_id="desktop") is None
    with tenant_scope(other_tenant):
        assert person_visitor_ids(tenant=other_tenant, member=elsewhere) == ["desktop", "laptop"]


def test_stitching_is_retroactive_and_merging_a_visitor_into_a_member_twice_changes_nothing(api, tenant, members):
    # given a visitor who scanned a poster a week ago and clicked the guide's link yesterday, and
    # a member who scanned from their own phone
    make_ingest_brand(tenant)
    zhang, _ = members
    device = api(None, tenant)
    post(
        device,
        [event(1, visitor_id="anon", ts=ago(days=7)), event(2, visitor_id="anon", link="GUIDE1", ts=ago(days=1))],
    )
    post(device, [event(3, visitor_id="zhang-phone", ts=ago(hours=2))])
    with tenant_scope(tenant):
        stitch(tenant=tenant, visitor_id="zhang-phone", member=zhang, source="log_in", at=timezone.now())

        def touches():
            ids = person_visitor_ids(tenant=tenant, member=zhang)
            rows = Touchpoint.objects.filter(tenant=tenant, visitor_id__in=ids).order_by("at")
            return list(rows.values_list("client_event_id", flat=True))

        assert touches() == ["e0003"]
        # when the visitor signs up as Zhang (the two persons merge), and the merge is replayed
        stitch(tenant=tenant, visitor_id="anon", member=zhang, source="sign_up", at=timezone.now())
        merged = identities(tenant)
        stitch(tenant=tenant, visitor_id="anon", member=zhang, source="sign_up", at=timezone.now())
        # then Zhang's touchpoints are the visitor's too, those from before the sign-up included
        assert touches() == ["e0001", "e0002", "e0003"]
    # and the replay changed nothing
    assert identities(tenant) == merged
    assert [row[:3] for row in merged] == [("anon", zhang.pk, "sign_up"), ("zhang-phone", zhang.pk, "log_in")]


@pytest.mark.postgres
def test_two_members_stitching_one_visitor_at_once_leave_it_one_members(tenant, members, run_concurrently):
    zhang, wang = members
    who = iter([zhang, wang, zhang, wang])

    def one():
        member = next(who)
        with tenant_scope(tenant):
            stitch(tenant=tenant, visitor_id="kiosk", member=member, source="scan", at=AT)
        return member.pk

    run_concurrently(4, one)
    rows = identities(tenant)
    assert len(rows) == 1
    assert rows[0][1] in {zhang.pk, wang.pk}
