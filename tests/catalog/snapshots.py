"""What the catalog holds, as plain values, to compare before and after (a refused write changes nothing)."""

from __future__ import annotations

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from o2o.models import Tenant
from o2o.tenancy import tenant_scope


def skus_of(tenant: Tenant) -> list[tuple[str, str, str, str, bool]]:
    """Every SKU of the brand as (product, code, name, price, is_active), by code."""
    with tenant_scope(tenant):
        rows = (
            Sku.objects.filter(tenant=tenant)
            .order_by("code")
            .values_list("product__name", "code", "name", "price", "is_active")
        )
        return [(product, code, name, f"{price:.2f}", active) for product, code, name, price, active in rows]


def products_of(tenant: Tenant) -> list[tuple[str, str, str, bool]]:
    """Every product of the brand as (name, category name, description, is_active), by name."""
    with tenant_scope(tenant):
        rows = (
            Product.objects.filter(tenant=tenant)
            .order_by("name")
            .values_list("name", "category__name", "description", "is_active")
        )
        return list(rows)


def categories_of(tenant: Tenant) -> list[tuple[str, str | None]]:
    """Every category of the brand as (name, parent name), by name."""
    with tenant_scope(tenant):
        return list(Category.objects.filter(tenant=tenant).order_by("name", "pk").values_list("name", "parent__name"))


def regional_prices_of(tenant: Tenant) -> list[tuple[str, str, str]]:
    """Every regional price of the brand as (region, SKU code, price), by region and code."""
    with tenant_scope(tenant):
        rows = RegionalPrice.objects.filter(tenant=tenant).order_by("region", "sku__code")
        return [
            (region, code, f"{price:.2f}") for region, code, price in rows.values_list("region", "sku__code", "price")
        ]


def services_of(tenant: Tenant) -> list[tuple[str, int, str, bool]]:
    """Every service of the brand as (name, duration, price, is_active), by name."""
    with tenant_scope(tenant):
        rows = (
            Service.objects.filter(tenant=tenant)
            .order_by("name")
            .values_list("name", "duration_minutes", "price", "is_active")
        )
        return [(name, minutes, f"{price:.2f}", active) for name, minutes, price, active in rows]


def catalog_of(tenant: Tenant) -> dict[str, list]:
    """Everything the catalog holds for the brand."""
    return {
        "categories": categories_of(tenant),
        "products": products_of(tenant),
        "skus": skus_of(tenant),
        "prices": regional_prices_of(tenant),
        "services": services_of(tenant),
    }
