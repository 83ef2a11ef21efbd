"""The catalog's entries in the cross-tenant harness (tests/harness.py)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from o2o.models import Tenant

_numbers = count(1)


def make_category(tenant: Tenant) -> Category:
    return Category.objects.create(tenant=tenant, name=f"Category {next(_numbers)}")


def make_product(tenant: Tenant) -> Product:
    number = next(_numbers)
    product = Product.objects.create(tenant=tenant, name=f"Product {number}", category=make_category(tenant))
    Sku.objects.create(
        tenant=tenant, product=product, code=f"H-{tenant.slug}-{number}", name="Default", price=Decimal("10.00")
    )
    return product


def make_sku(tenant: Tenant) -> Sku:
    return make_product(tenant).skus.get()


def make_regional_price(tenant: Tenant) -> RegionalPrice:
    return RegionalPrice.objects.create(tenant=tenant, region="east", sku=make_sku(tenant), price=Decimal("9.00"))


def make_service(tenant: Tenant) -> Service:
    return Service.objects.create(
        tenant=tenant, name=f"Service {next(_numbers)}", duration_minutes=30, price=Decimal("0.00")
    )


FOREIGN_FACTORIES = {
    Category: make_category,
    Product: make_product,
    Sku: make_sku,
    RegionalPrice: make_regional_price,
    Service: make_service,
}


def _in(tenant: Tenant, factory: Any) -> Any:
    from o2o.tenancy import tenant_scope

    with tenant_scope(tenant):
        return factory(tenant)


def _category_under_foreign_parent(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    return {"name": "Under a foreign parent", "parent": _in(foreign, make_category).pk}


def _product_in_foreign_category(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    return {
        "name": "Foreign-category product",
        "category": _in(foreign, make_category).pk,
        "skus": [{"code": "FC-1", "name": "One", "price": "1.00"}],
    }


def _product_naming_a_foreign_sku(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    return {
        "name": "Foreign-SKU product",
        "category": _in(own, make_category).pk,
        "skus": [{"id": _in(foreign, make_sku).pk, "code": "FS-1", "name": "One", "price": "1.00"}],
    }


def _price_of_a_foreign_sku(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    return {"region": "east", "sku": _in(foreign, make_sku).pk, "price": "5.00"}


FOREIGN_WRITES = {
    "category-list": _category_under_foreign_parent,
    "category-detail": _category_under_foreign_parent,
    "product-list": _product_in_foreign_category,
    "product-detail": _product_naming_a_foreign_sku,
    "regional-price-list": _price_of_a_foreign_sku,
}

NO_FOREIGN_REFERENCES = {
    "regional-price-detail": "PUT/PATCH change the price only",
    "service-list": "a service's own scalar fields only",
    "service-detail": "a service's own scalar fields only",
    "product-import": "a file naming categories and products by name, resolved in the caller's brand",
}
