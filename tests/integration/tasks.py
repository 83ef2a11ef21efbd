"""Tasks the worker test sends to a real Celery worker: each reports what it saw of the database.

They read the roles table with no tenant filter of their own, so what they see is what row-level
security lets through on the worker's connection.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import connection

from o2o.celery import tenant_task
from o2o.models import Tenant, TenantRole


def _what_the_connection_sees() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('o2o.tenant_id', true), pg_backend_pid(), current_user")
        setting, pid, db_user = cursor.fetchone()
    return {
        "tenant_setting": setting,
        "backend_pid": pid,
        "db_user": db_user,
        "roles": TenantRole.objects.count(),
        "role_tenants": sorted(set(TenantRole.objects.values_list("tenant_id", flat=True))),
    }


@tenant_task()
def report_tenant_view_task(*, tenant: Tenant) -> dict[str, Any]:
    """Report what the scope of `tenant` sees: the tenant setting and the roles table. Read only."""
    return {"tenant": tenant.slug, **_what_the_connection_sees()}


@shared_task
def report_unscoped_view_task() -> dict[str, Any]:
    """Report what a task outside any tenant scope sees on the same worker connection. Read only."""
    return {"tenant": None, **_what_the_connection_sees()}
