"""The guides app's background work: the daily approval of commissions (guides/schedules.py), a
fan-out task enqueueing one run per active brand. Every task is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from guides.services.commissions import approve_due
from o2o.celery import tenant_task
from o2o.models import Tenant
from o2o.tenancy.selectors import list_active_tenant_ids


@tenant_task()
def approve_commissions_task(*, tenant: Tenant) -> int:
    """Approve the brand's pending commissions past their return window. Safe to run twice."""
    return approve_due(tenant=tenant)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def approve_commissions_all_tenants_task() -> int:
    """Beat, daily: enqueue `approve_commissions_task` for every active brand."""
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        approve_commissions_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)
