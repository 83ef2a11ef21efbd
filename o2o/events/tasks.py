"""The outbox's Celery tasks: fan an event out, run one delivery, and beat's sweep per brand.

Each is a tenant task (`o2o.celery.tenant_task`: `tenant_id=`, the brand's scope, one transaction)
and safe to run twice or concurrently: deliveries are unique per event and handler, a delivery runs
only while pending, under its row lock. Imported by `o2o.events` (so registered wherever the kernel's
models are loaded: every worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task
from django.db import OperationalError

from o2o.celery import tenant_task
from o2o.events import services

if TYPE_CHECKING:
    from o2o.models import Tenant


@tenant_task()
def fan_out_event_task(*, tenant: Tenant, event_id: int) -> int:
    """Create the event's deliveries (one per registered handler) and enqueue each. Idempotent."""
    return len(services.fan_out_event(tenant=tenant, event_id=event_id))


@tenant_task()
def run_delivery_task(*, tenant: Tenant, delivery_id: int) -> str | None:
    """Run one delivery's handler in the brand's scope and record the outcome; never raises for the
    handler (a failure is recorded and retried with backoff). Nothing for a delivery not pending."""
    return services.run_delivery(tenant=tenant, delivery_id=delivery_id)


@tenant_task()
def sweep_events_task(
    *,
    tenant: Tenant,
    events_after_seconds: int = services.EVENTS_AFTER_SECONDS,
    deliveries_after_seconds: int = services.DELIVERIES_AFTER_SECONDS,
) -> int:
    """Fan out the brand's events the after-commit path lost and enqueue its pending deliveries
    that are overdue (a lost enqueue, a killed worker). Returns how many were enqueued."""
    return services.sweep_events(
        tenant=tenant, events_after_seconds=events_after_seconds, deliveries_after_seconds=deliveries_after_seconds
    )


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_events_all_tenants_task(
    events_after_seconds: int = services.EVENTS_AFTER_SECONDS,
    deliveries_after_seconds: int = services.DELIVERIES_AFTER_SECONDS,
) -> int:
    """Beat, every minute (o2o/schedules.py): enqueue `sweep_events_task` for every active brand.
    The thresholds may be given in the job's kwargs. Returns how many brands."""
    from o2o.tenancy.selectors import list_active_tenant_ids

    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        sweep_events_task.delay_on_commit(
            tenant_id=tenant_id,
            events_after_seconds=events_after_seconds,
            deliveries_after_seconds=deliveries_after_seconds,
        )
    return len(tenant_ids)
