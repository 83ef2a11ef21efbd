"""The campaign page's funnel of the last 30 days (in all, and by store) and its recent conversions,
each leading to its booking's or order's HQ page; exact values under the brand's model (last
touch); a query count that does not grow with conversions or links.

The world (days before now, Shanghai):
- P1 (张伟, visitor v1): WeChat 10 days ago, the guide's poster at North 3 days ago; booked, checked
  in at North and ordered 199.00 there 2 days ago.
- P2 (visitor v2): the poster 5 days ago, nothing else.
- P3 (another member, visitor v3): the poster 4 days ago; walked in at South and ordered 50.00
  there a day ago.
Spend: the poster 90.00 five days ago, WeChat 100.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from attribution.services.conversions import record_booking, record_order, record_visit
from bookings.choices import VisitSource
from bookings.models import StoreVisit
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from tests.attribution.credits_factories import World, build_world
from tests.attribution.factories import make_link

pytestmark = pytest.mark.django_db

# the detail page's 15 (tests/attribution/test_campaigns_pages.py) and: the campaign's funnel
# (visitors, credits, spend, the label), its split by store (visitors, credits, spend, the visits'
# credits, the labels), the recent conversions, the visits' bookings
PAGE_QUERIES = 15 + 4 + 5 + 2


def ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def world(tenant: Tenant) -> World:
    world = build_world(tenant)
    with tenant_scope(tenant):
        world.touch("v1", ago(10), world.wechat)
        world.touch("v1", ago(3), world.poster, guide=world.guide)
        world.touch("v2", ago(5), world.poster, guide=world.guide)
        world.touch("v3", ago(4), world.poster, guide=world.guide)
        other = world.member_named("+8613800000003")
        booking = world.booking(ago(2), visitor_id="v1")
        record_booking(tenant=tenant, booking_id=booking.pk)
        visit = StoreVisit.objects.create(
            tenant=tenant,
            store=world.north,
            member=world.member,
            visitor_id="v1",
            booking=booking,
            source=VisitSource.CHECK_IN,
            visited_at=ago(2),
        )
        record_visit(tenant=tenant, visit_id=visit.pk)
        record_order(tenant=tenant, order_id=world.order(ago(2), "199.00", visitor_id="v1").pk)
        record_visit(tenant=tenant, visit_id=world.visit(ago(1), visitor_id="v3", member=other, store=world.south).pk)
        record_order(
            tenant=tenant, order_id=world.order(ago(1), "50.00", visitor_id="v3", member=other, store=world.south).pk
        )
        world.spend(world.poster, timezone.localdate() - dt.timedelta(days=5), "90.00")
        world.spend(world.wechat, timezone.localdate() - dt.timedelta(days=5), "100.00")
    return world


@pytest.fixture
def hq(tenant, hq_admin):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(hq_admin)
    return client


def test_the_campaign_page_shows_its_funnel_by_store_and_its_recent_conversions_with_their_pages(
    hq, tenant, world, django_assert_num_queries
):
    with django_assert_num_queries(PAGE_QUERIES):
        page = hq.get(f"/hq/campaigns/{world.poster.pk}/")
    assert page.status_code == 200
    total = page.context["funnel"]
    # last touch: P1's booking, visit and order and P3's visit and order are the poster's
    assert (
        total.visitors,
        total.bookings,
        total.visits,
        total.orders,
        total.revenue,
        total.online_to_store_rate,
        total.cost,
        total.cost_per_visit,
    ) == (3, D(1), D(2), D(2), D("249.00"), D("0.6667"), D("90.00"), D("45.00"))
    html = page.content.decode()
    assert 'data-testid="funnel-visitors">3<' in html
    assert 'data-testid="funnel-revenue">249.00<' in html
    assert 'data-testid="funnel-cost-per-visit">45.00<' in html
    # by store: the touches were at North (the guide's); the spend split by credited visits, 1 and 1
    assert [
        (row.label, row.visitors, row.bookings, row.visits, row.orders, row.revenue, row.online_to_store_rate, row.cost)
        for row in page.context["by_store"]
    ] == [
        ("North", 3, D(1), D(1), D(1), D("199.00"), D("0.3333"), D("45.00")),
        ("South", 0, D(0), D(1), D(1), D("50.00"), None, D("45.00")),
    ]
    # the recent conversions, newest first, with the person, the credit and the page of each
    recent = page.context["recent"]
    assert [(c.kind, c.store_code, c.member_name, c.member_phone, c.share) for c in recent] == [
        ("order", "SOUTH", "+8613800000003", "138****0003", D(1)),
        ("visit", "SOUTH", "+8613800000003", "138****0003", D(1)),
        ("order", "NORTH", "张伟", "138****0001", D(1)),
        ("visit", "NORTH", "张伟", "138****0001", D(1)),
        ("booking", "NORTH", "张伟", "138****0001", D(1)),
    ]
    links = [(c.order_id, c.booking_id) for c in recent]
    assert links[1] == (None, None)  # a walk-in: no booking, no order
    assert links[3][1] == links[4][1] is not None  # the check-in leads to the booking it checked in
    for order_id, booking_id in links:
        if order_id:
            assert f'href="/hq/orders/{order_id}/"' in html
            assert hq.get(f"/hq/orders/{order_id}/").status_code == 200
        elif booking_id:
            assert f'href="/hq/bookings/{booking_id}/"' in html
            assert hq.get(f"/hq/bookings/{booking_id}/").status_code == 200
    assert html.count('data-testid="conversion-row"') == 5
    assert "138****0001" in html
    assert "13800000001" not in html


def test_the_wechat_campaign_gets_nothing_under_last_touch_and_the_queries_stay_the_same(
    hq, tenant, world, django_assert_num_queries
):
    page = hq.get(f"/hq/campaigns/{world.wechat.pk}/")
    total = page.context["funnel"]
    assert (total.visitors, total.bookings, total.visits, total.orders, total.cost, total.cost_per_visit) == (
        1,
        D(0),
        D(0),
        D(0),
        D("100.00"),
        None,
    )
    assert page.context["recent"] == []
    assert 'data-testid="no-conversions"' in page.content.decode()
    # more conversions, touches and links of the poster: the poster's page reads as many queries
    with tenant_scope(tenant):
        for number in range(4):
            visitor = f"w{number}"
            world.touch(visitor, ago(3), world.poster, guide=world.guide)
            record_order(tenant=tenant, order_id=world.order(ago(1), "10.00", visitor_id=visitor).pk)
            make_link(tenant, campaign_id=world.poster.pk, store_id=world.north.pk, target="store")
    with django_assert_num_queries(PAGE_QUERIES):
        page = hq.get(f"/hq/campaigns/{world.poster.pk}/")
    assert len(page.context["recent"]) == 9
    assert len(page.context["rows"]) == 4
    assert page.context["funnel"].orders == D(6)
