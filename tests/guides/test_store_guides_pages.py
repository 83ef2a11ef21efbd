"""The store manager's guides page (figures per guide) and re-binding a customer by hand."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.models import StoreVisit
from members.models import GuideBinding
from members.services import join_brand
from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from tests.guides.conftest import post_of
from tests.orders.conftest import client_for

pytestmark = pytest.mark.django_db


def _manager(world):
    return client_for(world.brand, User.objects.get(username="guide-store_manager"))


def _bind(world, member, post, *, days_ago: int = 1, source: str = "link") -> None:
    now = timezone.now()
    with tenant_scope(world.tenant):
        GuideBinding.objects.create(
            tenant=world.tenant,
            member=member,
            guide=post,
            store=post.store,
            source=source,
            bound_at=now - dt.timedelta(days=days_ago),
            bound_until=now - dt.timedelta(days=days_ago) + dt.timedelta(days=30),
        )


def _visit(world, member, *, days_ago: int) -> None:
    with tenant_scope(world.tenant):
        StoreVisit.objects.create(
            tenant=world.tenant,
            store=world.store,
            member=member,
            source="walk_in",
            visited_at=timezone.now() - dt.timedelta(days=days_ago),
        )


def _rows(response) -> dict[str, tuple[str, ...]]:
    html = response.content.decode()
    rows = {}
    for guide, body in re.findall(r'data-testid="guide-row" data-guide="([^"]+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r'data-testid="(?:bound|visits|orders|month|pending)">([^<]*)<', body)
        rows[guide] = tuple(cells)
    return rows


def test_each_guide_shows_customers_visits_orders_and_commission(world):
    # given guide A: a customer bound by their link who visited twice in 30 days (and once before),
    # an order naming A's code completed (5.97 + 1.13 pending), and a cancelled one that counts not
    _bind(world, world.brand.member, world.guide)
    _visit(world, world.brand.member, days_ago=2)
    _visit(world, world.brand.member, days_ago=10)
    _visit(world, world.brand.member, days_ago=40)
    order = world.place((world.brand.lamp, 1), (world.brand.bulb, 3), code=world.guide.code)
    world.complete(order["id"])
    cancelled = world.place((world.brand.bulb, 1), code=world.guide.code)
    assert world.shopper.post(f"/api/v1/orders/{cancelled['id']}/cancel/", {}, format="json").status_code == 200
    # when the manager opens their guides page
    response = _manager(world).get("/store/guides/")
    # then A shows 1 customer, 2 visits, 1 order, 7.10 this month and pending; B nothing
    assert response.status_code == 200
    assert _rows(response) == {
        "guide-a": ("1", "2", "1", "7.10", "7.10"),
        "guide-b": ("0", "0", "0", "0.00", "0.00"),
    }


def test_the_guides_page_counts_a_fixed_number_of_queries(world, django_assert_num_queries):
    # given one customer bound (with none, the visits need no query)
    _bind(world, world.brand.member, world.guide)
    client = _manager(world)
    client.get("/store/guides/")  # the session and the actor's caches warm
    with django_assert_num_queries(14):
        client.get("/store/guides/")
    # more guides, customers, visits and orders: the same count
    third = post_of(world.brand, world.brand.staff(world.store, Role.GUIDE, username="guide-c"))
    for n in range(3):
        with tenant_scope(world.tenant):
            member = join_brand(tenant=world.tenant, phone=f"+86139000000{n:02d}", name=f"客{n}", user=None)
        _bind(world, member, third)
        _visit(world, member, days_ago=1)
    order = world.place((world.brand.lamp, 1), code=third.code)
    world.complete(order["id"])
    with django_assert_num_queries(14):
        response = client.get("/store/guides/")
    assert _rows(response)["guide-c"] == ("3", "3", "1", "5.97", "5.97")


def test_the_manager_finds_a_customer_and_rebinds_them_with_a_reason(world):
    # given the customer bound to A by A's link
    _bind(world, world.brand.member, world.guide, days_ago=3)
    client = _manager(world)
    # when the manager finds them by phone
    found = client.get("/store/guides/rebind/", {"phone": "13800138000"})
    # then the page shows A holding them and the history of one binding
    html = found.content.decode()
    assert found.status_code == 200
    assert 'data-testid="current-binding">guide of GUIDE (GUIDE), until' in html
    assert html.count('data-testid="history-row"') == 1
    # when they re-bind them to B with a reason
    response = client.post(
        "/store/guides/rebind/",
        {"member": world.brand.member.pk, "guide": world.other_guide.pk, "reason": "A left the counter"},
    )
    # then the customer is B's, and the history keeps both, the reason and who
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="history-row"') == 2
    assert 'data-testid="history-reason">A left the counter<' in page
    with tenant_scope(world.tenant):
        records = GuideBinding.objects.filter(member=world.brand.member).select_related("created_by")
        last = records.order_by("-bound_at", "-pk")[0]
        assert (last.guide_id, last.source, last.created_by.username if last.created_by else None) == (
            world.other_guide.pk,
            "manual",
            "guide-store_manager",
        )


def test_a_rebinding_without_a_reason_is_refused_and_changes_nothing(world):
    _bind(world, world.brand.member, world.guide)
    response = _manager(world).post(
        "/store/guides/rebind/", {"member": world.brand.member.pk, "guide": world.other_guide.pk, "reason": " "}
    )
    assert response.status_code == 400
    required = '<ul class="errorlist" id="id_reason_error"><li>This field is required.</li></ul>'
    assert required in response.content.decode()
    with tenant_scope(world.tenant):
        assert GuideBinding.objects.filter(member=world.brand.member).count() == 1


def test_another_stores_guide_cannot_be_chosen(world, brand):
    other = brand.store("ELSE", km=3.0, stock={})
    stranger = post_of(brand, brand.staff(other, Role.GUIDE, username="guide-else"))
    response = _manager(world).post(
        "/store/guides/rebind/", {"member": world.brand.member.pk, "guide": stranger.pk, "reason": "why not"}
    )
    assert response.status_code == 400
    with tenant_scope(world.tenant):
        assert not GuideBinding.objects.filter(member=world.brand.member).exists()


def test_an_unknown_phone_is_a_400_naming_the_phone(world):
    response = _manager(world).get("/store/guides/rebind/", {"phone": "13900000000"})
    assert response.status_code == 400
    assert "No member of this brand has this phone number." in response.content.decode()


def test_the_totals_are_to_the_cent(world):
    # two orders by code: 199.00 -> 5.97 and 2 x 12.50 = 25.00 -> 0.75; 6.72 in all
    for lines in (((world.brand.lamp, 1),), ((world.brand.bulb, 2),)):
        order = world.place(*lines, code=world.guide.code)
        world.complete(order["id"])
    rows = _rows(_manager(world).get("/store/guides/"))
    assert rows["guide-a"][3:] == (str(Decimal("6.72")), "6.72")
