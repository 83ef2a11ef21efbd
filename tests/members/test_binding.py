"""Binding a customer to a guide (rules.md 4.1): by link, QR and in-store service; no poaching while
protected; renewal by the same guide; expiry then another guide; manual re-binding with its reason
and the history; the member found by phone or member code."""

from __future__ import annotations

import datetime as dt

import pytest

from members.binding import BindOutcome, bind, rebind, record_served
from members.cards import card_payload
from members.models import GuideBinding, ServedBy
from members.selectors import binding_history, get_current_binding
from o2o.choices import Role
from o2o.errors import InvalidInput
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff
from tests.members.factories import LATER, clock

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def post(tenant, user):
    with tenant_scope(tenant):
        return StoreStaff.objects.select_related("store").get(tenant=tenant, user=user)


@pytest.fixture
def guides(brand, make_staff):
    """Two guides of the home store and one of the other store."""
    ada = post(brand.tenant, brand.home_guide)
    bo = post(brand.tenant, make_staff(brand.tenant, brand.home, Role.GUIDE, "guide-bo"))
    cy = post(brand.tenant, make_staff(brand.tenant, brand.other, Role.GUIDE, "guide-cy"))
    return ada, bo, cy


def history(brand):
    with tenant_scope(brand.tenant):
        return [
            (b.guide.code, b.source, b.bound_at, b.bound_until, b.reason)
            for b in binding_history(tenant=brand.tenant, member=brand.member)
        ]


def bind_at(brand, guide, source, at):
    with tenant_scope(brand.tenant), clock(at):
        return bind(tenant=brand.tenant, member=brand.member, guide=guide, source=source)


def test_a_link_binds_for_30_days_and_another_guides_qr_does_not_poach(brand, guides):
    ada, bo, _ = guides
    first = bind_at(brand, ada, "link", LATER)
    poach = bind_at(brand, bo, "qr", LATER + 10 * DAY)
    assert (first.outcome, poach.outcome) == (BindOutcome.BOUND, BindOutcome.KEPT_BY_OTHER)
    assert poach.binding.pk == first.binding.pk
    assert history(brand) == [("guide-sh01", "link", LATER, LATER + 30 * DAY, "")]
    with tenant_scope(brand.tenant):
        current = get_current_binding(tenant=brand.tenant, member=brand.member, at=LATER + 29 * DAY)
        assert current is not None
        assert current.guide_id == ada.pk


def test_the_same_guide_renews_from_the_new_touch_and_the_same_touch_twice_renews_nothing(brand, guides):
    ada, _, _ = guides
    bind_at(brand, ada, "link", LATER)
    renewed = bind_at(brand, ada, "qr", LATER + 20 * DAY)
    again = bind_at(brand, ada, "qr", LATER + 20 * DAY)
    assert (renewed.outcome, again.outcome) == (BindOutcome.RENEWED, BindOutcome.UNCHANGED)
    assert history(brand) == [
        ("guide-sh01", "link", LATER, LATER + 30 * DAY, ""),
        ("guide-sh01", "qr", LATER + 20 * DAY, LATER + 50 * DAY, ""),
    ]


def test_after_expiry_another_guide_binds_and_a_departed_guides_binding_protects_nobody(brand, guides):
    ada, bo, cy = guides
    bind_at(brand, ada, "link", LATER)
    after_expiry = bind_at(brand, bo, "link", LATER + 30 * DAY)
    with tenant_scope(brand.tenant):
        StoreStaff.objects.filter(pk=bo.pk).update(is_active=False)
    after_leaving = bind_at(brand, cy, "qr", LATER + 31 * DAY)
    assert (after_expiry.outcome, after_leaving.outcome) == (BindOutcome.BOUND, BindOutcome.BOUND)
    assert [row[:2] for row in history(brand)] == [("guide-sh01", "link"), ("guide-bo", "link"), ("guide-cy", "qr")]


def test_serving_by_phone_or_member_code_binds_and_notes_the_store(brand, guides):
    _, _, cy = guides
    with tenant_scope(brand.tenant), clock(LATER):
        served = record_served(tenant=brand.tenant, guide=cy, phone="138 1234 5678")
        again = record_served(
            tenant=brand.tenant, guide=cy, member_code=card_payload(tenant=brand.tenant, member=brand.member)
        )
        stores = set(ServedBy.objects.filter(member=brand.member).values_list("store__code", flat=True))
    assert (served.member.pk, served.result.outcome, again.result.outcome) == (
        brand.member.pk,
        BindOutcome.BOUND,
        BindOutcome.UNCHANGED,
    )
    assert stores == {"SH01", "SH02"}
    assert history(brand) == [("guide-cy", "served", LATER, LATER + 30 * DAY, "")]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"phone": "+8613900000000"}, "phone"),  # not a member of the brand
        ({"phone": "12"}, "phone"),  # not a phone number
        ({}, "phone"),  # neither
        ({"member_code": "alpha:00000001:forged"}, "member_code"),
    ],
)
def test_serving_someone_who_is_not_a_member_is_a_400_naming_the_field(brand, guides, given, field):
    with tenant_scope(brand.tenant), pytest.raises(InvalidInput) as error:
        record_served(tenant=brand.tenant, guide=guides[0], **given)
    assert (error.value.status_code, list(error.value.extra["errors"])) == (400, [field])
    assert history(brand) == []


def test_a_manager_rebinds_by_hand_with_a_reason_kept_and_the_old_binding_ends_then(brand, guides):
    ada, _, cy = guides
    bind_at(brand, ada, "link", LATER)
    with tenant_scope(brand.tenant), clock(LATER + 5 * DAY):
        with pytest.raises(InvalidInput) as error:
            rebind(tenant=brand.tenant, member=brand.member, guide=cy, by=brand.other_manager, reason="  ")
        assert list(error.value.extra["errors"]) == ["reason"]
        rebind(tenant=brand.tenant, member=brand.member, guide=cy, by=brand.other_manager, reason="moved to Pudong")
    assert history(brand) == [
        ("guide-sh01", "link", LATER, LATER + 30 * DAY, ""),
        ("guide-cy", "manual", LATER + 5 * DAY, LATER + 35 * DAY, "moved to Pudong"),
    ]
    with tenant_scope(brand.tenant):
        current = get_current_binding(tenant=brand.tenant, member=brand.member, at=LATER + 6 * DAY)
        assert current is not None
        assert current.guide_id == cy.pk
        assert GuideBinding.objects.get(source="manual").created_by == brand.other_manager
    # and the first guide's link no longer takes them back
    assert bind_at(brand, ada, "link", LATER + 7 * DAY).outcome == BindOutcome.KEPT_BY_OTHER
