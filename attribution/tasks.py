"""Attribution's background work: a tracking link's touchpoint written after its redirect
(`attribution.redirect.record_touchpoint_task`, registered here for the workers), credits
recomputed for a window (after stitching, late touchpoints, or a change of lookback), per brand,
and the dashboards' snapshot.

Two periodic jobs (attribution/schedules.py, in django-celery-beat's database schedule): the
dashboards refreshed every 15 minutes and the recent credits recomputed nightly, each a fan-out
task without a tenant enqueueing one run per active brand. Every task is safe to run twice.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from attribution.redirect import record_touchpoint_task
from attribution.services.credits import recompute_credits
from attribution.services.dashboard import refresh_dashboard
from o2o.celery import tenant_task
from o2o.models import Tenant
from o2o.tenancy.selectors import list_active_tenant_ids

__all__ = [
    "recompute_credits_task",
    "recompute_recent_credits_all_tenants_task",
    "recompute_recent_credits_task",
    "record_touchpoint_task",
    "refresh_dashboard_task",
    "refresh_dashboards_all_tenants_task",
]


@tenant_task()
def recompute_credits_task(*, tenant: Tenant, start: str, end: str) -> int:
    """Recompute the credits of the brand's conversions from `start` to `end` (ISO datetimes, end
    excluded). Safe to run twice: identical credits."""
    return recompute_credits(tenant=tenant, start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end))


@tenant_task()
def refresh_dashboard_task(*, tenant: Tenant) -> int:
    """Recompute and store the brand's dashboard figures (HQ's and each store's)."""
    return refresh_dashboard(tenant=tenant)


@tenant_task()
def recompute_recent_credits_task(*, tenant: Tenant) -> int:
    """Recompute the credits of the conversions of the last `lookback_days + 1` days (a touchpoint
    recorded late or stitched since changes them), then refresh the dashboards. Idempotent."""
    end = timezone.now()
    written = recompute_credits(tenant=tenant, start=end - dt.timedelta(days=tenant.lookback_days + 1), end=end)
    refresh_dashboard(tenant=tenant)
    return written


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def refresh_dashboards_all_tenants_task() -> int:
    """Beat, every 15 minutes: enqueue `refresh_dashboard_task` for every active brand."""
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        refresh_dashboard_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def recompute_recent_credits_all_tenants_task() -> int:
    """Beat, nightly: enqueue `recompute_recent_credits_task` for every active brand."""
    tenant_ids = list_active_tenant_ids()
    for tenant_id in tenant_ids:
        recompute_recent_credits_task.delay_on_commit(tenant_id=tenant_id)
    return len(tenant_ids)
