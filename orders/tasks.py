"""Background work of orders: the accept deadline (rules.md 1.6), kept by a periodic sweep.

The deadline is `Order.accept_by`, in the database; beat runs `sweep_all_tenants_task` every minute
(schedule in the database, orders/schedules.py), which re-routes every order past it. No countdown
task is queued per order: a killed worker, a dropped broker or an enqueue lost in a Redis outage
delays an expiry by the next sweep, a minute, never by the broker's visibility timeout.
"""

from __future__ import annotations

from celery import shared_task

from o2o.celery import tenant_task
from o2o.models import Tenant
from o2o.tenancy.selectors import list_active_tenant_ids
from orders import services


@tenant_task()
def expire_unaccepted_order_task(*, tenant: Tenant, order_id: int, store_id: int | None = None) -> bool:
    """Re-route an order its store (`store_id`) did not accept by the deadline; safe to run twice,
    late, early (nothing happens), or after acceptance. No longer scheduled at routing (the sweep
    keeps the deadline): kept for the countdown messages an earlier release left in the broker."""
    return services.expire_if_unaccepted(tenant=tenant, order_id=order_id, store_id=store_id)


@tenant_task()
def sweep_expired_orders_task(*, tenant: Tenant) -> int:
    """Re-route every order of the brand past its accept deadline (idempotent: an order moves once)."""
    return services.sweep_expired_orders(tenant=tenant)


@tenant_task()
def ready_after_check_in_task(*, tenant: Tenant, booking_id: int) -> None:
    """An experience order's customer checked in: an accepted order becomes ready. Safe twice.
    No longer enqueued (the handler of `BOOKING_CHECKED_IN` in orders/handlers.py does it): kept for
    the messages an earlier release left queued."""
    services.ready_after_check_in(tenant=tenant, booking_id=booking_id)


@shared_task(acks_late=True)
def sweep_all_tenants_task() -> int:
    """Beat's entry point (every minute, schedule in the database): one sweep per active brand.

    Runs outside any tenant scope (the tenants table is not tenant-owned). Returns how many were
    enqueued.
    """
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        sweep_expired_orders_task.delay(tenant_id=tenant_id)
    return len(tenant_ids)
