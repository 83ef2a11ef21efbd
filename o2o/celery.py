"""The Celery app, and `tenant_task`: the decorator every tenant-scoped task is declared with.

A tenant task takes `tenant_id` as a keyword argument and runs inside `tenant_scope` (one
transaction, row-level security bound to that tenant); without a tenant it fails. Nothing carries
over from one task to the next: the scope ends with the task's transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from celery import Celery, shared_task
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")

app = Celery("o2o")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

F = TypeVar("F", bound=Callable[..., Any])


class MissingTenant(Exception):
    """A tenant task was called without `tenant_id`."""


def tenant_task(**options: Any) -> Callable[[F], Any]:
    """Declare a Celery task that runs inside the scope of the tenant named by `tenant_id`.

    Defaults: `acks_late`, retry on database OperationalError with backoff, time limits.
    """
    options.setdefault("acks_late", True)
    options.setdefault("autoretry_for", (OperationalError,))
    options.setdefault("retry_backoff", True)
    options.setdefault("max_retries", 5)

    def decorate(func: F) -> Any:
        @wraps(func)
        def run(*args: Any, tenant_id: int | None = None, **kwargs: Any) -> Any:
            from o2o.tenancy import tenant_scope
            from o2o.tenancy.selectors import get_tenant

            if args or tenant_id is None:
                raise MissingTenant(f"{func.__name__} needs tenant_id= (and keyword arguments only)")
            tenant = get_tenant(tenant_id=tenant_id)
            with tenant_scope(tenant):
                return func(tenant=tenant, **kwargs)

        return shared_task(**options)(run)

    return decorate
