"""A write given a row that another request deleted after this one read it (what a request that
waited for the row's lock sees): the row is locked before it is read, and it is a 404, never a
500 (`DoesNotExist`) and never a write to a row that is gone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import services
from catalog.models import Category, Product, RegionalPrice, Service
from o2o.errors import NotFound
from o2o.tenancy import tenant_scope
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db


def test_renaming_or_deleting_a_category_deleted_meanwhile_is_not_found(tenant, make_category):
    # given a category read, then deleted by someone else, and another category
    stale = make_category(tenant, "Lamps")
    make_category(tenant, "Mirrors")
    with tenant_scope(tenant):
        services.delete_category(tenant=tenant, category=stale)
    before = snapshot(Category, tenant)
    data = services.CategoryInput(name="Table lamps", parent=None)
    # when the first request goes on to rename it, or to delete it
    with tenant_scope(tenant), pytest.raises(NotFound) as renamed:
        services.update_category(tenant=tenant, category=stale, data=data)
    with tenant_scope(tenant), pytest.raises(NotFound) as deleted:
        services.delete_category(tenant=tenant, category=stale)
    # then both are told it is gone, and nothing changed
    assert (renamed.value.detail, deleted.value.detail) == ("No such category.", "No such category.")
    assert snapshot(Category, tenant) == before


def test_editing_a_product_deleted_meanwhile_is_not_found(tenant, lamps, make_product):
    # given a product read, then deleted by someone else
    stale = make_product(tenant, "Desk lamp", lamps, [("L-1", "Small", "10.00")])
    with tenant_scope(tenant):
        services.delete_product(tenant=tenant, product=stale)
    data = services.ProductInput(name="Desk lamp II", category=lamps)
    # when the first request goes on to edit it
    with tenant_scope(tenant), pytest.raises(NotFound) as raised:
        services.update_product(tenant=tenant, product=stale, data=data, skus=None)
    # then it is told it is gone, and no product came back
    assert raised.value.detail == "No such product."
    assert snapshot(Product, tenant) == []


def test_changing_a_regional_price_deleted_meanwhile_is_not_found(tenant, lamps, make_product, set_price):
    # given a regional price read, then deleted by someone else
    product = make_product(tenant, "Desk lamp", lamps, [("L-1", "Small", "10.00")])
    with tenant_scope(tenant):
        sku = product.skus.get()
    stale = set_price(tenant, sku, "north", "12.00")
    with tenant_scope(tenant):
        services.delete_regional_price(tenant=tenant, regional_price=stale)
    # when the first request goes on to change its price
    with tenant_scope(tenant), pytest.raises(NotFound) as raised:
        services.update_regional_price(tenant=tenant, regional_price=stale, price=Decimal("13.00"))
    # then it is told it is gone, and no price came back
    assert raised.value.detail == "No such regional price."
    assert snapshot(RegionalPrice, tenant) == []


def test_editing_a_service_deleted_meanwhile_is_not_found(tenant, make_service):
    # given a service read, then deleted by someone else
    stale = make_service(tenant, "Eye exam")
    with tenant_scope(tenant):
        services.delete_service(tenant=tenant, service=stale)
    data = services.ServiceInput(name="Eye exam", duration_minutes=45, price=Decimal("0.00"))
    # when the first request goes on to edit it
    with tenant_scope(tenant), pytest.raises(NotFound) as raised:
        services.update_service(tenant=tenant, service=stale, data=data)
    # then it is told it is gone, and no service came back
    assert raised.value.detail == "No such service."
    assert snapshot(Service, tenant) == []
