"""The Celery app, its task class, and `tenant_task`: the decorator every tenant-scoped task is
declared with.

A tenant task takes `tenant_id` as a keyword argument and runs inside `tenant_scope` (one
transaction, row-level security bound to that tenant); without a tenant it fails. Nothing carries
over from one task to the next: the scope ends with the task's transaction.

Enqueuing after commit (`delay_on_commit`, `apply_async_on_commit`) never raises into the caller:
the change is committed, so a broker that does not answer must not turn it into an error. A task
that could not be queued is logged (each at INFO; the outage as one WARNING line at most once a
minute, `o2o.cache.Outage`). Work due by a deadline is not lost with it: order expiry, reminders and
no-shows are done by periodic jobs from what the database says is due, once the broker answers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import partial, wraps
from typing import Any, TypeVar

from celery import Celery, shared_task
from celery.contrib.django.task import DjangoTask
from django.db import OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from o2o.cache import Outage, outage_of, redacted

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")

logger = logging.getLogger(__name__)


def broker_outage(app: Celery) -> Outage:
    """The broker of `app` as this process sees it: after a failed enqueue, the next seconds'
    enqueues are skipped instead of each holding its request for the publish timeouts."""
    return outage_of(f"the Celery broker at {redacted(str(app.conf.broker_url))}", logger)


class Task(DjangoTask):
    """The class of every task of the app: Celery's Django task, whose after-commit enqueues never
    raise: the change they follow is committed, its request answered by what it did.

    With eager tasks (the embedded default and the tests) the enqueue runs the task itself: an
    exception of the task is logged with its traceback, as a worker would, and goes no further.
    """

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(partial(self._enqueue_after_commit, args, kwargs, {}))

    def apply_async_on_commit(self, args: Any = None, kwargs: dict[str, Any] | None = None, **options: Any) -> None:
        transaction.on_commit(partial(self._enqueue_after_commit, args, kwargs, options))

    def _enqueue_after_commit(self, args: Any, kwargs: dict[str, Any] | None, options: dict[str, Any]) -> None:
        if self.app.conf.task_always_eager:  # not a broker: the task itself runs here
            try:
                self.apply_async(args, kwargs, **options)
            except Exception:
                logger.exception(
                    "%s (args %s, kwargs %s) failed, run eagerly after the commit", self.name, args, kwargs
                )
            return
        outage = broker_outage(self.app)
        if outage.is_down():
            logger.info("%s (args %s, kwargs %s) was not queued: the broker is unavailable", self.name, args, kwargs)
            return
        try:
            self.apply_async(args, kwargs, **options)
        except BrokerUnavailable as error:
            outage.failed(error, "tasks enqueued after a commit are not queued")
            logger.info("%s (args %s, kwargs %s) was not queued: the broker is unavailable", self.name, args, kwargs)
        except Exception:  # a bug (arguments it cannot serialize): still, the change is committed
            logger.exception("%s (args %s, kwargs %s) could not be queued", self.name, args, kwargs)
        else:
            outage.succeeded()


app = Celery("o2o", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

F = TypeVar("F", bound=Callable[..., Any])


class MissingTenant(Exception):
    """A tenant task was called without `tenant_id`."""


def tenant_task(*, scoped: bool = True, **options: Any) -> Callable[[F], Any]:
    """Declare a Celery task that runs inside the scope of the tenant named by `tenant_id`.

    The task body is one transaction (`tenant_scope`). A long task whose steps must be seen while
    it runs, or whose failure must be recorded although its work rolls back (a settlement run's
    progress and `failed`), says `scoped=False`: it gets its tenant and opens its own
    `tenant_scope` per step, each committed on its own.

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
            if not scoped:
                return func(tenant=tenant, **kwargs)
            with tenant_scope(tenant):
                return func(tenant=tenant, **kwargs)

        return shared_task(**options)(run)

    return decorate
