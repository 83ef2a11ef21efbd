"""The accept deadline (rules.md 1.6): the expiry task scheduled at routing, the periodic sweep,
and the beat schedule in the database. Running either twice changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import cast
from unittest import mock

import pytest
from celery import Task as CeleryTask
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from o2o.tenancy import tenant_scope
from orders.models import Order, OrderEvent
from orders.tasks import expire_unaccepted_order_task, sweep_all_tenants_task, sweep_expired_orders_task
from stores.models import Stock
from tests.orders.conftest import body
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

WEEK_MINUTES = 7 * 24 * 60


def clock(at: dt.datetime) -> mock._patch:
    """Stop the clock at `at` (the clock is a boundary)."""
    return mock.patch("django.utils.timezone.now", return_value=at)


def _place(brand, shopper, quantity: int = 2) -> Order:
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, quantity)), format="json")
    assert response.status_code == 201, response.content
    return brand.order(response.json()["id"])


def _state(brand, order_id: int) -> dict:
    with tenant_scope(brand.tenant):
        return {
            "order": Order.objects.filter(pk=order_id).values().get(),
            "events": list(OrderEvent.objects.filter(order_id=order_id).values_list("to_status", "reason", "store_id")),
            "stock": snapshot(Stock, brand.tenant),
        }


def _expire(brand, order: Order, store_id: int | None, at: dt.datetime) -> None:
    with clock(at):
        expire_unaccepted_order_task.delay(tenant_id=brand.tenant.pk, order_id=order.pk, store_id=store_id)


def test_an_order_not_accepted_in_time_goes_to_the_next_store_with_its_stock_and_a_second_run_changes_nothing(
    brand, shopper
):
    # given an order of 2 lamps routed to NEAR, which lets the 15 minutes pass
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    order = _place(brand, shopper)
    late = cast(dt.datetime, order.accept_by) + dt.timedelta(seconds=2)
    # when the expiry task runs
    _expire(brand, order, near.pk, late)
    # then the order is at FAR with a new deadline, NEAR excluded, the reservation moved
    moved = brand.order(order.pk)
    assert (moved.status, moved.store_id, moved.declined_store_ids) == ("routed", far.pk, [near.pk])
    assert moved.accept_by == late + dt.timedelta(minutes=15)
    assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((5, 0), (5, 2))
    assert _state(brand, order.pk)["events"][-1] == ("routed", "expired", near.pk)
    # when the same task runs again (a retry, or the sweep got there first)
    before = _state(brand, order.pk)
    _expire(brand, order, near.pk, late + dt.timedelta(seconds=5))
    # then nothing changes
    assert _state(brand, order.pk) == before


def test_the_task_before_the_deadline_or_after_acceptance_changes_nothing(api, brand, shopper):
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    order = _place(brand, shopper)
    before = _state(brand, order.pk)
    # early: a minute before the deadline
    _expire(brand, order, near.pk, cast(dt.datetime, order.accept_by) - dt.timedelta(minutes=1))
    assert _state(brand, order.pk) == before
    # accepted in time, then the (late-running) task fires
    assert api(brand.staff(near), brand.tenant).post(f"/api/v1/orders/{order.pk}/accept/").status_code == 200
    before = _state(brand, order.pk)
    _expire(brand, order, near.pk, cast(dt.datetime, order.accept_by) + dt.timedelta(minutes=5))
    assert _state(brand, order.pk) == before


def test_re_routing_never_goes_back_to_a_store_that_declined(api, brand, shopper):
    # given three stores; NEAR rejects the order, so it goes to MID
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    mid = brand.store("MID", km=2.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    order = _place(brand, shopper)
    api(brand.staff(near), brand.tenant).post(f"/api/v1/orders/{order.pk}/reject/", {"reason": "busy"})
    assert brand.order(order.pk).store_id == mid.pk
    # when MID lets it expire
    _expire(brand, order, mid.pk, brand.order(order.pk).accept_by + dt.timedelta(seconds=1))
    # then it goes to FAR, not back to the nearest (NEAR)
    moved = brand.order(order.pk)
    assert (moved.store_id, sorted(moved.declined_store_ids)) == (far.pk, sorted([near.pk, mid.pk]))
    assert [brand.stock(s, brand.lamp) for s in (near, mid, far)] == [(5, 0), (5, 0), (5, 2)]
    # when FAR lets it expire too, nothing is left: unroutable, nothing reserved
    _expire(brand, order, far.pk, moved.accept_by + dt.timedelta(seconds=1))
    final = brand.order(order.pk)
    assert (final.status, final.store_id, final.accept_by) == ("unroutable", None, None)
    assert [brand.stock(s, brand.lamp) for s in (near, mid, far)] == [(5, 0), (5, 0), (5, 0)]


def test_a_stale_task_of_an_earlier_store_changes_nothing(api, brand, shopper):
    # given an order NEAR rejected, now at FAR
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    order = _place(brand, shopper)
    api(brand.staff(near), brand.tenant).post(f"/api/v1/orders/{order.pk}/reject/", {"reason": "busy"})
    before = _state(brand, order.pk)
    # when NEAR's expiry task fires after FAR's deadline too
    _expire(brand, order, near.pk, brand.order(order.pk).accept_by + dt.timedelta(minutes=1))
    # then FAR keeps it (FAR's own task decides for FAR)
    assert _state(brand, order.pk) == before


def test_the_sweep_re_routes_every_late_order_once(brand, shopper):
    # given two orders placed at 10:00 and one at 10:10, all at NEAR
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 9})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 9})
    ten = timezone.now().replace(microsecond=0)
    with clock(ten):
        first, second = _place(brand, shopper, 1), _place(brand, shopper, 1)
    with clock(ten + dt.timedelta(minutes=10)):
        third = _place(brand, shopper, 1)
    # when the sweep runs at 10:16, and again at 10:17
    with clock(ten + dt.timedelta(minutes=16)):
        assert sweep_expired_orders_task.delay(tenant_id=brand.tenant.pk).get() == 2
    before = [_state(brand, o.pk) for o in (first, second, third)]
    with clock(ten + dt.timedelta(minutes=17)):
        assert sweep_expired_orders_task.delay(tenant_id=brand.tenant.pk).get() == 0
    # then the two late ones moved to FAR once; the third stays at NEAR
    assert [brand.order(o.pk).store_id for o in (first, second, third)] == [far.pk, far.pk, near.pk]
    assert [_state(brand, o.pk) for o in (first, second, third)] == before
    assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((9, 1), (9, 2))


def test_the_beat_entry_sweeps_every_active_brand(brand, shopper, other_tenant):
    # given a late order in this brand
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    order = _place(brand, shopper)
    # when beat's task runs after the deadline
    with clock(cast(dt.datetime, order.accept_by) + dt.timedelta(seconds=1)):
        enqueued = sweep_all_tenants_task.delay().get()
    # then one sweep per active brand ran, and the order moved
    assert enqueued == 2
    assert brand.order(order.pk).store_id == far.pk


def test_the_sweep_is_scheduled_every_minute_in_the_database():
    task = PeriodicTask.objects.get(task="orders.tasks.sweep_all_tenants_task")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "minutes")


def test_no_deadline_is_a_countdown_task_in_the_broker_not_even_a_week_away(
    api, brand, shopper, django_capture_on_commit_callbacks
):
    # given a brand that gives its stores a week to accept (the most it may give), two stores
    brand.tenant.accept_within_minutes = WEEK_MINUTES
    with tenant_scope(brand.tenant):
        brand.tenant.save(update_fields=["accept_within_minutes"])
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    # when an order is placed and NEAR rejects it (re-routed, a new deadline), and what is sent
    # to the broker after each commit is recorded (the broker is the boundary)
    at = timezone.now().replace(microsecond=0)
    recorded = mock.patch.object(CeleryTask, "apply_async", autospec=True, side_effect=CeleryTask.apply_async)
    with recorded as sent, clock(at), django_capture_on_commit_callbacks(execute=True):
        order = _place(brand, shopper)
        rejected = api(brand.staff(near), brand.tenant).post(f"/api/v1/orders/{order.pk}/reject/", {"reason": "x"})
    # then each deadline is in the database, a week on, and no task was sent with a countdown or an
    # ETA: a worker would hold it unacknowledged for a week, longer than the broker's visibility
    # timeout, after which Redis delivers it again (the sweep keeps the deadline instead)
    assert rejected.status_code == 200, rejected.content
    assert brand.order(order.pk).accept_by == at + dt.timedelta(days=7)
    delayed = [
        (call.args[0].name, call.kwargs.get("countdown"), call.kwargs.get("eta"))
        for call in sent.call_args_list
        if call.kwargs.get("countdown") or call.kwargs.get("eta")
    ]
    assert delayed == []
