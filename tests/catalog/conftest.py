"""Catalog rows for the catalog tests, made directly in a brand (the services are what is tested)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope


@pytest.fixture
def make_category(db: None) -> Callable[..., Category]:
    def make(tenant: Tenant, name: str, parent: Category | None = None) -> Category:
        with tenant_scope(tenant):
            return Category.objects.create(tenant=tenant, name=name, parent=parent)

    return make


@pytest.fixture
def make_product(db: None) -> Callable[..., Product]:
    """`make_product(tenant, "Lamp", category, [("L-1", "Small", "10.00"), ...], is_active=True)`."""

    def make(
        tenant: Tenant,
        name: str,
        category: Category,
        skus: Sequence[tuple[str, str, str]] = (),
        *,
        is_active: bool = True,
        description: str = "",
    ) -> Product:
        with tenant_scope(tenant):
            product = Product.objects.create(
                tenant=tenant, name=name, category=category, is_active=is_active, description=description
            )
            for code, sku_name, price in skus:
                Sku.objects.create(tenant=tenant, product=product, code=code, name=sku_name, price=Decimal(price))
            return product

    return make


@pytest.fixture
def make_service(db: None) -> Callable[..., Service]:
    def make(tenant: Tenant, name: str, *, minutes: int = 30, price: str = "0.00", is_active: bool = True) -> Service:
        with tenant_scope(tenant):
            return Service.objects.create(
                tenant=tenant, name=name, duration_minutes=minutes, price=Decimal(price), is_active=is_active
            )

    return make


@pytest.fixture
def set_price(db: None) -> Callable[..., RegionalPrice]:
    def make(tenant: Tenant, sku: Sku, region: str, price: str) -> RegionalPrice:
        with tenant_scope(tenant):
            return RegionalPrice.objects.create(tenant=tenant, sku=sku, region=region, price=Decimal(price))

    return make


@pytest.fixture
def lamps(tenant: Tenant, make_category: Callable[..., Category]) -> Category:
    return make_category(tenant, "Lamps")


@pytest.fixture
def hq_staff(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.HQ_STAFF, username="alpha-staff")


@pytest.fixture
def store_manager(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.STORE_MANAGER, username="alpha-manager")


@pytest.fixture
def guide(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.GUIDE, username="alpha-guide")


@pytest.fixture
def consumer(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.CONSUMER, username="+8613800000001")


@pytest.fixture
def hq(tenant: Tenant, hq_staff: User) -> Client:
    """A browser signed in as the brand's HQ staff."""
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_staff)
    return client


@pytest.fixture
def reader_skus(tenant: Tenant, lamps: Category, make_product: Callable[..., Product]) -> dict[str, Sku]:
    """The Reader lamp's SKUs by code: RD-W (199.00) and RD-B (209.00)."""
    reader = make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00"), ("RD-B", "Black", "209.00")])
    with tenant_scope(tenant):
        return {sku.code: sku for sku in reader.skus.all()}
