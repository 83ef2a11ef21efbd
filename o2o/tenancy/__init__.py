"""Tenancy: the current brand of a unit of work, and the database session setting RLS reads.

Every tenant-scoped unit of work (a request, a task, a command step) runs inside
`tenant_scope(tenant)`: one transaction (or savepoint) in which the PostgreSQL setting
`o2o.tenant_id` is set with `set_config(..., true)`, so it ends with the transaction and a pooled
connection never carries one brand into the next unit of work. Outside a scope the setting is
empty and every tenant-owned table reads as empty (fail closed).

The tenant is still passed explicitly to every service and selector; the scope is the second wall.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connections, transaction

if TYPE_CHECKING:
    from o2o.models import Tenant, User

TENANT_SETTING = "o2o.tenant_id"
USER_SETTING = "o2o.user_id"

_tenant_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("o2o_tenant_id", default=None)
_user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("o2o_user_id", default=None)


def current_tenant_id() -> int | None:
    """The id of the tenant whose scope is open in this context, or None."""
    return _tenant_id.get()


def _set_setting(*, using: str, name: str, value: int | None) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, "" if value is None else str(value)])


@contextmanager
def _scope(var: contextvars.ContextVar[int | None], name: str, value: int, using: str) -> Iterator[None]:
    previous = var.get()
    token = var.set(value)
    connection = connections[using]
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            _set_setting(using=using, name=name, value=value)
            yield
            # Leaving a nested scope normally: the enclosing transaction goes on, so give it back
            # its own value (a rolled-back savepoint restores it by itself).
            if nested and previous != value and not connection.needs_rollback:
                _set_setting(using=using, name=name, value=previous)
    finally:
        var.reset(token)


@contextmanager
def tenant_scope(tenant: Tenant | int, *, using: str = "default") -> Iterator[None]:
    """Run the block in one transaction bound to `tenant` (row-level security sees only its rows)."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    with _scope(_tenant_id, TENANT_SETTING, tenant_id, using):
        yield


@contextmanager
def user_scope(user: User | int, *, using: str = "default") -> Iterator[None]:
    """Run the block in one transaction in which `user` may read its own roles in every tenant.

    Only the roles table's policy honours it: it is how a person who just logged in finds the
    brands they work for before any tenant is chosen.
    """
    user_id = user if isinstance(user, int) else user.pk
    with _scope(_user_id, USER_SETTING, user_id, using):
        yield
