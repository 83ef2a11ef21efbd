"""Rows of the stores tests, made through the real services (never bare model writes where a service exists)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog.models import Category, Product, Service, Sku
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores.models import Store
from stores.services import StoreInput, create_store

_counter = iter(range(1, 1_000_000))


def store_input(**overrides: Any) -> StoreInput:
    number = next(_counter)
    values: dict[str, Any] = {
        "code": f"S{number:04d}",
        "name": f"Store {number}",
        "kind": "direct",
        "region": "east",
        "city": "Shanghai",
        "address": f"{number} Nanjing Road",
        "lat": 31.2304,
        "lng": 121.4737,
    }
    values.update(overrides)
    return StoreInput(**values)


def make_store(tenant: Tenant, **overrides: Any) -> Store:
    """A store of `tenant` (call inside its tenant scope)."""
    return create_store(tenant=tenant, data=store_input(**overrides))


def make_sku(tenant: Tenant, code: str | None = None, price: str = "99.00") -> Sku:
    number = next(_counter)
    category, _ = Category.objects.get_or_create(tenant=tenant, name="Lamps", parent=None)
    product = Product.objects.create(tenant=tenant, name=f"Product {number}", category=category)
    return Sku.objects.create(
        tenant=tenant, product=product, code=code or f"SKU-{number}", name=f"Sku {number}", price=Decimal(price)
    )


def make_service(tenant: Tenant, name: str | None = None, duration_minutes: int = 30) -> Service:
    number = next(_counter)
    return Service.objects.create(
        tenant=tenant, name=name or f"Eye exam {number}", duration_minutes=duration_minutes, price=Decimal("0.00")
    )


def snapshot(model: Any, tenant: Tenant, **filters: Any) -> list[dict[str, Any]]:
    """Every row of `model` in `tenant` matching `filters`, as dicts by pk (to prove nothing changed)."""
    with tenant_scope(tenant):
        return list(model.objects.filter(tenant=tenant, **filters).order_by("pk").values())
