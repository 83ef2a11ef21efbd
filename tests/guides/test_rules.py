"""Commission rules (rules.md 4.4): the most specific rule in force wins, a parent category's rule
covers its sub-categories, and a commission keeps the rate in force when its order completed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from catalog.models import Category
from guides.models import Commission
from guides.selectors.rules import rate_for
from guides.services.rules import change_rate, create_rule
from o2o.tenancy import tenant_scope
from tests.guides.conftest import T0

pytestmark = pytest.mark.django_db


def test_each_level_wins_over_the_less_specific_ones(world, frozen):
    tenant, store = world.tenant, world.store
    other = world.brand.store("OTHER", km=2.0)
    frozen(T0)
    with tenant_scope(tenant):
        lamps = world.brand.lamp.product.category
        at = T0 + dt.timedelta(hours=1)
        # the tenant's default alone
        assert rate_for(tenant=tenant, store_id=store.pk, category_id=lamps.pk, at=at).rate == Decimal("0.0300")
        create_rule(tenant=tenant, store_id=store.pk, category_id=None, rate=Decimal("0.0400"), by=None)
        assert rate_for(tenant=tenant, store_id=store.pk, category_id=lamps.pk, at=at).rate == Decimal("0.0400")
        create_rule(tenant=tenant, store_id=None, category_id=lamps.pk, rate=Decimal("0.0500"), by=None)
        assert rate_for(tenant=tenant, store_id=store.pk, category_id=lamps.pk, at=at).rate == Decimal("0.0500")
        create_rule(tenant=tenant, store_id=store.pk, category_id=lamps.pk, rate=Decimal("0.0600"), by=None)
        assert rate_for(tenant=tenant, store_id=store.pk, category_id=lamps.pk, at=at).rate == Decimal("0.0600")
        # another store: the category's rule; another category at another store: the default
        assert rate_for(tenant=tenant, store_id=other.pk, category_id=lamps.pk, at=at).rate == Decimal("0.0500")
        shades = Category.objects.create(tenant=tenant, name="Shades")
        assert rate_for(tenant=tenant, store_id=other.pk, category_id=shades.pk, at=at).rate == Decimal("0.0300")
        # before any rule existed: the default
        assert rate_for(tenant=tenant, store_id=store.pk, category_id=lamps.pk, at=T0 - dt.timedelta(1)).rate == (
            Decimal("0.0300")
        )


def test_a_parent_category_s_rule_covers_its_sub_categories_the_nearest_winning(world, frozen):
    tenant = world.tenant
    frozen(T0)
    with tenant_scope(tenant):
        lamps = world.brand.lamp.product.category
        desk = Category.objects.create(tenant=tenant, name="Desk lamps", parent=lamps)
        led = Category.objects.create(tenant=tenant, name="LED desk lamps", parent=desk)
        create_rule(tenant=tenant, store_id=None, category_id=lamps.pk, rate=Decimal("0.0500"), by=None)
        at = T0 + dt.timedelta(hours=1)
        assert rate_for(tenant=tenant, store_id=None, category_id=led.pk, at=at).rate == Decimal("0.0500")
        create_rule(tenant=tenant, store_id=None, category_id=desk.pk, rate=Decimal("0.0700"), by=None)
        assert rate_for(tenant=tenant, store_id=None, category_id=led.pk, at=at).rate == Decimal("0.0700")
        # a store-and-category rule on the parent beats a category-only rule on the child
        create_rule(tenant=tenant, store_id=world.store.pk, category_id=lamps.pk, rate=Decimal("0.0100"), by=None)
        assert rate_for(tenant=tenant, store_id=world.store.pk, category_id=led.pk, at=at).rate == Decimal("0.0100")


def test_a_rate_changed_after_completion_leaves_the_commission_at_the_old_rate(world, frozen):
    # given a 5% rule for the guide's store, and an order completed under it
    frozen(T0)
    with tenant_scope(world.tenant):
        rule = create_rule(
            tenant=world.tenant, store_id=world.store.pk, category_id=None, rate=Decimal("0.0500"), by=None
        )
    frozen(T0 + dt.timedelta(hours=1))
    order = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(order["id"])
    # when HQ changes the rule to 10% afterwards, and a second order completes
    frozen(T0 + dt.timedelta(hours=2))
    with tenant_scope(world.tenant):
        change_rate(tenant=world.tenant, rule=rule, rate=Decimal("0.1000"), by=None)
    frozen(T0 + dt.timedelta(hours=3))
    second = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(second["id"])
    # then the first keeps 5% of 199.00 = 9.95, the second gets 19.90; the rule kept both rates
    with tenant_scope(world.tenant):
        assert list(Commission.objects.order_by("pk").values_list("rate", "amount")) == [
            (Decimal("0.0500"), Decimal("9.95")),
            (Decimal("0.1000"), Decimal("19.90")),
        ]
        at_first = rate_for(
            tenant=world.tenant, store_id=world.store.pk, category_id=None, at=T0 + dt.timedelta(hours=1)
        )
        assert at_first.rate == Decimal("0.0500")
