"""The guide credited with an order is kept on it when it is placed (rules.md 4.2): the guide its
`guide_code` names, else the guide the customer was bound to; routing still prefers the bound
guide's store (rules.md 1.3c). Credit never depends on a later lookup: a binding that ends or moves
after the order changes nothing on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import GuideBinding
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.models import StoreStaff
from tests.orders.conftest import body

pytestmark = pytest.mark.django_db


def bind(brand, post: StoreStaff, *, days_left: int) -> GuideBinding:
    now = timezone.now()
    with tenant_scope(brand.tenant):
        return GuideBinding.objects.create(
            tenant=brand.tenant,
            member=brand.member,
            guide=post,
            store=post.store,
            source="link",
            bound_at=now - dt.timedelta(days=30 - days_left),
            bound_until=now + dt.timedelta(days=days_left),
        )


def credited(brand, order_id: int) -> tuple[int | None, str]:
    with tenant_scope(brand.tenant):
        order = Order.objects.get(pk=order_id)
    return order.guide_id, order.guide_source


def post_of(brand, user) -> StoreStaff:
    with tenant_scope(brand.tenant):
        return StoreStaff.objects.get(user=user)


def test_an_order_without_a_guide_credits_none(brand, shopper):
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    assert response.status_code == 201, response.content
    assert credited(brand, response.json()["id"]) == (None, "")


def test_the_bound_guide_is_credited_and_kept_after_the_binding_ends(brand, shopper):
    store = brand.store("GUIDE", km=3.0, stock={brand.lamp: 5})
    guide = post_of(brand, brand.staff(store, Role.GUIDE))
    binding = bind(brand, guide, days_left=10)
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    assert response.status_code == 201, response.content
    with tenant_scope(brand.tenant):
        GuideBinding.objects.filter(pk=binding.pk).update(bound_until=timezone.now() - dt.timedelta(seconds=1))
    assert credited(brand, response.json()["id"]) == (guide.pk, "binding")


def test_a_named_guide_is_credited_even_when_the_bound_guide_s_store_serves(brand, shopper):
    bound_store = brand.store("BOUND", km=3.0, stock={brand.lamp: 5})
    named_store = brand.store("NAMED", km=2.0, stock={brand.lamp: 5})
    bound = post_of(brand, brand.staff(bound_store, Role.GUIDE))
    named = post_of(brand, brand.staff(named_store, Role.GUIDE))
    bind(brand, bound, days_left=10)
    response = shopper.post(
        "/api/v1/orders/", body(brand, (brand.lamp, 1), guide_code=named.code.lower()), format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["store"], response.json()["routing"]["reason"]) == (bound_store.pk, "bound_guide")
    assert credited(brand, response.json()["id"]) == (named.pk, "code")
