"""Background jobs of the platform kernel: the retention of idempotency records.

Like every app's jobs: a tenant task (`o2o.celery.tenant_task`) per brand, and a fan-out without a
tenant that beat runs daily (`o2o.schedules.JOBS`, in django-celery-beat's database schedule).
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from o2o import services
from o2o.celery import tenant_task
from o2o.models import Tenant


@tenant_task()
def purge_idempotency_records_task(*, tenant: Tenant) -> int:
    """Delete the brand's idempotency records past their retention (idempotent)."""
    return services.purge_idempotency_records(tenant=tenant)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def purge_idempotency_records_all_tenants_task() -> int:
    """Beat, daily: enqueue `purge_idempotency_records_task` for every brand (inactive ones too:
    their records age as well)."""
    tenant_ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        purge_idempotency_records_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)
