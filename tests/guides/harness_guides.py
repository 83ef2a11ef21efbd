"""The guides app's entries in the cross-tenant harness (tests/harness.py merges them by app label),
with the members app's binding endpoints (`member-rebind`, `member-bindings`)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

from django.db.models import Model

from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.services import grant_role
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff
from tests.members.factories import create_store
from tests.stores.factories import make_sku

_numbers = count(1)


def _guide(tenant: Tenant) -> StoreStaff:
    n = next(_numbers)
    store = create_store(tenant, f"GX{n}")
    user = User.objects.create_user(username=f"foreign-guide-{tenant.slug}-{n}", password="x-pass-99")
    grant_role(tenant=tenant, user=user, role=Role.GUIDE)
    return StoreStaff.objects.create(tenant=tenant, user=user, store=store, role=Role.GUIDE, code=f"FG{n}")


def _rebind_to_a_foreign_guide(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        guide = _guide(foreign)
    return {"guide": guide.pk, "reason": "moved"}


def _a_link_to_a_foreign_product(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        product = make_sku(foreign, code=f"FX-{next(_numbers)}").product
    return {"target": "product", "product": product.pk}


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {StoreStaff: _guide}

FOREIGN_WRITES: dict[str, Callable[[Tenant, Tenant], dict[str, Any]]] = {
    "member-rebind": _rebind_to_a_foreign_guide,
    "guide-me-links": _a_link_to_a_foreign_product,
}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "guide-me-served": "a phone or a signed member code; another brand's code reads as none (test_guides_api.py)",
}

SINGLE_OBJECTS: dict[str, str] = {
    "guide-me": "the calling guide themselves, not a list",
    "guide-me-customers": "the calling guide's own bound customers (needs their store post, which the harness's "
    "role-only caller lacks); another brand's and another guide's left out: tests/guides/test_guides_api.py",
}
