"""rules.md 1.7: the price of a line is the regional price of the fulfilling store's region for that
SKU, else the SKU's price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.selectors import price_for, prices_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp_skus(tenant, lamps, make_product, in_tenant):
    product = make_product(tenant, "Lamp", lamps, [("L-S", "Small", "100.00"), ("L-L", "Large", "200.00")])
    with in_tenant(tenant):
        return {sku.code: sku for sku in product.skus.all()}


def test_a_sku_costs_its_regions_price_where_the_region_sets_one(tenant, lamp_skus, set_price, in_tenant):
    # given the small lamp at 95.00 in the east
    set_price(tenant, lamp_skus["L-S"], "east", "95.00")
    # then in the east it costs 95.00
    with in_tenant(tenant):
        assert price_for(tenant=tenant, sku=lamp_skus["L-S"], region="east") == Decimal("95.00")


def test_a_sku_costs_its_own_price_where_its_region_sets_none(tenant, lamp_skus, set_price, in_tenant):
    # given the small lamp priced in the east only
    set_price(tenant, lamp_skus["L-S"], "east", "95.00")
    # then elsewhere, and with no region at all, it costs its own price
    with in_tenant(tenant):
        assert price_for(tenant=tenant, sku=lamp_skus["L-S"], region="north") == Decimal("100.00")
        assert price_for(tenant=tenant, sku=lamp_skus["L-S"], region=None) == Decimal("100.00")
        assert price_for(tenant=tenant, sku=lamp_skus["L-L"], region="east") == Decimal("200.00")


def test_a_regional_price_of_zero_is_a_price_not_a_missing_one(tenant, lamp_skus, set_price, in_tenant):
    set_price(tenant, lamp_skus["L-S"], "east", "0.00")
    with in_tenant(tenant):
        assert price_for(tenant=tenant, sku=lamp_skus["L-S"], region="east") == Decimal("0.00")
        assert prices_for(tenant=tenant, sku_ids=[lamp_skus["L-S"].pk], region="east") == {
            lamp_skus["L-S"].pk: Decimal("0.00")
        }


def test_prices_for_many_skus_follow_the_rule_in_one_query(
    tenant, lamp_skus, set_price, in_tenant, django_assert_num_queries
):
    # given the small lamp priced in the east, the large one in the north
    set_price(tenant, lamp_skus["L-S"], "east", "95.00")
    set_price(tenant, lamp_skus["L-L"], "north", "210.00")
    small, large = lamp_skus["L-S"].pk, lamp_skus["L-L"].pk
    with in_tenant(tenant):
        # when both are priced for the east, in one query
        with django_assert_num_queries(1):
            east = prices_for(tenant=tenant, sku_ids=[small, large], region="east")
        # then each follows the rule
        assert east == {small: Decimal("95.00"), large: Decimal("200.00")}
        assert prices_for(tenant=tenant, sku_ids=[small, large], region="north") == {
            small: Decimal("100.00"),
            large: Decimal("210.00"),
        }
        assert prices_for(tenant=tenant, sku_ids=[small, large], region=None) == {
            small: Decimal("100.00"),
            large: Decimal("200.00"),
        }


def test_prices_for_leaves_out_missing_and_foreign_skus(
    tenant, other_tenant, lamp_skus, make_category, make_product, in_tenant
):
    # given a SKU of another brand
    theirs = make_product(other_tenant, "Their lamp", make_category(other_tenant, "Theirs"), [("T-1", "One", "5.00")])
    with in_tenant(other_tenant):
        their_sku = theirs.skus.get().pk
    # then only the brand's own SKUs are priced
    with in_tenant(tenant):
        found = prices_for(tenant=tenant, sku_ids=[lamp_skus["L-S"].pk, their_sku, 999_999], region="east")
    assert found == {lamp_skus["L-S"].pk: Decimal("100.00")}
