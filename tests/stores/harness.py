"""The stores app's entries in the cross-tenant harness (tests/harness.py)."""

from __future__ import annotations

from typing import Any

from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from stores.models import Store
from tests.stores.factories import make_service, make_sku, make_store


def _foreign_store(tenant: Tenant) -> Store:
    return make_store(tenant)


def _stock_of_a_foreign_sku(own: Tenant, foreign: Tenant) -> Any:
    with tenant_scope(foreign):
        sku = make_sku(foreign)
    return [{"sku": sku.pk, "on_hand": 5}]


def _a_foreign_service(own: Tenant, foreign: Tenant) -> Any:
    with tenant_scope(foreign):
        service = make_service(foreign)
    return [{"service": service.pk, "capacity": 2}]


FOREIGN_FACTORIES = {Store: _foreign_store}

FOREIGN_WRITES = {
    "store-stock": _stock_of_a_foreign_sku,
    "store-services": _a_foreign_service,
}

NO_FOREIGN_REFERENCES = {
    "store-list": "a store's own fields only (territory and capabilities are codes, not ids)",
    "store-detail": "a store's own fields and contract terms only",
    "store-staff": "username, password, name, phone and role only; the store is the URL's",
    "store-import": "a file of stores named by their codes, written into the caller's brand only",
}
