"""Background jobs of the members app: the daily reminder of bindings about to end (rules.md 4.1).

The periodic job is a fan-out without a tenant that enqueues one run per active brand; beat runs it
daily, from the schedule in the database (`members/schedules.py`, migration `0003`)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from members.binding_reminders import send_binding_reminders
from o2o.celery import tenant_task
from o2o.models import Tenant
from o2o.tenancy.selectors import list_active_tenant_ids


@tenant_task()
def send_binding_reminders_task(*, tenant: Tenant) -> int:
    """Tell the brand's guides whose customers' protection ends within 7 days, once a day (idempotent)."""
    return send_binding_reminders(tenant=tenant)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_binding_reminders_all_tenants_task() -> int:
    """Beat, daily: enqueue `send_binding_reminders_task` for every active brand."""
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        send_binding_reminders_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)
