"""The orders app's entries in the cross-tenant harness (tests/harness.py)."""

from __future__ import annotations

import itertools
from typing import Any

from members.services import join_brand
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.models import Order
from orders.routing import Location
from orders.services import LineInput, place_order
from stores.services import StockLevel, set_stock
from tests.stores.factories import make_sku, make_store

_phones = itertools.count(13_700_000_000)


def _an_order(tenant: Tenant) -> Order:
    """A routed pick-up order of one SKU at a new store of `tenant` (inside its tenant scope)."""
    store = make_store(tenant)
    sku = make_sku(tenant)
    set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=3)])
    member = join_brand(tenant=tenant, phone=f"+86{next(_phones)}", name="Harness")
    return place_order(
        tenant=tenant,
        member=member,
        lines=[LineInput(sku_id=sku.pk, quantity=1)],
        fulfilment="pickup",
        location=Location(),
        chosen_store=store,
        slot=None,
    )


def _checkout_of_foreign_sku_at_a_foreign_store(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        order = _an_order(foreign)
        sku_id, store_id = order.lines.get().sku_id, order.store_id
    return {
        "fulfilment": "pickup",
        "lines": [{"sku": sku_id, "quantity": 1}],
        "store": store_id,
        "name": "Writer",
        "phone": "+8613900001111",
    }


def _foreign_store(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        return {"store": make_store(foreign).pk}


def _foreign_line(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        return {"lines": [{"line": _an_order(foreign).lines.get().pk, "quantity": 1}]}


FOREIGN_FACTORIES = {Order: _an_order}

FOREIGN_WRITES = {
    "order-list": _checkout_of_foreign_sku_at_a_foreign_store,
    "order-assign": _foreign_store,
    "order-refund": _foreign_line,
}

NO_FOREIGN_REFERENCES = {
    "order-accept": "no body",
    "order-ready": "no body",
    "order-complete": "a pick-up code only",
    "order-reject": "a reason only",
    "order-cancel": "a reason only",
}
