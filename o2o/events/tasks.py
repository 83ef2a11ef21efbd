"""The outbox's Celery tasks: run one delivery, and beat's sweep per brand.

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
def run_delivery_task(*, tenant: Tenant, delivery_id: int) -> str | None:
    """Run one delivery's handler in the brand's scope and record the outcome; never raises for the
    handler (a failure is recorded and retried with backoff). Nothing for a delivery not pending."""
    return services.run_delivery(tenant=tenant, delivery_id=delivery_id)


@tenant_task()
def sweep_events_task(*, tenant: Tenant, deliveries_after_seconds: int = services.DELIVERIES_AFTER_SECONDS) -> int:
    """Enqueue the brand's pending deliveries that are overdue (a lost enqueue after the commit, a
    killed worker, a lost countdown). Returns how many were enqueued."""
    return services.sweep_events(tenant=tenant, deliveries_after_seconds=deliveries_after_seconds)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_events_all_tenants_task(deliveries_after_seconds: int = services.DELIVERIES_AFTER_SECONDS) -> int:
    """Beat, every minute (o2o/schedules.py): enqueue `sweep_events_task` for every active brand.
    `deliveries_after_seconds` may be given in the job's kwargs. Returns how many brands."""
    from o2o.tenancy.selectors import list_active_tenant_ids

    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        sweep_events_task.delay_on_commit(tenant_id=tenant_id, deliveries_after_seconds=deliveries_after_seconds)
    return len(tenant_ids)
