"""POST /api/v1/orders/{id}/refund/: by line and quantity, exact, never more than what was paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from o2o.tenancy import tenant_scope
from orders.models import Order, OrderLine, Refund, RefundLine
from tests.orders.conftest import body, regional_price

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(api, brand, shopper):
    """A completed order at WEST (region price 33.33 a lamp): 3 lamps and 2 bulbs = 99.99 + 25.00."""
    regional_price(brand, brand.lamp, "west", "33.33")
    store = brand.store("WEST", km=1.0, region="west", stock={brand.lamp: 5, brand.bulb: 5})
    manager = api(brand.staff(store), brand.tenant)
    order = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 3), (brand.bulb, 2)), format="json").json()
    assert order["total"] == "124.99"
    for step in ("accept", "complete"):
        assert manager.post(f"/api/v1/orders/{order['id']}/{step}/").status_code == 200
    lamp_line, bulb_line = (line["id"] for line in order["lines"])
    return manager, order["id"], lamp_line, bulb_line


def _money(brand, order_id):
    with tenant_scope(brand.tenant):
        return (
            Order.objects.get(pk=order_id).refunded_amount,
            dict(OrderLine.objects.filter(order_id=order_id).values_list("pk", "refunded_quantity")),
            list(Refund.objects.filter(order_id=order_id).values_list("amount", flat=True)),
            RefundLine.objects.count(),
        )


def test_a_partial_refund_is_unit_price_times_quantity_exactly(brand, completed):
    # given a completed order of 3 lamps at 33.33 and 2 bulbs at 12.50
    manager, order_id, lamp_line, bulb_line = completed
    # when the manager refunds 2 lamps and 1 bulb
    response = manager.post(
        f"/api/v1/orders/{order_id}/refund/",
        {"lines": [{"line": lamp_line, "quantity": 2}, {"line": bulb_line, "quantity": 1}], "reason": "broken"},
        format="json",
    )
    # then 79.16 is refunded (66.66 + 12.50), recorded by line
    assert response.status_code == 201, response.content
    refund = response.json()
    assert (refund["amount"], refund["reason"]) == ("79.16", "broken")
    assert [(r["line"], r["quantity"], r["amount"]) for r in refund["lines"]] == [
        (lamp_line, 2, "66.66"),
        (bulb_line, 1, "12.50"),
    ]
    assert (refund["order"]["refunded"], refund["order"]["status"]) == ("79.16", "completed")
    assert _money(brand, order_id) == (Decimal("79.16"), {lamp_line: 2, bulb_line: 1}, [Decimal("79.16")], 2)


def test_refunds_add_up_to_the_total_and_never_beyond(brand, completed):
    # given 2 lamps and 1 bulb refunded already
    manager, order_id, lamp_line, bulb_line = completed
    first = {"lines": [{"line": lamp_line, "quantity": 2}, {"line": bulb_line, "quantity": 1}]}
    assert manager.post(f"/api/v1/orders/{order_id}/refund/", first, format="json").status_code == 201
    before = _money(brand, order_id)
    # when the manager asks for 2 more lamps (1 is left)
    over = manager.post(
        f"/api/v1/orders/{order_id}/refund/", {"lines": [{"line": lamp_line, "quantity": 2}]}, format="json"
    )
    # then 400 names `lines`, and nothing changed
    assert over.status_code == 400
    assert list(over.json()["errors"]) == ["lines"]
    assert "only 1 of 3 are left" in over.json()["detail"]
    assert _money(brand, order_id) == before
    # when the rest is refunded (1 lamp and 1 bulb)
    rest = manager.post(
        f"/api/v1/orders/{order_id}/refund/",
        {"lines": [{"line": lamp_line, "quantity": 1}, {"line": bulb_line, "quantity": 1}]},
        format="json",
    )
    # then everything paid is refunded, to the cent, and not one cent more can be
    assert (rest.status_code, rest.json()["amount"]) == (201, "45.83")
    assert _money(brand, order_id)[0] == Decimal("124.99")
    again = manager.post(
        f"/api/v1/orders/{order_id}/refund/", {"lines": [{"line": bulb_line, "quantity": 1}]}, format="json"
    )
    assert again.status_code == 400
    assert _money(brand, order_id)[0] == Decimal("124.99")


def test_a_repeated_line_is_merged_before_the_check(brand, completed):
    manager, order_id, lamp_line, _bulb = completed
    before = _money(brand, order_id)
    response = manager.post(
        f"/api/v1/orders/{order_id}/refund/",
        {"lines": [{"line": lamp_line, "quantity": 2}, {"line": lamp_line, "quantity": 2}]},
        format="json",
    )
    assert response.status_code == 400
    assert _money(brand, order_id) == before


def test_a_line_of_another_order_and_a_zero_quantity_are_400(brand, shopper, completed):
    manager, order_id, lamp_line, _bulb = completed
    other = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    before = _money(brand, order_id)
    for lines in ([{"line": other["lines"][0]["id"], "quantity": 1}], [{"line": lamp_line, "quantity": 0}], []):
        response = manager.post(f"/api/v1/orders/{order_id}/refund/", {"lines": lines}, format="json")
        assert response.status_code == 400, lines
        assert "lines" in response.json()["errors"]
    assert _money(brand, order_id) == before


def test_an_order_that_is_not_completed_cannot_be_refunded(api, brand, shopper, hq_admin):
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    order = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    response = api(hq_admin, brand.tenant).post(
        f"/api/v1/orders/{order['id']}/refund/", {"lines": [{"line": order["lines"][0]["id"], "quantity": 1}]}
    )
    assert (response.status_code, response.json()["code"], response.json()["status"]) == (
        409,
        "illegal_transition",
        "routed",
    )
    assert _money(brand, order["id"]) == (Decimal("0.00"), {order["lines"][0]["id"]: 0}, [], 0)
    assert brand.stock(store, brand.lamp) == (5, 1)
