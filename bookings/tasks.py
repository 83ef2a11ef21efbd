"""Background jobs of the bookings app: reminders and no-shows (and confirmations queued before
they became the handler of `BOOKING_MADE`).

Every tenant task takes `tenant_id=` and runs in that tenant's scope (`o2o.celery.tenant_task`);
each is idempotent. The two periodic jobs have a fan-out task without a tenant that enqueues one
run per active brand; beat runs the fan-outs every 5 minutes, from the schedule in the database
(`django_celery_beat`, created by the migration `0003_periodic_jobs`, editable by HQ in the admin).

Reminders and no-shows are done from what the database says is due (`ReminderSent` rows, the slot
and its grace period), never from a countdown task: a killed worker, a dropped broker or a Redis
outage delays them to the next run after it, minutes.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from bookings import services
from o2o.celery import tenant_task
from o2o.models import Tenant
from o2o.tenancy.selectors import list_active_tenant_ids


@tenant_task()
def send_booking_confirmation_task(*, tenant: Tenant, booking_id: int) -> None:
    """Tell the consumer their booking is made (nothing for a booking since cancelled, or confirmed).

    No longer enqueued: the confirmation is the handler of `BOOKING_MADE` (bookings/handlers.py),
    which a broker outage does not lose. Kept for the messages an earlier release left queued."""
    services.send_booking_confirmation(tenant=tenant, booking_id=booking_id)


@tenant_task()
def send_due_reminders_task(*, tenant: Tenant) -> int:
    """Send the brand's reminders due now, each exactly once (safe to run twice or concurrently)."""
    return services.send_due_reminders(tenant=tenant)


@tenant_task()
def mark_no_shows_task(*, tenant: Tenant) -> int:
    """Mark the brand's unchecked bookings past their slot and grace period `no_show` (idempotent)."""
    return services.mark_no_shows(tenant=tenant)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_due_reminders_all_tenants_task() -> int:
    """Beat, every 5 minutes: enqueue `send_due_reminders_task` for every active brand."""
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        send_due_reminders_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def mark_no_shows_all_tenants_task() -> int:
    """Beat, every 5 minutes: enqueue `mark_no_shows_task` for every active brand."""
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        mark_no_shows_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)
