"""The lifecycle (rules.md 4.5) with a stopped clock: pending at completion, approved by the daily
job once the return window (7 days) has passed, payable and paid by settlement; refunds reverse,
reduce or claw back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from guides.handlers import commissions_on_refund
from guides.models import Commission
from guides.services.commissions import mark_paid, mark_payable
from guides.tasks import approve_commissions_task
from o2o.errors import Conflict
from o2o.events.models import Event
from o2o.tenancy import tenant_scope
from orders.events import ORDER_REFUNDED
from tests.guides.conftest import T0

pytestmark = pytest.mark.django_db


def two_lamps(world, frozen):
    """A completed order of 2 lamps (398.00) credited to guide A at T0: 11.94 pending."""
    frozen(T0)
    order = world.place((world.brand.lamp, 2), code=world.guide.code)
    world.complete(order["id"])
    return order["id"], order["lines"][0]["id"]


def ids(world):
    with tenant_scope(world.tenant):
        return list(Commission.objects.order_by("pk").values_list("pk", flat=True))


def test_the_daily_job_approves_after_the_return_window_and_twice_is_harmless(world, frozen):
    two_lamps(world, frozen)
    # a second before the window ends: still pending
    frozen(T0 + dt.timedelta(days=7) - dt.timedelta(seconds=1))
    assert approve_commissions_task(tenant_id=world.tenant.pk) == 0
    assert world.commissions() == [("sale", "pending", Decimal("11.94"), "guide-a")]
    # when the window has passed: approved; run again: nothing more
    frozen(T0 + dt.timedelta(days=7))
    assert approve_commissions_task(tenant_id=world.tenant.pk) == 1
    assert approve_commissions_task(tenant_id=world.tenant.pk) == 0
    assert world.commissions() == [("sale", "approved", Decimal("11.94"), "guide-a")]


def test_settlement_makes_approved_commissions_payable_then_paid(world, frozen):
    two_lamps(world, frozen)
    frozen(T0 + dt.timedelta(days=1))
    # still in its return window: not settleable, and nothing changes
    with tenant_scope(world.tenant), pytest.raises(Conflict):
        mark_payable(tenant=world.tenant, commission_ids=ids(world), run_id=41)
    assert world.commissions() == [("sale", "pending", Decimal("11.94"), "guide-a")]
    frozen(T0 + dt.timedelta(days=8))  # window passed, the daily job not run: approved by settlement
    with tenant_scope(world.tenant):
        assert mark_payable(tenant=world.tenant, commission_ids=ids(world), run_id=41) == 1
        assert mark_payable(tenant=world.tenant, commission_ids=ids(world), run_id=41) == 0
        assert world.commissions() == [("sale", "payable", Decimal("11.94"), "guide-a")]
        assert mark_paid(tenant=world.tenant, run_id=41) == 1
        assert mark_paid(tenant=world.tenant, run_id=41) == 0
    assert world.commissions() == [("sale", "paid", Decimal("11.94"), "guide-a")]


def test_a_full_refund_reverses_a_pending_commission(world, frozen):
    order_id, line = two_lamps(world, frozen)
    world.refund(order_id, (line, 2))
    assert world.commissions() == [("sale", "reversed", Decimal("11.94"), "guide-a")]


def test_a_partial_refund_reverses_and_leaves_the_remainder_in_the_same_status(world, frozen):
    order_id, line = two_lamps(world, frozen)
    frozen(T0 + dt.timedelta(days=7))
    approve_commissions_task(tenant_id=world.tenant.pk)
    # when one lamp of two is refunded
    world.refund(order_id, (line, 1))
    # then 11.94 is reversed and 3% of the 199.00 left, 5.97, stays approved
    assert world.commissions() == [
        ("sale", "reversed", Decimal("11.94"), "guide-a"),
        ("remainder", "approved", Decimal("5.97"), "guide-a"),
    ]
    with tenant_scope(world.tenant):
        first, second = Commission.objects.order_by("pk")
        assert (second.replaces_id, first.reversed_by_id, second.refund_id) == (
            first.pk,
            second.refund_id,
            first.reversed_by_id,
        )
    # and the second lamp refunded too: the remainder reversed, nothing left
    world.refund(order_id, (line, 1))
    assert [row[:3] for row in world.commissions()] == [
        ("sale", "reversed", Decimal("11.94")),
        ("remainder", "reversed", Decimal("5.97")),
    ]


def test_a_refund_after_payable_adds_an_approved_negative_row(world, frozen):
    order_id, line = two_lamps(world, frozen)
    frozen(T0 + dt.timedelta(days=8))
    with tenant_scope(world.tenant):
        mark_payable(tenant=world.tenant, commission_ids=ids(world), run_id=7)
    world.refund(order_id, (line, 1))
    assert world.commissions() == [
        ("sale", "payable", Decimal("11.94"), "guide-a"),
        ("clawback", "approved", Decimal("-5.97"), "guide-a"),
    ]
    world.refund(order_id, (line, 1))
    assert world.commissions() == [
        ("sale", "payable", Decimal("11.94"), "guide-a"),
        ("clawback", "approved", Decimal("-5.97"), "guide-a"),
        ("clawback", "approved", Decimal("-5.97"), "guide-a"),
    ]


def test_the_refund_event_handled_twice_changes_nothing(world, frozen):
    order_id, line = two_lamps(world, frozen)
    world.refund(order_id, (line, 1))
    with tenant_scope(world.tenant):
        before = list(Commission.objects.order_by("pk").values_list("pk", "status", "amount", "updated_at"))
        event = Event.objects.get(name=ORDER_REFUNDED)
        commissions_on_refund(tenant=world.tenant, event=event)
        commissions_on_refund(tenant=world.tenant, event=event)
        assert list(Commission.objects.order_by("pk").values_list("pk", "status", "amount", "updated_at")) == before
    assert [row[1:3] for row in before] == [("reversed", Decimal("11.94")), ("pending", Decimal("5.97"))]


def test_a_late_refund_event_after_a_later_refund_changes_nothing(world, frozen):
    # given two refunds, the first one's event handled again after the second's
    order_id, line = two_lamps(world, frozen)
    frozen(T0 + dt.timedelta(days=8))
    with tenant_scope(world.tenant):
        mark_payable(tenant=world.tenant, commission_ids=ids(world), run_id=7)
    world.refund(order_id, (line, 1))
    world.refund(order_id, (line, 1))
    with tenant_scope(world.tenant):
        first = Event.objects.filter(name=ORDER_REFUNDED).order_by("pk")[0]
        commissions_on_refund(tenant=world.tenant, event=first)
    assert sum(row[2] for row in world.commissions()) == Decimal("0.00")
