"""The same answer both ways: for every catalog action and every role, the API and the HQ pages allow
or refuse alike, because both gate it with `catalog.policies` (writing the catalog and exporting it
is HQ's: admin and staff). A refusal changes nothing.

The roles: HQ admin, HQ staff, a store manager, a guide, a consumer. Each action is asked of the API
and of the page offering it, each on fresh rows of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.models import Category, Product
from catalog.policies import CATALOG_EDITORS, can_edit_catalog
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from o2o.tenancy.actor import Actor
from tests.catalog.snapshots import catalog_of

pytestmark = pytest.mark.django_db

ROLES = (Role.HQ_ADMIN, Role.HQ_STAFF, Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER)
HQ = {Role.HQ_ADMIN, Role.HQ_STAFF}
ALLOWED = {
    "create product": HQ,
    "edit product": HQ,
    "set a regional price": HQ,
    "add category": HQ,
    "delete category": HQ,
    "import products": HQ,
    "export products": HQ,
}
REFUSED = {401, 403, 404}


class Rows:
    """Fresh rows for one call: a category and a product with one SKU, named by `tag`."""

    def __init__(
        self, tenant: Tenant, tag: str, make_category: Callable[..., Category], make_product: Callable[..., Product]
    ) -> None:
        self.tag = tag
        self.category = make_category(tenant, f"Empty {tag}")
        self.holder = make_category(tenant, f"Holder {tag}")
        self.product = make_product(tenant, f"Lamp {tag}", self.holder, [(f"L-{tag}", "One", "1.00")])
        with tenant_scope(tenant):
            self.sku = self.product.skus.get()


def _file(tag: str) -> SimpleUploadedFile:
    text = f"category,product,sku_code,sku_name,price\nFiled {tag},Filed {tag},F-{tag},One,1\n"
    return SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")


def _skus(tag: str, sku_id: int | None = None) -> dict[str, Any]:
    return {
        "skus-TOTAL_FORMS": "1",
        "skus-INITIAL_FORMS": "0",
        "skus-0-id": sku_id or "",
        "skus-0-code": f"N-{tag}",
        "skus-0-name": "New",
        "skus-0-price": "2.00",
        "skus-0-is_active": "on",
    }


def _api(client: Any, action: str, rows: Rows) -> int:
    tag, product = rows.tag, rows.product
    sku = {"code": f"N-{tag}", "name": "New", "price": "2.00"}
    calls: dict[str, Callable[[], Any]] = {
        "create product": lambda: client.post(
            "/api/v1/products/", {"name": f"New {tag}", "category": rows.category.pk, "skus": [sku]}, format="json"
        ),
        "edit product": lambda: client.patch(
            f"/api/v1/products/{product.pk}/", {"name": f"Renamed {tag}"}, format="json"
        ),
        "set a regional price": lambda: client.post(
            "/api/v1/price-lists/", {"region": "east", "sku": rows.sku.pk, "price": "3.00"}, format="json"
        ),
        "add category": lambda: client.post("/api/v1/categories/", {"name": f"Added {tag}"}, format="json"),
        "delete category": lambda: client.delete(f"/api/v1/categories/{rows.category.pk}/"),
        "import products": lambda: client.post("/api/v1/imports/products/", {"file": _file(tag)}, format="multipart"),
        "export products": lambda: client.get("/api/v1/exports/products/"),
    }
    return calls[action]().status_code


def _page(client: Client, action: str, rows: Rows) -> int:
    tag, product = rows.tag, rows.product
    calls: dict[str, Callable[[], Any]] = {
        "create product": lambda: client.post(
            "/hq/products/new/", {"name": f"New {tag}", "category": rows.category.pk} | _skus(tag)
        ),
        "edit product": lambda: client.post(
            f"/hq/products/{product.pk}/", {"name": f"Renamed {tag}", "category": rows.holder.pk} | _skus(tag)
        ),
        "set a regional price": lambda: client.post(
            "/hq/price-lists/", {"sku": rows.sku.pk, "region": "east", "price": "3.00"}
        ),
        "add category": lambda: client.post("/hq/categories/", {"name": f"Added {tag}"}),
        "delete category": lambda: client.post(f"/hq/categories/{rows.category.pk}/delete/"),
        "import products": lambda: client.post("/hq/products/import/", {"file": _file(tag)}),
        "export products": lambda: client.get("/hq/products/export/"),
    }
    return calls[action]().status_code


def _allowed(status: int) -> bool:
    assert status in REFUSED or status in {200, 201, 204, 302}, f"neither allowed nor refused: {status}"
    return status not in REFUSED


@pytest.mark.parametrize("action", list(ALLOWED))
def test_the_api_and_the_pages_give_every_role_the_same_answer(
    action, tenant, make_user, make_category, make_product, api, subtests
):
    users: dict[str, User] = {role: make_user(tenant, role, username=f"policy-{role}") for role in ROLES}
    for number, role in enumerate(ROLES):
        with subtests.test(role=role):
            # given fresh rows for each way in
            via_api = Rows(tenant, f"a{number}", make_category, make_product)
            via_page = Rows(tenant, f"p{number}", make_category, make_product)
            before = catalog_of(tenant)
            page_client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
            page_client.force_login(users[role])
            # when the role does it through the API, and through the page offering it
            api_status = _api(api(users[role], tenant), action, via_api)
            page_status = _page(page_client, action, via_page)
            # then both give the policy's answer, and a refusal changed nothing
            expected = role in ALLOWED[action]
            assert _allowed(api_status) is expected, f"API {api_status}"
            assert _allowed(page_status) is expected, f"page {page_status}"
            if not expected:
                assert catalog_of(tenant) == before


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_is_the_role_sets_the_views_declare(tenant, make_user, role):
    # the API's allowed_roles and the pages' portal roles are catalog.policies.CATALOG_EDITORS
    from catalog import views
    from catalog.api import ProductListApi

    actor = Actor(tenant=tenant, user=make_user(tenant, role, username=f"actor-{role}"))
    with tenant_scope(tenant):
        assert can_edit_catalog(actor) is (role in HQ)
    assert ProductListApi.allowed_roles["POST"] == CATALOG_EDITORS
    assert views.hq_product_new.portal_roles == CATALOG_EDITORS  # type: ignore[attr-defined]
