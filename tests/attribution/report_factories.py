"""A small shop for the repurchase and retention tests: categories, SKUs, members, and orders placed
on given days of the brand's clock (Asia/Shanghai), as the orders app would have written them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from catalog.models import Category, Product, Sku
from members.models import Member
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from orders.choices import Fulfilment, OrderStatus
from orders.models import Order, OrderLine
from stores.models import Store
from tests.stores.factories import make_store

SHANGHAI = ZoneInfo("Asia/Shanghai")
# an API request's own queries: the tenant, a savepoint and its release, the token's user, the roles,
# and on PostgreSQL the tenant scope set and cleared (SQLite has no set_config)
API_QUERIES = {"postgresql": 7, "sqlite": 5}
_numbers = count(1)


def at(day: str, time: str = "12:00") -> dt.datetime:
    """An instant on the brand's clock: `at("2026-01-11", "01:00")`."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


@dataclass
class Shop:
    tenant: Tenant
    store: Store
    categories: dict[str, Category] = field(default_factory=dict)
    skus: dict[str, Sku] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    def category(self, name: str) -> Category:
        if name not in self.categories:
            self.categories[name] = Category.objects.create(tenant=self.tenant, name=name)
        return self.categories[name]

    def sku(self, category: str) -> Sku:
        """One SKU per category (its unit price is the line's, whatever the SKU's list price)."""
        if category not in self.skus:
            number = next(_numbers)
            product = Product.objects.create(
                tenant=self.tenant, name=f"{category} {number}", category=self.category(category)
            )
            self.skus[category] = Sku.objects.create(
                tenant=self.tenant, product=product, code=f"R-{number}", name=f"{category}", price=Decimal("1.00")
            )
        return self.skus[category]

    def member(self, name: str) -> Member:
        if name not in self.members:
            self.members[name] = Member.objects.create(
                tenant=self.tenant, phone=f"+86139{next(_numbers):08d}", name=name
            )
        return self.members[name]

    def buy(
        self,
        who: str,
        when: dt.datetime,
        lines: Sequence[tuple[str, str]],
        *,
        status: str = OrderStatus.COMPLETED,
        channel: str = OrderChannel.O2O,
    ) -> Order:
        """An order of `who` at `when` with `lines` of (category, unit price), one of each."""
        total = sum((Decimal(price) for _, price in lines), Decimal("0.00"))
        order = Order.objects.create(
            tenant=self.tenant,
            number=f"R{next(_numbers):08d}",
            member=self.member(who),
            store=self.store,
            fulfilment=Fulfilment.PICKUP,
            channel=channel,
            status=status,
            total_amount=total,
        )
        Order.objects.filter(pk=order.pk).update(created_at=when)
        for category, price in lines:
            OrderLine.objects.create(
                tenant=self.tenant,
                order=order,
                sku=self.sku(category),
                quantity=1,
                unit_price=Decimal(price),
                total_amount=Decimal(price),
            )
        return order


def open_shop(tenant: Tenant) -> Shop:
    with tenant_scope(tenant):
        return Shop(tenant=tenant, store=make_store(tenant, code="SHOP1", name="Shop One"))
