"""A checkout naming a guide code (api.md Orders, `guide_code`): a code no active staff member of the
brand holds (unknown, another brand's, a former guide's) is a 400 naming `guide_code`, and nothing
is written; it used to be stored on the order silently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from members.models import GuideBinding
from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.models import StoreStaff
from stores.services import create_staff
from tests.orders.conftest import body
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db


def guide_code(tenant, store, username: str) -> str:
    with tenant_scope(tenant):
        return create_staff(
            tenant=tenant, store=store, username=username, password="pw-secret-42", name="Guide", phone="", role="guide"
        ).code


def refused(code: str) -> dict:
    message = f"No shopping guide has the code {code}."
    return {"code": "invalid", "detail": message, "errors": {"guide_code": [message]}}


@pytest.fixture
def unknown_code() -> str:
    return "GZZZZZZ"


@pytest.fixture
def foreign_code(other_tenant) -> str:
    """The code of a guide of another brand."""
    with tenant_scope(other_tenant):
        store = make_store(other_tenant, code="THEIRS")
    return guide_code(other_tenant, store, "their-guide")


@pytest.fixture
def former_code(brand) -> str:
    """The code of a guide who has left the brand's store (the post is inactive)."""
    store = brand.store("OLD", km=2.0)
    code = guide_code(brand.tenant, store, "former-guide")
    with tenant_scope(brand.tenant):
        StoreStaff.objects.filter(code=code).update(is_active=False)  # no service deactivates a post yet
    return code


@pytest.mark.parametrize("which", ["unknown", "foreign", "former"])
def test_a_guide_code_no_staff_member_of_the_brand_holds_is_a_400_naming_it(brand, shopper, request, which):
    # given a store with lamps, and a code that is unknown, another brand's, or a former guide's
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    code = request.getfixturevalue(f"{which}_code")
    # when the consumer checks out naming it
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), guide_code=code), format="json")
    # then it is refused, naming the field, and nothing is ordered or reserved
    assert (response.status_code, response.json()) == (400, refused(code))
    assert brand.orders() == 0
    assert brand.stock(store, brand.lamp) == (5, 0)


def test_a_bad_guide_code_is_refused_even_when_a_binding_would_route(brand, shopper, foreign_code):
    # given a consumer bound to a guide of the brand's store (the binding routes their orders)
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    own_code = guide_code(brand.tenant, store, "our-guide")
    with tenant_scope(brand.tenant):
        GuideBinding.objects.create(
            tenant=brand.tenant,
            member=brand.member,
            guide=StoreStaff.objects.get(code=own_code),
            store=store,
            source="link",
            bound_at=timezone.now() - dt.timedelta(days=1),
            bound_until=timezone.now() + dt.timedelta(days=29),
        )
    # when they order naming another brand's guide code
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), guide_code=foreign_code), format="json")
    # then it is the same 400, and nothing is ordered or reserved
    assert (response.status_code, response.json()) == (400, refused(foreign_code))
    assert brand.orders() == 0
    assert brand.stock(store, brand.lamp) == (5, 0)


def test_the_shop_checkout_shows_a_foreign_guide_code_next_to_its_field(brand, foreign_code):
    # given a store with lamps
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    client.force_login(brand.consumer)
    # when the consumer checks out in the shop naming another brand's guide code
    data = {"fulfilment": "pickup", f"qty_{brand.lamp.pk}": "1", "lat": "31.2304", "lng": "121.4737"}
    response = client.post("/shop/checkout/", {**data, "guide_code": foreign_code})
    # then the page says so at the field, and no order is placed
    assert response.status_code == 400
    assert response.context["form"].errors == {"guide_code": [f"No shopping guide has the code {foreign_code}."]}
    with tenant_scope(brand.tenant):
        assert not Order.objects.exists()
