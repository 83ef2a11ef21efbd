"""Fixtures of the stores tests: a store, its manager and guide, another store's manager, a consumer;
and, for the page tests, makers of stores (at a position, open every day), SKUs, stock rows and
store managers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from catalog.models import Category, Product, Sku
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores import services
from stores.choices import StaffRole, StoreKind
from stores.models import Stock, Store, StoreStaff
from tests.stores import factories

# the opening hours of the stores `make_store` makes
EVERY_DAY = {day: [["09:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def stock_row(store: Store, sku: Sku) -> tuple[int, int]:
    with tenant_scope(store.tenant):
        row = Stock.objects.get(tenant=store.tenant, store=store, sku=sku)
    return row.on_hand, row.reserved


@pytest.fixture
def store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return factories.make_store(tenant, code="SH01", name="Shanghai People's Square")


@pytest.fixture
def other_store(tenant: Tenant) -> Store:
    with tenant_scope(tenant):
        return factories.make_store(
            tenant, code="HZ01", name="Hangzhou West Lake", city="Hangzhou", lat=30.25, lng=120.16
        )


@pytest.fixture
def manager(store: Store, make_staff: Callable[..., User]) -> User:
    return make_staff(store, Role.STORE_MANAGER)


@pytest.fixture
def guide(store: Store, make_staff: Callable[..., User]) -> User:
    return make_staff(store, Role.GUIDE)


@pytest.fixture
def other_manager(other_store: Store, make_staff: Callable[..., User]) -> User:
    return make_staff(other_store, Role.STORE_MANAGER)


@pytest.fixture
def consumer(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.CONSUMER, username="+8613800138000")


@pytest.fixture
def hq_staff(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.HQ_STAFF, username="alpha-staff")


@pytest.fixture
def make_store(db: None) -> Callable[..., Store]:
    """A store made by the stores service (so it has its opening contract), at (lat, lng)."""

    def make(tenant: Tenant, code: str, lat: float = 31.23, lng: float = 121.47, **fields: Any) -> Store:
        values: dict[str, Any] = {
            "name": f"Store {code}",
            "kind": StoreKind.DIRECT,
            "region": "east",
            "city": "Shanghai",
            "address": f"{code} Nanjing Road",
            "opening_hours": EVERY_DAY,
            **fields,
        }
        with tenant_scope(tenant):
            return services.create_store(tenant=tenant, data=services.StoreInput(code=code, lat=lat, lng=lng, **values))

    return make


@pytest.fixture
def make_sku(db: None) -> Callable[..., Sku]:
    def make(tenant: Tenant, code: str, name: str, product: str = "Round frame") -> Sku:
        with tenant_scope(tenant):
            category, _ = Category.objects.get_or_create(tenant=tenant, name="Frames", parent=None)
            item, _ = Product.objects.get_or_create(tenant=tenant, name=product, category=category)
            return Sku.objects.create(tenant=tenant, product=item, code=code, name=name, price=Decimal("199.00"))

    return make


@pytest.fixture
def stock_of(db: None) -> Callable[..., Stock]:
    def make(store: Store, sku: Sku, on_hand: int, reserved: int = 0) -> Stock:
        with tenant_scope(store.tenant):
            return Stock.objects.create(tenant=store.tenant, store=store, sku=sku, on_hand=on_hand, reserved=reserved)

    return make


@pytest.fixture
def make_manager(make_user: Callable[..., User]) -> Callable[..., User]:
    """A store manager posted to `store`: the role in the brand and the store post."""

    def make(store: Store, username: str, name: str = "Test User") -> User:
        user = make_user(store.tenant, Role.STORE_MANAGER, username=username)
        user.name = name
        user.save(update_fields=["name"])
        with tenant_scope(store.tenant):
            StoreStaff.objects.create(
                tenant=store.tenant, user=user, store=store, role=StaffRole.STORE_MANAGER, code=username[:16]
            )
        return user

    return make


@pytest.fixture
def two_stores(tenant, make_store, make_sku, stock_of, make_manager):
    """Two stores of the brand sharing a SKU; the first one's manager; reservations on a row."""
    own = make_store(tenant, "SH-D1", name="Xintiandi")
    other = make_store(tenant, "SH-D2", name="Lujiazui")
    round_black = make_sku(tenant, "RF-BLK", "Black")
    round_gold = make_sku(tenant, "RF-GLD", "Gold")
    aviator = make_sku(tenant, "AV-01", "Aviator", product="Aviator")
    stock_of(own, round_black, on_hand=5, reserved=2)
    stock_of(own, round_gold, on_hand=0)
    stock_of(other, round_black, on_hand=9, reserved=1)
    stock_of(other, aviator, on_hand=3)
    manager = make_manager(own, "xtd-manager", name="Wang Fang")
    return {
        "own": own,
        "other": other,
        "black": round_black,
        "gold": round_gold,
        "aviator": aviator,
        "manager": manager,
    }
