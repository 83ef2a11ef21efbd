"""The demo orders: a month of orders in every status for each demo brand, placed through the
services with the earlier seeders' catalog, members and stock; seeding twice adds nothing."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from typing import cast

import pytest
from django.core.management import call_command
from django.utils import timezone

from o2o.demo import BRANDS
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.choices import Channel, Fulfilment, OrderStatus
from orders.demo import DEMO_MARK
from orders.models import Order, OrderEvent, Refund
from stores.models import Stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_brands(make_tenant) -> list[Tenant]:
    """The demo brands, made empty (`seed_demo` fills them: its stores seeder opens their stores)."""
    return [make_tenant(brand.slug, name=brand.name, timezone=brand.timezone) for brand in BRANDS]


def snapshot(tenant: Tenant) -> tuple[list, int, int, list]:
    with tenant_scope(tenant):
        return (
            list(Order.objects.filter(tenant=tenant).order_by("pk").values()),
            OrderEvent.objects.filter(tenant=tenant).count(),
            Refund.objects.filter(tenant=tenant).count(),
            list(Stock.objects.filter(tenant=tenant).order_by("pk").values("on_hand", "reserved")),
        )


def test_the_demo_has_a_month_of_orders_in_every_status_for_each_brand(demo_brands):
    # given the demo brands
    # when the whole demo is seeded (kernel, catalog, members, bookings, orders)
    started = time.perf_counter()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    seconds = time.perf_counter() - started
    now = timezone.now()

    for tenant in demo_brands:
        with tenant_scope(tenant):
            orders = list(Order.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK))
            reserved = sum(Stock.objects.filter(tenant=tenant).values_list("reserved", flat=True))
            open_quantities = sum(
                line.quantity
                for order in orders
                if order.status in (OrderStatus.ROUTED, OrderStatus.ACCEPTED, OrderStatus.READY)
                for line in order.lines.all()
            )
        statuses = Counter(order.status for order in orders)
        # then every status but the transient `placed` is there, many completed
        assert set(statuses) == set(OrderStatus.values) - {OrderStatus.PLACED}, tenant.slug
        assert statuses[OrderStatus.COMPLETED] >= 20, statuses
        assert statuses[OrderStatus.ROUTED] >= 3, statuses
        assert statuses[OrderStatus.UNROUTABLE] == 2, statuses
        # re-routed ones (declined by a store, then served by another), and partly refunded ones
        rerouted = [o for o in orders if o.declined_store_ids and o.status != OrderStatus.UNROUTABLE]
        assert len(rerouted) >= 3, tenant.slug
        refunded = [o for o in orders if o.refunded_amount]
        assert refunded, tenant.slug
        assert all(0 < o.refunded_amount < o.total_amount for o in refunded)
        # spread over the past month, with the steps dated after the placing and in each number
        placed = sorted(order.created_at for order in orders)
        assert now - placed[0] >= dt.timedelta(days=28)
        assert all(o.number.startswith(timezone.localtime(o.created_at).strftime("%y%m%d")) for o in orders)
        assert all(
            cast(dt.datetime, o.completed_at) > o.created_at for o in orders if o.status == OrderStatus.COMPLETED
        )
        # routed ones still have time to be accepted; the stock held is exactly what open orders hold
        assert all(cast(dt.datetime, o.accept_by) > now for o in orders if o.status == OrderStatus.ROUTED)
        assert reserved == open_quantities
        # fulfilments and channels mixed; each delivery to a Chinese recipient at a Chinese address
        # with a mobile, each pick-up with its code
        assert {o.fulfilment for o in orders} == set(Fulfilment.values)
        assert {o.channel for o in orders} == set(Channel.values)
        deliveries = [o for o in orders if o.fulfilment == Fulfilment.DELIVERY]
        assert deliveries, tenant.slug
        assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", o.recipient) for o in deliveries), deliveries
        assert all(re.fullmatch(r"\+861\d{10}", o.recipient_phone) for o in deliveries)
        assert all(re.match(r"(上海市|北京市|浙江省杭州市)\w+区.+号.+室$", o.address) for o in deliveries)
        assert all(re.fullmatch(r"\d{6}", o.pickup_code) for o in orders if o.fulfilment == Fulfilment.PICKUP)
    assert seconds < 60  # about 10 s on a quiet machine for both brands, everything seeded


def test_seeding_the_demo_twice_adds_no_order(demo_brands):
    # given the demo seeded once
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = [snapshot(tenant) for tenant in demo_brands]

    # when it is seeded again
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then no order, step, refund or stock count changed
    assert [snapshot(tenant) for tenant in demo_brands] == before
