"""The dashboards' small world (June 2026, Shanghai; `credits_factories.NOW` is the 30th, 12:00),
the funnel tests' world plus a B2C marketplace campaign that must never count:

- P1, the member with visitor v1: WeChat on the 20th, the North guide's poster on the 27th; booked,
  visited North and ordered 199.00 at North on the 28th; also a Tmall order (B2C: no conversion).
- P2, visitor v2 only: WeChat on the 25th, nothing else.
- P3, another member with visitor v3: the guide's poster on the 26th; visited South and ordered
  50.00 at South on the 29th.
- v4: the Tmall shop campaign on the 27th (B2C: never a visitor), with 300.00 of spend.
Spend: WeChat 100.00 on the 10th, the poster 90.00 on the 20th (and 500.00 in May, outside).
"""

from __future__ import annotations

import datetime as dt

from attribution.models import Campaign
from attribution.services.conversions import record_booking, record_order, record_visit
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from tests.attribution.credits_factories import World, build_world, days_ago

TODAY = dt.date(2026, 6, 30)


def build_dashboard_world(tenant: Tenant) -> tuple[World, Campaign]:
    world = build_world(tenant)
    with tenant_scope(tenant):
        tmall = Campaign.objects.create(tenant=tenant, name="Tmall shop", channel="tmall", starts=dt.date(2026, 5, 1))
        world.touch("v1", days_ago(10), world.wechat)
        world.touch("v1", days_ago(3), world.poster, guide=world.guide)
        world.touch("v2", days_ago(5), world.wechat)
        world.touch("v3", days_ago(4), world.poster, guide=world.guide)
        world.touch("v4", days_ago(3), tmall)
        other = world.member_named("+8613800000003")
        record_booking(tenant=tenant, booking_id=world.booking(days_ago(2), visitor_id="v1").pk)
        record_visit(tenant=tenant, visit_id=world.visit(days_ago(2), visitor_id="v1").pk)
        record_order(tenant=tenant, order_id=world.order(days_ago(2), "199.00", visitor_id="v1").pk)
        record_order(
            tenant=tenant,
            order_id=world.order(days_ago(2), "999.00", visitor_id="v1", channel=OrderChannel.B2C).pk,
        )
        record_visit(
            tenant=tenant, visit_id=world.visit(days_ago(1), visitor_id="v3", member=other, store=world.south).pk
        )
        record_order(
            tenant=tenant,
            order_id=world.order(days_ago(1), "50.00", visitor_id="v3", member=other, store=world.south).pk,
        )
        world.spend(world.wechat, dt.date(2026, 6, 10), "100.00")
        world.spend(world.poster, dt.date(2026, 6, 20), "90.00")
        world.spend(world.poster, dt.date(2026, 5, 1), "500.00")
        world.spend(tmall, dt.date(2026, 6, 12), "300.00")
    return world, tmall
