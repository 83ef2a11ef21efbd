"""Conversions from bookings, visits and orders, and their credits under every heuristic model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal as D
from typing import Any

import pytest

from attribution import handlers
from attribution.choices import StitchSource
from attribution.models import Conversion, Credit, VisitorIdentity
from attribution.services.conversions import record_booking, record_order, record_visit
from attribution.services.credits import recompute_credits
from attribution.tasks import recompute_credits_task
from bookings.events import BOOKING_MADE, STORE_VISITED
from o2o.events.models import Event
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from orders.events import ORDER_PLACED
from tests.attribution.credits_factories import World, build_world, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant: Tenant, make_staff: Callable[[Any, str], User]) -> World:
    return build_world(tenant)


@pytest.fixture(autouse=True)
def scoped(world: World) -> Iterator[None]:
    with tenant_scope(world.tenant):
        yield


def credit_rows(conversion: Conversion) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for credit in Credit.objects.filter(conversion=conversion).order_by("model", "touchpoint__at"):
        rows.setdefault(credit.model, []).append(
            (credit.touchpoint_id, credit.share, credit.campaign_id, credit.channel, credit.guide_id)
        )
    return rows


def snapshot() -> list[list[Any]]:
    return [
        list(Conversion.objects.order_by("pk").values()),
        list(Credit.objects.order_by("pk").values()),
        list(VisitorIdentity.objects.order_by("pk").values()),
    ]


def test_a_journey_booked_visited_and_ordered_is_credited_under_every_model(world: World) -> None:
    wechat = world.touch("v1", days_ago(10), world.wechat)
    poster = world.touch("v1", days_ago(3), world.poster, guide=world.guide)
    world.touch("v1", days_ago(45), world.wechat)  # outside the 30-day lookback
    booking = world.booking(days_ago(2), visitor_id="v1")
    visit = world.visit(days_ago(2), visitor_id="v1", store=world.south)
    order = world.order(days_ago(2), "199.00", visitor_id="v1")

    conversions = [
        record_booking(tenant=world.tenant, booking_id=booking.pk),
        record_visit(tenant=world.tenant, visit_id=visit.pk),
        record_order(tenant=world.tenant, order_id=order.pk),
    ]

    w, p = (wechat.pk, world.wechat.pk, "wechat", None), (poster.pk, world.poster.pk, "poster", world.guide.pk)
    # ages 8 and 1 days: time decay's weights 2**(-8/7) and 2**(-1/7), one half-life apart: 1/3, 2/3
    expected = {
        "first_touch": [(w[0], D(1), *w[1:])],
        "last_touch": [(p[0], D(1), *p[1:])],
        "linear": [(w[0], D("0.5"), *w[1:]), (p[0], D("0.5"), *p[1:])],
        "position_based": [(w[0], D("0.5"), *w[1:]), (p[0], D("0.5"), *p[1:])],
        "time_decay": [(w[0], D("0.333333333333"), *w[1:]), (p[0], D("0.666666666667"), *p[1:])],
    }
    for conversion in conversions:
        assert conversion is not None
        assert credit_rows(conversion) == expected
        assert conversion.credited_at is not None
    booked, visited, ordered = (conversion for conversion in conversions if conversion is not None)
    assert (booked.kind, booked.at, booked.store, booked.member, booked.revenue) == (
        "booking",
        days_ago(2),
        world.north,
        world.member,
        D("0.00"),
    )
    assert (visited.kind, visited.store, ordered.kind, ordered.revenue) == ("visit", world.south, "order", D("199.00"))
    credit = Credit.objects.get(conversion=ordered, model="last_touch")
    assert (credit.kind, credit.at, credit.store, credit.revenue) == ("order", days_ago(2), world.north, D("199.00"))
    identity = VisitorIdentity.objects.get(visitor_id="v1")
    assert (identity.member, identity.source) == (world.member, StitchSource.BOOKING)


def test_each_handler_run_twice_changes_nothing(world: World) -> None:
    world.touch("v1", days_ago(3), world.wechat)
    booking = world.booking(days_ago(1), visitor_id="v1")
    visit = world.visit(days_ago(1), visitor_id="v1")
    order = world.order(days_ago(1), "50.00", visitor_id="v1")
    events = [
        (
            handlers.conversion_on_booking,
            Event(tenant=world.tenant, name=BOOKING_MADE, payload={"booking_id": booking.pk}),
        ),
        (handlers.conversion_on_visit, Event(tenant=world.tenant, name=STORE_VISITED, payload={"visit_id": visit.pk})),
        (handlers.conversion_on_order, Event(tenant=world.tenant, name=ORDER_PLACED, payload={"order_id": order.pk})),
    ]
    for handler, event in events:
        handler(tenant=world.tenant, event=event)
    once = snapshot()
    for handler, event in events:
        handler(tenant=world.tenant, event=event)
    assert snapshot() == once
    assert Conversion.objects.count() == 3
    assert Credit.objects.count() == 3 * 5  # one touch: one row per model


def test_a_b2c_marketplace_order_is_never_a_conversion(world: World) -> None:
    world.touch("v1", days_ago(3), world.wechat)
    order = world.order(days_ago(1), "80.00", visitor_id="v1", channel=OrderChannel.B2C)
    assert record_order(tenant=world.tenant, order_id=order.pk) is None
    assert (Conversion.objects.count(), Credit.objects.count()) == (0, 0)


def test_a_conversion_with_no_touch_is_recorded_unattributed(world: World) -> None:
    conversion = record_visit(tenant=world.tenant, visit_id=world.visit(days_ago(1), visitor_id="v9").pk)
    assert conversion is not None
    assert conversion.credited_at is not None
    assert Credit.objects.count() == 0


def test_touchpoints_before_sign_up_count_once_stitched_and_recomputed(world: World) -> None:
    early = world.touch("phone-browser", days_ago(6), world.wechat)  # before the person was known
    booking = world.booking(days_ago(1), visitor_id="app-device")
    conversion = record_booking(tenant=world.tenant, booking_id=booking.pk)
    assert conversion is not None
    assert Credit.objects.count() == 0  # the app device has no touch

    VisitorIdentity.objects.create(
        tenant=world.tenant, visitor_id="phone-browser", member=world.member, source=StitchSource.LOG_IN
    )
    written = recompute_credits(tenant=world.tenant, start=days_ago(30), end=days_ago(0))

    assert written == 5
    assert credit_rows(conversion)["last_touch"] == [(early.pk, D(1), world.wechat.pk, "wechat", None)]


def test_recomputing_a_window_gives_identical_numbers(world: World) -> None:
    for age in (9, 5, 2):
        world.touch("v1", days_ago(age), world.wechat if age % 2 else world.poster)
    world.touch("v2", days_ago(4), world.poster)
    record_order(tenant=world.tenant, order_id=world.order(days_ago(1), "30.00", visitor_id="v1").pk)
    record_booking(
        tenant=world.tenant,
        booking_id=world.booking(days_ago(1), visitor_id="v2", member=world.member_named("+8613800000002")).pk,
    )

    def numbers() -> list[tuple[Any, ...]]:
        return list(
            Credit.objects.order_by("conversion", "model", "touchpoint").values_list(
                "conversion", "model", "touchpoint", "share", "campaign", "channel", "revenue"
            )
        )

    first = numbers()
    assert recompute_credits_task(
        tenant_id=world.tenant.pk, start=days_ago(30).isoformat(), end=days_ago(0).isoformat()
    ) == len(first)
    assert numbers() == first
    recompute_credits(tenant=world.tenant, start=days_ago(30), end=days_ago(0))
    assert numbers() == first
    for conversion_id in {row[0] for row in first}:
        for model in ("first_touch", "last_touch", "linear", "position_based", "time_decay"):
            assert sum(row[3] for row in first if row[:2] == (conversion_id, model)) == 1


def test_recomputing_takes_the_same_queries_for_one_conversion_or_many(
    world: World,
    django_assert_num_queries: Any,
) -> None:
    def queries_for(n: int, visitor: str) -> None:
        for i in range(n):
            world.touch(f"{visitor}{i}", days_ago(3), world.wechat)
            world.visit(days_ago(1), visitor_id=f"{visitor}{i}", member=world.member_named(f"+86139{visitor}{i:05d}"))

    queries_for(1, "1")
    from bookings.models import StoreVisit

    for visit in StoreVisit.objects.all():
        record_visit(tenant=world.tenant, visit_id=visit.pk)
    # select the conversions, delete their credits, identities, touchpoints, insert, mark credited
    with django_assert_num_queries(8):
        recompute_credits(tenant=world.tenant, start=days_ago(2), end=days_ago(0))
    queries_for(6, "2")
    for visit in StoreVisit.objects.all():
        record_visit(tenant=world.tenant, visit_id=visit.pk)
    with django_assert_num_queries(8):
        recompute_credits(tenant=world.tenant, start=days_ago(2), end=days_ago(0))
    assert Credit.objects.filter(model="linear").count() == 7


def test_a_walk_in_recorded_by_the_bookings_app_becomes_a_credited_conversion(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from bookings.services.visits import record_walk_in

    touch = world.touch("phone-1", days_ago(2), world.poster, guide=world.guide)
    with django_capture_on_commit_callbacks(execute=True):
        visit, _ = record_walk_in(
            tenant=world.tenant, store=world.south, member=world.member, visitor_id="phone-1", now=days_ago(0)
        )
    conversion = Conversion.objects.get(kind="visit", source_id=visit.pk)
    assert (conversion.store, conversion.member) == (world.south, world.member)
    assert credit_rows(conversion)["last_touch"] == [(touch.pk, D(1), world.poster.pk, "poster", world.guide.pk)]
    assert VisitorIdentity.objects.get(visitor_id="phone-1").source == StitchSource.SCAN


def test_touchpoints_of_a_b2c_marketplace_channel_are_never_credited(world: World) -> None:
    world.touch("v1", days_ago(3), channel="tmall")
    own = world.touch("v1", days_ago(4), world.wechat)
    conversion = record_visit(tenant=world.tenant, visit_id=world.visit(days_ago(1), visitor_id="v1").pk)
    assert conversion is not None
    assert credit_rows(conversion)["last_touch"] == [(own.pk, D(1), world.wechat.pk, "wechat", None)]
