"""A brand with stores around People's Square in Shanghai, stock, staff and a consumer.

Distances: 0.01 degree of longitude is about 0.95 km at this latitude; the consumer is at HOME.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from catalog.models import RegionalPrice, Sku
from members.models import Member
from members.services import join_brand
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.models import Stock, Store
from stores.services import StockLevel, create_staff, set_stock
from tests.stores.factories import make_sku, make_store

HOME: dict[str, Any] = {"lat": 31.2304, "lng": 121.4737, "district": "310101"}
CONSUMER_PHONE = "+8613800138000"


def km_east(km: float) -> float:
    return HOME["lng"] + km / 95.2


@dataclass
class Brand:
    tenant: Tenant
    lamp: Sku  # LAMP-1, 199.00
    bulb: Sku  # BULB-2, 12.50
    consumer: User
    member: Member

    def store(self, code: str, *, km: float = 1.0, stock: dict[Sku, int] | None = None, **fields: Any) -> Store:
        """A store `km` east of HOME with pick-up and delivery, and `stock` on hand."""
        fields.setdefault("capabilities", ["pickup", "delivery"])
        with tenant_scope(self.tenant):
            store = make_store(self.tenant, code=code, lat=HOME["lat"], lng=km_east(km), **fields)
            if stock:
                self.set_stock(store, stock)
        return store

    def set_stock(self, store: Store, stock: dict[Sku, int]) -> None:
        with tenant_scope(self.tenant):
            set_stock(
                tenant=self.tenant,
                store=store,
                levels=[StockLevel(sku_id=sku.pk, on_hand=n) for sku, n in stock.items()],
            )

    def staff(self, store: Store, role: str = Role.STORE_MANAGER, username: str | None = None) -> User:
        with tenant_scope(self.tenant):
            post = create_staff(
                tenant=self.tenant,
                store=store,
                username=username or f"{store.code.lower()}-{role}",
                password="pw-secret-42",
                name=f"{role} of {store.code}",
                phone="",
                role=role,
            )
        return post.user

    def stock(self, store: Store, sku: Sku) -> tuple[int, int]:
        """(on_hand, reserved) of `sku` at `store`."""
        with tenant_scope(self.tenant):
            row = Stock.objects.get(tenant=self.tenant, store=store, sku=sku)
        return row.on_hand, row.reserved

    def order(self, order_id: int) -> Order:
        with tenant_scope(self.tenant):
            return Order.objects.get(tenant=self.tenant, pk=order_id)

    def orders(self) -> int:
        with tenant_scope(self.tenant):
            return Order.objects.filter(tenant=self.tenant).count()


@pytest.fixture
def brand(tenant: Tenant, make_user: Callable[..., User]) -> Brand:
    consumer = make_user(tenant, Role.CONSUMER, username=CONSUMER_PHONE)
    with tenant_scope(tenant):
        lamp = make_sku(tenant, code="LAMP-1", price="199.00")
        bulb = make_sku(tenant, code="BULB-2", price="12.50")
        member = join_brand(tenant=tenant, phone=CONSUMER_PHONE, name="张伟", user=consumer)
    return Brand(tenant=tenant, lamp=lamp, bulb=bulb, consumer=consumer, member=member)


@pytest.fixture
def shopper(api: Callable[..., APIClient], brand: Brand) -> APIClient:
    """The brand's signed-in consumer."""
    return api(brand.consumer, brand.tenant)


def regional_price(brand: Brand, sku: Sku, region: str, price: str) -> None:
    with tenant_scope(brand.tenant):
        RegionalPrice.objects.create(tenant=brand.tenant, region=region, sku=sku, price=Decimal(price))


def body(brand: Brand, *lines: tuple[Sku, int], fulfilment: str = "delivery", **extra: Any) -> dict[str, Any]:
    """A checkout body for `lines` delivered to HOME (unless `location` is given)."""
    values: dict[str, Any] = {
        "fulfilment": fulfilment,
        "lines": [{"sku": sku.pk, "quantity": quantity} for sku, quantity in lines],
        "location": HOME,
    }
    values.update(extra)
    return values
