"""A brand with stores around People's Square in Shanghai, stock, staff and a consumer; and what
the page tests share (a stopped clock, browsers, orders placed with the real services, reading a
page by its `data-testid`s).

Distances: 0.01 degree of longitude is about 0.95 km at this latitude; the consumer is at HOME.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import RegionalPrice, Sku
from members.models import Member
from members.services import join_brand
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from orders import services
from orders.choices import Channel, OrderStatus
from orders.models import Order, OrderEvent
from orders.routing import Location
from orders.services import LineInput
from stores.models import Stock, Store
from stores.services import StockLevel, create_staff, set_stock
from tests.stores.factories import make_sku, make_store

HOME: dict[str, Any] = {"lat": 31.2304, "lng": 121.4737, "district": "310101"}
CONSUMER_PHONE = "+8613800138000"
# who receives a delivery to HOME, as the API takes it
DELIVERY: dict[str, str] = {
    "recipient": "王芳",
    "phone": "13912345678",
    "address": "上海市黄浦区南京东路 100 号 1201 室",
}


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
    """A checkout body for `lines` delivered to HOME (unless `location` is given), to DELIVERY's
    recipient (unless `delivery` is given)."""
    values: dict[str, Any] = {
        "fulfilment": fulfilment,
        "lines": [{"sku": sku.pk, "quantity": quantity} for sku, quantity in lines],
        "location": HOME,
    }
    if fulfilment == "delivery":
        values["delivery"] = DELIVERY
    values.update(extra)
    return values


# --- the order pages (tests/orders/test_pages_*.py) -------------------------------------------

T0 = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
AT_HOME = Location(HOME["lat"], HOME["lng"], HOME["district"])


def clock(at: dt.datetime) -> mock._patch:
    """Stop the clock at `at` (the clock is a boundary: the only thing the page tests mock)."""
    return mock.patch("django.utils.timezone.now", return_value=at)


def client_for(brand: Brand, user: User | None = None) -> Client:
    """A browser on the brand's host, signed in as `user` when given."""
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    if user is not None:
        client.force_login(user)
    return client


def place(
    brand: Brand,
    *lines: tuple[Sku, int],
    at: dt.datetime = T0,
    store: Store | None = None,
    fulfilment: str = "pickup",
    channel: str = Channel.O2O,
) -> Order:
    """An order of the brand's consumer, placed with the real service at `at` (a delivery to
    DELIVERY's recipient)."""
    delivery = services.DeliveryInput(**DELIVERY) if fulfilment == "delivery" else None
    with tenant_scope(brand.tenant), clock(at):
        return services.place_order(
            tenant=brand.tenant,
            member=brand.member,
            lines=[LineInput(sku_id=sku.pk, quantity=quantity) for sku, quantity in lines],
            fulfilment=fulfilment,
            location=AT_HOME,
            chosen_store=store,
            slot=None,
            delivery=delivery,
            channel=channel,
            by=brand.consumer,
        )


def act(brand: Brand, action: str, order: Order, *, by: User, **kwargs: Any) -> Order:
    """Run the order service `action` (e.g. "accept_order") as `by`."""
    with tenant_scope(brand.tenant):
        return getattr(services, action)(tenant=brand.tenant, order=order, by=by, **kwargs)


def snapshot(brand: Brand, order: Order) -> tuple[Mapping[str, Any], int, list[tuple[int, int]]]:
    """The order's row, how many audit events it has, and the brand's stock (on hand, reserved)."""
    with tenant_scope(brand.tenant):
        return (
            Order.objects.filter(pk=order.pk).values().get(),
            OrderEvent.objects.filter(order=order).count(),
            list(Stock.objects.filter(tenant=brand.tenant).order_by("pk").values_list("on_hand", "reserved")),
        )


def checkout_data(brand: Brand, **values: Any) -> dict[str, Any]:
    """The checkout form: 2 lamps and a bulb for pick-up, near HOME."""
    data = {
        "fulfilment": "pickup",
        f"qty_{brand.lamp.pk}": "2",
        f"qty_{brand.bulb.pk}": "1",
        "lat": str(HOME["lat"]),
        "lng": str(HOME["lng"]),
    }
    data.update(values)
    return data


@pytest.fixture
def hq(brand: Brand, make_user: Callable[..., User]) -> User:
    """An HQ staff member of the brand."""
    return make_user(brand.tenant, Role.HQ_STAFF, username="alpha-hq")


@pytest.fixture
def unroutable(brand: Brand) -> tuple[Order, Store, Store]:
    """An order rejected by the only store that had the lamp (nobody left to take it), that store,
    and a spare store without lamps."""
    only = brand.store("A01", km=1, stock={brand.lamp: 5})
    spare = brand.store("B01", km=2)
    order = place(brand, (brand.lamp, 2))
    act(brand, "reject_order", order, by=brand.staff(only), reason="no staff today")
    assert brand.order(order.pk).status == OrderStatus.UNROUTABLE
    return order, only, spare


class _TestIds(HTMLParser):
    """The elements with a `data-testid`: their attributes and their text, in page order."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[tuple[str, list[str] | None]] = []  # (tag, text parts of a test id or None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        parts: list[str] | None = None
        if "data-testid" in values:
            parts = []
            self.found.append((values["data-testid"], values, parts))
        if tag not in self.VOID:
            self.open.append((tag, parts))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _tag, parts in self.open:
            if parts is not None:
                parts.append(data)


def _parse(html: str) -> list[tuple[str, dict[str, str], list[str]]]:
    parser = _TestIds()
    parser.feed(html)
    return parser.found


def rows(html: str, testid: str, attribute: str = "data-number") -> list[str]:
    """The values of `attribute` of the elements with `data-testid=testid`, in page order."""
    return [attrs.get(attribute, "") for found, attrs, _ in _parse(html) if found == testid]


def text_of(html: str, testid: str) -> list[str]:
    """The text of the elements with `data-testid=testid`, whitespace collapsed."""
    return [re.sub(r"\s+", " ", "".join(parts)).strip() for found, _, parts in _parse(html) if found == testid]


def value_of(html: str, name: str) -> str | None:
    """The value of the first input named `name` (what the page kept of the user's input)."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""
