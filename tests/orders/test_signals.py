"""The signals orders sends for the higher apps: once each, after commit, never for a rollback."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from orders.models import Order, Refund
from orders.signals import order_cancelled, order_completed, order_placed, order_refunded
from tests.orders.conftest import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict]]]:
    """Every orders signal received, in order, as (name, kwargs)."""
    calls: list[tuple[str, dict]] = []
    for name, signal in [
        ("placed", order_placed),
        ("completed", order_completed),
        ("refunded", order_refunded),
        ("cancelled", order_cancelled),
    ]:

        def receiver(sender, _name=name, **kwargs):
            assert sender is Order
            calls.append((_name, kwargs))

        signal.connect(receiver, dispatch_uid=f"test-{name}", weak=False)
    yield calls
    for name, signal in [
        ("placed", order_placed),
        ("completed", order_completed),
        ("refunded", order_refunded),
        ("cancelled", order_cancelled),
    ]:
        signal.disconnect(dispatch_uid=f"test-{name}")


def test_each_signal_is_sent_once_after_commit(api, brand, shopper, heard, django_capture_on_commit_callbacks):
    # given a store and its manager
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    manager = api(brand.staff(store), brand.tenant)
    # when an order is placed: nothing is heard before the commit, `placed` once after it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json").json()
    assert heard == []
    for callback in callbacks:
        callback()
    assert [(name, kwargs["tenant"], kwargs["order"].pk) for name, kwargs in heard] == [
        ("placed", brand.tenant, order["id"])
    ]
    # when it is accepted, completed and partly refunded (callbacks run at each commit)
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(f"/api/v1/orders/{order['id']}/accept/")
        manager.post(f"/api/v1/orders/{order['id']}/complete/")
        refund = manager.post(
            f"/api/v1/orders/{order['id']}/refund/",
            {"lines": [{"line": order["lines"][0]["id"], "quantity": 1}]},
            format="json",
        ).json()
    # then `completed` and `refunded` were each heard once, the latter with its refund
    assert [name for name, _ in heard] == ["placed", "completed", "refunded"]
    completed, refunded = heard[1][1], heard[2][1]
    assert (completed["order"].pk, completed["order"].status) == (order["id"], "completed")
    assert isinstance(refunded["refund"], Refund)
    assert (refunded["order"].pk, refunded["refund"].pk, refunded["refund"].amount) == (
        order["id"],
        refund["id"],
        Decimal("199.00"),
    )


def test_cancel_is_heard_once_and_a_refused_order_is_never_heard(
    brand, shopper, heard, django_capture_on_commit_callbacks
):
    # given a store with one lamp
    brand.store("NEAR", km=1.0, stock={brand.lamp: 1})
    with django_capture_on_commit_callbacks(execute=True):
        # when an order for two lamps is refused (422), and one for a lamp is placed and cancelled
        refused = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json")
        order = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
        shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
        again = shopper.post(f"/api/v1/orders/{order['id']}/cancel/")
    # then only the placed order and its cancellation were heard, once each
    assert (refused.status_code, again.status_code) == (422, 409)
    assert [(name, kwargs["order"].pk) for name, kwargs in heard] == [
        ("placed", order["id"]),
        ("cancelled", order["id"]),
    ]
