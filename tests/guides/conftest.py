"""A brand (tests/orders/conftest.py: a lamp at 199.00 and a bulb at 12.50, category Lamps), one
store with its manager and two guides, and orders placed, completed and refunded through the real
API, their domain events handled as a worker would (on commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from guides.models import Commission
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from stores.models import Store, StoreStaff
from tests.attribution.conftest import (  # noqa: F401  (the guides API tests' fixtures)
    guide,
    manager,
    other_guide,
    other_manager,
    other_store,
    product,
    service,
    store,
)
from tests.orders.conftest import Brand, body, brand, clock, shopper  # noqa: F401

T0 = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@dataclass
class World:
    brand: Brand
    store: Store
    manager: APIClient
    guide: StoreStaff
    other_guide: StoreStaff
    shopper: APIClient
    capture: Any
    api: Any

    @property
    def tenant(self) -> Any:
        return self.brand.tenant

    def as_guide(self, post: StoreStaff) -> APIClient:
        return self.api(post.user, self.tenant)

    def place(self, *lines: tuple[Any, int], code: str = "") -> dict[str, Any]:
        extra = {"guide_code": code} if code else {}
        response = self.shopper.post("/api/v1/orders/", body(self.brand, *lines, **extra), format="json")
        assert response.status_code == 201, response.content
        return response.json()

    def complete(self, order_id: int) -> None:
        with self.capture(execute=True):
            for step in ("accept", "complete"):
                response = self.manager.post(f"/api/v1/orders/{order_id}/{step}/")
                assert response.status_code == 200, response.content

    def refund(self, order_id: int, *lines: tuple[int, int]) -> int:
        with self.capture(execute=True):
            response = self.manager.post(
                f"/api/v1/orders/{order_id}/refund/",
                {"lines": [{"line": line, "quantity": q} for line, q in lines]},
                format="json",
            )
        assert response.status_code == 201, response.content
        return int(response.json()["id"])

    def commissions(self, **filters: Any) -> list[tuple[str, str, Decimal, str]]:
        """(kind, status, amount, guide username) of the brand's commissions, oldest first."""
        with tenant_scope(self.tenant):
            return [
                (c.kind, c.status, c.amount, c.guide.user.username)
                for c in Commission.objects.filter(**filters).select_related("guide__user").order_by("pk")
            ]


def post_of(owner: Brand, user: Any) -> StoreStaff:
    with tenant_scope(owner.tenant):
        return StoreStaff.objects.select_related("store", "user").get(user=user)


@pytest.fixture
def world(brand: Brand, shopper: APIClient, api: Any, django_capture_on_commit_callbacks: Any) -> World:  # noqa: F811
    shop = brand.store("GUIDE", km=1.0, stock={brand.lamp: 50, brand.bulb: 50})
    manager_client = api(brand.staff(shop), brand.tenant)
    guide_a = post_of(brand, brand.staff(shop, Role.GUIDE, username="guide-a"))
    other = post_of(brand, brand.staff(shop, Role.GUIDE, username="guide-b"))
    return World(brand, shop, manager_client, guide_a, other, shopper, django_capture_on_commit_callbacks, api)


@pytest.fixture
def frozen() -> Iterator[Any]:
    """`frozen(at)`: stop the clock at `at` (the clock is a boundary)."""
    patches: list[Any] = []

    def stop(at: dt.datetime) -> None:
        for patch in patches:
            patch.stop()
        patches.clear()
        patch = clock(at)
        patch.start()
        patches.append(patch)

    yield stop
    for patch in patches:
        patch.stop()
