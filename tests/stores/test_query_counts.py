"""The stores pages' query counts, pinned (PostgreSQL's: the tenant scope adds a statement per
transaction), and constant in the data: each page that lists or acts costs the same with one row
and with many (stores, stock rows, staff, contract versions, services offered)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest

from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores import services
from stores.models import Store, StoreContract
from stores.selectors import tenant_today
from tests.pages import client_for
from tests.stores.factories import make_service
from tests.stores.test_hq_store_pages import NEW_STORE

pytestmark = pytest.mark.django_db

MANY = 12


@dataclass
class World:
    """A store with its manager, a stock row, a service, its opening contract; `grow()` adds MANY
    more of each (and MANY other stores, and MANY guides)."""

    tenant: Tenant
    store: Store
    sku_id: int
    hq: User
    manager: User
    grow: Callable[[], None]


@pytest.fixture
def world(tenant, hq_admin, make_store, make_sku, stock_of, make_manager) -> World:
    store = make_store(tenant, "SH-0", capabilities=["pickup", "services"], territory=["310100"])
    sku = make_sku(tenant, "SKU-0", "Sku 0", product="Product 0")
    stock_of(store, sku, on_hand=5)
    manager = make_manager(store, "sh-manager")

    def offer(number: int) -> None:
        with tenant_scope(tenant):
            offered = [services.ServiceOffering(service_id=make_service(tenant).pk, capacity=2) for _ in range(number)]
            services.set_store_services(tenant=tenant, store=store, offerings=offered)

    def grow() -> None:
        offer(MANY)
        for n in range(1, MANY + 1):
            stock_of(store, make_sku(tenant, f"SKU-{n}", f"Sku {n}", product=f"Product {n}"), on_hand=3)
            make_store(tenant, f"SH-{n}", capabilities=["pickup", "services"], territory=[f"3101{n:02d}"])
        with tenant_scope(tenant):
            latest = max(StoreContract.objects.filter(store=store).latest().valid_from, tenant_today(tenant=tenant))
            for n in range(1, MANY + 1):
                terms = services.ContractTerms.defaults_for("direct")
                services.change_contract(tenant=tenant, store=store, terms=terms, valid_from=latest + dt.timedelta(n))
                services.create_staff(
                    tenant=tenant,
                    store=store,
                    username=f"g-{n}",
                    password="pw-x-4242",
                    name="G",
                    phone="",
                    role="guide",
                )

    offer(1)
    return World(tenant, store, sku.pk, hq_admin, manager, grow)


_numbers = count(1)


def _store_form(world: World) -> dict[str, Any]:
    name = f"Renamed {next(_numbers)}"
    return {**NEW_STORE, "action": "store", "code": "SH-0", "name": name, "capabilities": ["pickup", "services"]}


def _contract_form(world: World) -> dict[str, Any]:
    """New terms from the day after the latest version's start."""
    with tenant_scope(world.tenant):
        latest = StoreContract.objects.filter(store=world.store).latest().valid_from
    start = max(latest, tenant_today(tenant=world.tenant)) + dt.timedelta(days=1)
    return {"action": "contract", "contract-valid_from": start.isoformat(), "contract-sales_share_rate": "0.1000"}


def _staff_form(world: World) -> dict[str, Any]:
    number = next(_numbers)
    return {
        "action": "staff",
        "staff-username": f"new-guide-{number}",
        "staff-password": "Long-enough-pw-42",
        "staff-name": "Li Na",
        "staff-role": "guide",
    }


def _count(world: World) -> dict[str, Any]:
    return {"on_hand": str(10 + next(_numbers))}


# name: (who, path, form (None: a GET), status, queries). Paths name `{store}` and `{sku}`.
PAGES: dict[str, tuple[str | None, str, Callable[[World], dict[str, Any]] | None, int, int]] = {
    "hq store list": ("hq", "/hq/stores/", None, 200, 12),
    "hq store editor": ("hq", "/hq/stores/{store}/", None, 200, 13),
    "hq store save": ("hq", "/hq/stores/{store}/", _store_form, 302, 21),
    "hq contract change": ("hq", "/hq/stores/{store}/", _contract_form, 302, 18),
    "hq staff account": ("hq", "/hq/stores/{store}/", _staff_form, 302, 27),
    "hq stock page": ("hq", "/hq/stores/{store}/stock/", None, 200, 11),
    "hq stock row": ("hq", "/hq/stores/{store}/stock/{sku}/", _count, 200, 20),
    "store dashboard": ("manager", "/store/", None, 200, 14),  # 14: the funnel's snapshot, the latest statement
    "store stock page": ("manager", "/store/stock/", None, 200, 10),
    "store stock row": ("manager", "/store/stock/{sku}/", _count, 200, 19),
    "store qr print page": ("manager", "/store/qr/", None, 200, 9),
    "shop store list by city": (None, "/stores/?city=Shanghai", None, 200, 9),
    "shop store list by position": (None, "/stores/?lat=31.23&lng=121.47", None, 200, 10),
    "shop store page": (None, "/stores/{store}/", None, 200, 9),
    "shop qr svg": (None, "/stores/{store}/qr.svg", None, 200, 7),
    "shop qr png": (None, "/stores/{store}/qr.png", None, 200, 7),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_stores_page_costs_the_same_queries_with_one_row_and_with_many(world, page, django_assert_num_queries):
    who, path, form, status, queries = PAGES[page]
    user = {"hq": world.hq, "manager": world.manager, None: None}[who]
    client = client_for(world.tenant, user)
    url = path.format(store=world.store.pk, sku=world.sku_id)

    def visit(data: dict[str, Any] | None) -> Any:
        if data is None:
            return client.get(url)
        # a stock row answers htmx in place (200), the other forms redirect
        headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if status == 200 else {}
        return client.post(url, data, **headers)

    def data() -> dict[str, Any] | None:
        return form(world) if form is not None else None

    visit(data())  # the session and the brand's caches warmed up, as for any visitor after their first page
    # when the page is visited with one row of each, then with many
    posted = data()
    with django_assert_num_queries(queries) as one:
        first = visit(posted)
    world.grow()
    posted = data()
    with django_assert_num_queries(queries) as many:
        second = visit(posted)
    # then both answer, at the pinned cost
    assert (first.status_code, second.status_code) == (status, status)
    assert len(one.captured_queries) == len(many.captured_queries) == queries
