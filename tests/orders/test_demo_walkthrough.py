"""The demo's walkthrough works for every store manager it lists: at the moment the demo starts,
each finds an order to accept on /store/orders/ and a booking to check in on /store/today/."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from bookings.models import Booking
from bookings.rules import may_check_in
from o2o.choices import Role
from o2o.demo import BRANDS
from o2o.tenancy import tenant_scope
from orders.choices import OrderStatus
from orders.models import Order
from stores.models import StoreStaff
from tests.bookings.factories import clock

pytestmark = pytest.mark.django_db


def test_every_listed_store_manager_has_an_order_to_accept_and_a_booking_to_check_in(make_tenant):
    # given the demo brands, seeded on a Monday afternoon (a booking is checked in from half an hour
    # before its slot to the end of its day: before the stores open, none can be)
    tenants = [make_tenant(brand.slug, name=brand.name, timezone=brand.timezone) for brand in BRANDS]
    now = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)  # 14:00 in Shanghai
    with clock(now):
        call_command("seed_demo", stdout=io.StringIO())
    for tenant, brand in zip(tenants, BRANDS, strict=True):
        # (the franchise manager listed for last month's statement is tests/settlements/test_demo.py's)
        managers = sorted(
            {
                username
                for username, role, what in brand.logins
                if role == Role.STORE_MANAGER and not what.startswith("statements ")
            }
        )
        # then the demo lists two store managers per brand (the store dashboard and today's visits)
        assert managers == [f"{brand.slug}-bj01-manager", f"{brand.slug}-sh01-manager"]
        with tenant_scope(tenant):
            for post in StoreStaff.objects.filter(tenant=tenant, user__username__in=managers).select_related("store"):
                # and each one's store has an order waiting to be accepted, and a booking that can be checked in now
                to_accept = Order.objects.filter(tenant=tenant, store=post.store, status=OrderStatus.ROUTED)
                assert to_accept.exists(), post.user_id
                bookings = Booking.objects.filter(tenant=tenant, store=post.store).select_related("store")
                assert any(may_check_in(tenant=tenant, booking=b, now=now) for b in bookings), post.store.code
