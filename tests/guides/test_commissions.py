"""Commissions from the order-completed event (rules.md 4.2, 4.4): one per credited line, the
beneficiary code > binding > claim, rate x net line amount to the cent, the event twice changes
nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guides.handlers import commissions_on_completion
from guides.models import Commission
from members.models import GuideBinding
from o2o.events.models import Event
from o2o.tenancy import tenant_scope
from orders.events import ORDER_COMPLETED

pytestmark = pytest.mark.django_db


def bind(world, post) -> None:
    now = timezone.now()
    with tenant_scope(world.tenant):
        GuideBinding.objects.create(
            tenant=world.tenant,
            member=world.brand.member,
            guide=post,
            store=post.store,
            source="link",
            bound_at=now - dt.timedelta(days=1),
            bound_until=now + dt.timedelta(days=29),
        )


def test_a_guide_code_order_earns_three_percent_of_each_line_to_the_cent(world):
    # given an order naming guide A's code: a lamp at 199.00 and 3 bulbs at 12.50 (37.50)
    order = world.place((world.brand.lamp, 1), (world.brand.bulb, 3), code=world.guide.code)
    # when it completes
    world.complete(order["id"])
    # then A has one pending commission per line: 3% of 199.00 = 5.97, of 37.50 = 1.125 -> 1.13
    assert world.commissions() == [
        ("sale", "pending", Decimal("5.97"), "guide-a"),
        ("sale", "pending", Decimal("1.13"), "guide-a"),
    ]
    with tenant_scope(world.tenant):
        assert list(Commission.objects.order_by("pk").values_list("source", "rate", "base_amount")) == [
            ("code", Decimal("0.0300"), Decimal("199.00")),
            ("code", Decimal("0.0300"), Decimal("37.50")),
        ]


def test_an_order_without_a_beneficiary_earns_nothing(world):
    order = world.place((world.brand.lamp, 1))
    world.complete(order["id"])
    assert world.commissions() == []


def test_the_code_beats_the_binding_and_the_binding_earns_without_a_code(world):
    # given the consumer bound to guide B
    bind(world, world.other_guide)
    # when one order names A's code and another names none
    with_code = world.place((world.brand.lamp, 1), code=world.guide.code)
    without = world.place((world.brand.bulb, 1))
    world.complete(with_code["id"])
    world.complete(without["id"])
    # then the first credits A (code), the second B (binding)
    with tenant_scope(world.tenant):
        rows = list(Commission.objects.order_by("pk").values_list("order_id", "guide_id", "source", "amount"))
    assert rows == [
        (with_code["id"], world.guide.pk, "code", Decimal("5.97")),
        (without["id"], world.other_guide.pk, "binding", Decimal("0.38")),  # 3% of 12.50 = 0.375
    ]


def test_the_completion_event_handled_twice_changes_nothing(world):
    order = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(order["id"])
    with tenant_scope(world.tenant):
        event = Event.objects.get(name=ORDER_COMPLETED, payload__order_id=order["id"])
        before = list(Commission.objects.values_list("pk", "amount", "status", "updated_at"))
        commissions_on_completion(tenant=world.tenant, event=event)
        assert list(Commission.objects.values_list("pk", "amount", "status", "updated_at")) == before
    assert len(before) == 1
