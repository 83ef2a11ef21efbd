"""The brand `bench` of `place_orders.py`: seeded once (stores in three cities, SKUs with plenty of
stock, consumers), reset to the same state before each run."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TENANT = "bench"
STORES_PER_CITY = 10
SKUS = 20
CONSUMERS = 300
ON_HAND = 10_000_000
CITIES = [  # name, centre, districts of its franchise territories
    ("Shanghai", 31.2304, 121.4737, ["310101", "310104"]),
    ("Hangzhou", 30.2741, 120.1551, ["330102"]),
    ("Suzhou", 31.2990, 120.5853, ["320505"]),
]
SPREAD_DEG = 0.05  # stores and consumers within about 5 km of a city's centre


@dataclass
class Brand:
    slug: str
    sku_ids: list[int]
    tokens: list[str]
    stores: int


def seed() -> Brand:
    """The brand `bench` (created once) with no orders and full stock, whatever ran before."""
    from django.db import connection, transaction

    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from o2o.tenancy.rls import owner_connection
    from orders.models import Order, OrderEvent, OrderLine
    from stores.models import Stock

    started = time.perf_counter()
    tenant = Tenant.objects.filter(slug=TENANT).first()
    if tenant is None:
        tenant = _create_brand()
    with owner_connection(), transaction.atomic():
        _reset(tenant)
    with transaction.atomic(), tenant_scope(tenant):
        brand = _load(tenant)
    with connection.cursor() as cursor:
        for model in (Stock, Order, OrderLine, OrderEvent):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    print(
        f"brand {brand.slug}: {brand.stores} stores, {len(brand.sku_ids)} SKUs, {len(brand.tokens)} consumers "
        f"({time.perf_counter() - started:.1f}s)",
        flush=True,
    )
    return brand


def _create_brand() -> Any:
    from django.db import transaction

    from catalog.models import Category, Product, Sku
    from members.models import Member
    from o2o.choices import Role
    from o2o.models import Tenant, TenantRole, User
    from o2o.tenancy import tenant_scope
    from stores.services import StockLevel, StoreInput, create_store, set_stock

    rng = random.Random(4)
    print("seeding the brand (once) ...", flush=True)
    with transaction.atomic():
        tenant = Tenant.objects.create(slug=TENANT, name="Bench Lighting")
        with tenant_scope(tenant):
            category = Category.objects.create(tenant=tenant, name="Lamps")
            skus = []
            for n in range(SKUS // 2):
                product = Product.objects.create(tenant=tenant, name=f"Lamp {n + 1}", category=category)
                for variant in ("S", "L"):
                    skus.append(
                        Sku(
                            tenant=tenant,
                            product=product,
                            code=f"B-{n + 1:02d}-{variant}",
                            name=variant,
                            price=Decimal(f"{rng.randint(50, 900)}.00"),
                        )
                    )
            skus = Sku.objects.bulk_create(skus)
            number = 0
            for city, lat, lng, districts in CITIES:
                for index in range(STORES_PER_CITY):
                    number += 1
                    franchise = index < len(districts)
                    store = create_store(
                        tenant=tenant,
                        data=StoreInput(
                            code=f"B{number:03d}",
                            name=f"{city} {index + 1}",
                            kind="franchise" if franchise else ("counter" if index % 4 == 3 else "direct"),
                            region=["east", "north", "south"][number % 3],
                            city=city,
                            address=f"{index + 1} Bench Road, {city}",
                            lat=lat + rng.uniform(-SPREAD_DEG, SPREAD_DEG),
                            lng=lng + rng.uniform(-SPREAD_DEG, SPREAD_DEG),
                            service_radius_km=Decimal("8.00"),
                            capabilities=["pickup", "delivery"],
                            territory=[districts[index]] if franchise else [],
                        ),
                    )
                    set_stock(
                        tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=ON_HAND) for sku in skus]
                    )
            users = User.objects.bulk_create(
                [
                    User(username=f"+861380000{n:04d}", name=f"Bench consumer {n}", password="!unusable")
                    for n in range(CONSUMERS)
                ]
            )
            TenantRole.objects.bulk_create([TenantRole(tenant=tenant, user=user, role=Role.CONSUMER) for user in users])
            Member.objects.bulk_create(
                [Member(tenant=tenant, user=user, phone=user.username, name=user.name) for user in users]
            )
    return tenant


def _reset(tenant: Any) -> None:
    """Delete the brand's orders (and what hangs off them) and give every store its full stock back.

    Run as the tables' owner: the application role may not delete order events."""
    from django.db import connection

    from o2o.models import IdempotencyRecord
    from orders.models import Order, OrderEvent, OrderLine, Refund, RefundLine
    from stores.models import Stock

    with connection.cursor() as cursor:
        for model in (RefundLine, Refund, OrderEvent, OrderLine, Order, IdempotencyRecord):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE tenant_id = %s", [tenant.pk])
    Stock.objects.filter(tenant=tenant).update(on_hand=ON_HAND, reserved=0)


def _load(tenant: Any) -> Brand:
    from catalog.models import Sku
    from o2o.choices import Role
    from o2o.models import TenantRole, User
    from o2o.tokens import issue_token
    from stores.models import Store

    consumer_ids = TenantRole.objects.filter(tenant=tenant, role=Role.CONSUMER).values_list("user_id", flat=True)
    consumers = User.objects.filter(pk__in=list(consumer_ids)).order_by("pk")
    return Brand(
        slug=tenant.slug,
        sku_ids=list(Sku.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)),
        tokens=[issue_token(user=user) for user in consumers],
        stores=Store.objects.filter(tenant=tenant).count(),
    )


def count_orders() -> dict[str, int]:
    from django.db.models import Count

    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from orders.models import Order

    tenant = Tenant.objects.get(slug=TENANT)
    with tenant_scope(tenant):
        rows = Order.objects.filter(tenant=tenant).values_list("status").annotate(n=Count("pk"))
        return dict(rows.values_list("status", "n"))
