"""The outbox's operations: record an event and its deliveries with a change, run a delivery,
sweep what was lost, replay what failed (see `o2o.events` for the design)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from o2o.events.models import Delivery, DeliveryStatus, Event
from o2o.events.registry import get_handler, handlers_for

if TYPE_CHECKING:
    from o2o.celery import Task
    from o2o.models import Tenant

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The countdown before attempt n + 1: 10 s, 20 s, 40 s ... capped at 5 minutes, under the broker's
# visibility timeout (a worker holds a countdown unacknowledged until it is due). Eight attempts
# span about 15 minutes (910 s of countdowns).
BACKOFF_SECONDS = 10
BACKOFF_CAP_SECONDS = 300
# The sweep takes a pending delivery as lost when it has been due this long (its enqueue lost after
# the commit, its worker killed, a retry's countdown lost).
DELIVERIES_AFTER_SECONDS = 60
# A delivery the sweep enqueued is not enqueued again for this long, so that a backlog longer than a
# sweep's interval is not queued once a minute over.
LEASE_SECONDS = 300
BATCH = 500
ERROR_CHARS = 4000


def record_event(*, tenant: Tenant, name: str, **payload: Any) -> Event:
    """Record that `name` happened in `tenant`, with `payload` (JSON primitives: ids, not objects),
    in the caller's transaction, with one pending delivery per handler registered for it; after the
    commit, enqueue each delivery.

    Two INSERTs at most (the event, its deliveries). A rollback takes both; a lost enqueue (the
    broker down, the process killed after the commit) is found by the sweep, because the deliveries
    were committed with the change. Raises TypeError for a payload JSON cannot hold, before writing.
    """
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the payload of {name} must be JSON primitives (ids, not objects): {exc}") from exc
    at = timezone.now()
    event = Event.objects.create(tenant=tenant, name=name, payload=payload, recorded_at=at)
    rows = [
        Delivery(tenant=tenant, event=event, handler=handler.key, next_attempt_at=at, created_at=at)
        for handler in handlers_for(name)
    ]
    for delivery in Delivery.objects.bulk_create(rows) if rows else ():
        _after_commit("run_delivery_task", tenant_id=tenant.pk, delivery_id=delivery.pk)
    return event


def run_delivery(*, tenant: Tenant, delivery_id: int, now: dt.datetime | None = None) -> str | None:
    """Call the delivery's handler in a savepoint of the caller's transaction (the task's, in the
    brand's scope) and record the outcome; returns the delivery's new status.

    Nothing happens (None) unless the delivery is pending: done, failed (kept aside until replayed),
    of another brand, or being run by another worker right now (its row is locked; skipped, not
    waited for). A handler that raises is rolled back and never raises here: the attempt and the
    traceback's tail are recorded, and the next attempt is enqueued with a backoff countdown, until
    the `MAX_ATTEMPTS`-th failure keeps it aside as `failed`.
    """
    delivery = (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("event")
        .filter(tenant=tenant, pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return None
    handler = get_handler(delivery.handler)
    try:
        if handler is None:
            raise LookupError(f"no handler {delivery.handler!r} is registered in this process")
        with transaction.atomic():
            handler.function(tenant=tenant, event=delivery.event)
    except Exception:
        _failed(tenant=tenant, delivery=delivery, error=traceback.format_exc(), now=now or timezone.now())
    else:
        delivery.status, delivery.done_at = DeliveryStatus.DONE, now or timezone.now()
        delivery.attempts += 1
        delivery.save(update_fields=["status", "done_at", "attempts"])
    return delivery.status


def backoff_seconds(attempts: int) -> int:
    """The countdown after the `attempts`-th failure."""
    return min(BACKOFF_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS)


def _failed(*, tenant: Tenant, delivery: Delivery, error: str, now: dt.datetime) -> None:
    delivery.attempts += 1
    delivery.last_error = error[-ERROR_CHARS:]
    what = f"{delivery.event.name} #{delivery.event_id} to {delivery.handler} (brand {tenant.pk})"
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        logger.error("delivery %s failed %d times, kept aside:\n%s", what, delivery.attempts, delivery.last_error)
    else:
        countdown = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = now + dt.timedelta(seconds=countdown)
        logger.warning("delivery %s failed (attempt %d), again in %d s:\n%s", what, delivery.attempts, countdown, error)
        if not _eager():  # eager tasks would retry at once, in the request: the sweep retries instead
            _after_commit("run_delivery_task", countdown=countdown, tenant_id=tenant.pk, delivery_id=delivery.pk)
    delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def sweep_events(
    *, tenant: Tenant, now: dt.datetime | None = None, deliveries_after_seconds: int = DELIVERIES_AFTER_SECONDS
) -> int:
    """Deliver what the after-commit path lost: enqueue the brand's pending deliveries due more than
    `deliveries_after_seconds` ago (a lost enqueue, a killed worker, a lost countdown), leasing each
    for `LEASE_SECONDS` so that a backlog is not queued again every minute. Returns how many.

    In batches of `BATCH`, on the partial index of pending deliveries by due time (work proportional
    to what is pending, whatever the size of the table); a full batch enqueues another sweep.
    """
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(
            tenant=tenant,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now - dt.timedelta(seconds=deliveries_after_seconds),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not due:
        return 0
    Delivery.objects.filter(tenant=tenant, pk__in=due).update(next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS))
    for delivery_id in due:
        _after_commit("run_delivery_task", tenant_id=tenant.pk, delivery_id=delivery_id)
    if len(due) == BATCH:
        _after_commit("sweep_events_task", tenant_id=tenant.pk, deliveries_after_seconds=deliveries_after_seconds)
    return len(due)


def replay_deliveries(*, tenant: Tenant, delivery_ids: Iterable[int]) -> int:
    """Give failed (or pending) deliveries of the brand a fresh round of attempts, starting now
    (after commit). Done ones stay done. Returns how many."""
    replayed = list(
        Delivery.objects.select_for_update()
        .filter(tenant=tenant, pk__in=list(delivery_ids), status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Delivery.objects.filter(tenant=tenant, pk__in=replayed).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for delivery_id in replayed:
        _after_commit("run_delivery_task", tenant_id=tenant.pk, delivery_id=delivery_id)
    return len(replayed)


def _after_commit(task_name: str, *, countdown: int | None = None, **kwargs: Any) -> None:
    """Enqueue the outbox task `task_name` once the current transaction commits, through the project
    Task class (`o2o.celery.Task.apply_async_on_commit`): whatever the enqueue meets (a broker outage;
    with eager tasks, the task's own exception) is logged and never reaches the caller, whose change
    is committed."""
    from o2o.events import tasks

    task: Task = getattr(tasks, task_name)
    options = {"countdown": countdown} if countdown else {}
    task.apply_async_on_commit(kwargs=kwargs, **options)


def _eager() -> bool:
    from o2o.celery import app

    return bool(app.conf.task_always_eager)
