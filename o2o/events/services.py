"""The outbox's operations: record an event with a change, fan it out into deliveries, run a
delivery, sweep what was lost, replay what failed (see `o2o.events` for the design)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from collections.abc import Iterable
from functools import partial
from itertools import takewhile
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from o2o.events.models import Delivery, DeliveryStatus, Event, EventCursor
from o2o.events.registry import get_handler, handlers_for

if TYPE_CHECKING:
    from celery import Task

    from o2o.models import Tenant

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# The countdown before attempt n + 1: 10 s, 20 s, 40 s ... capped at 5 minutes, under the broker's
# visibility timeout (a worker holds a countdown unacknowledged until it is due). Eight attempts
# span about 15 minutes (910 s of countdowns).
BACKOFF_SECONDS = 10
BACKOFF_CAP_SECONDS = 300
# The sweep takes an event as lost when it is older than the longest a transaction that records
# one may stay open (a task's hard time limit) plus a margin: a younger one may still be committing,
# or be on its way through the broker.
EVENTS_AFTER_SECONDS = settings.CELERY_TASK_TIME_LIMIT + 60
# ... and a pending delivery as lost when it has been due this long (its task lost or its worker killed).
DELIVERIES_AFTER_SECONDS = 60
# A delivery the sweep enqueued is not enqueued again for this long, so that a backlog longer than a
# sweep's interval is not queued once a minute over.
LEASE_SECONDS = 300
BATCH = 500
ERROR_CHARS = 4000


def record_event(*, tenant: Tenant, name: str, **payload: Any) -> Event:
    """Record that `name` happened in `tenant`, with `payload` (JSON primitives: ids, not objects),
    in the caller's transaction; after it commits, enqueue the delivery to the event's handlers.

    One INSERT. Never delivered when the transaction rolls back; never lost when the enqueue is
    (the sweep). Raises TypeError for a payload JSON cannot hold, before writing anything.
    """
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the payload of {name} must be JSON primitives (ids, not objects): {exc}") from exc
    event = Event.objects.create(tenant=tenant, name=name, payload=payload, recorded_at=timezone.now())
    if handlers_for(name):  # else nothing to deliver (the sweep fans it out for a newer release's handlers)
        _after_commit("fan_out_event_task", tenant_id=tenant.pk, event_id=event.pk)
    return event


def fan_out_event(*, tenant: Tenant, event_id: int) -> list[int]:
    """Create the event's deliveries, one per handler registered for it (idempotent: unique per
    event and handler), and enqueue each pending one after commit. Returns their ids."""
    event = Event.objects.filter(tenant=tenant, pk=event_id).only("pk", "name").first()
    if event is None:
        return []
    _create_deliveries(tenant=tenant, events=[event], due_at=timezone.now())
    pending = list(
        Delivery.objects.filter(tenant=tenant, event_id=event_id, status=DeliveryStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for delivery_id in pending:
        _after_commit("run_delivery_task", tenant_id=tenant.pk, delivery_id=delivery_id)
    return pending


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
    *,
    tenant: Tenant,
    now: dt.datetime | None = None,
    events_after_seconds: int = EVENTS_AFTER_SECONDS,
    deliveries_after_seconds: int = DELIVERIES_AFTER_SECONDS,
) -> int:
    """Deliver what the after-commit path lost: fan out the brand's events recorded more than
    `events_after_seconds` ago that the sweep has not seen yet, and enqueue its pending deliveries
    due more than `deliveries_after_seconds` ago. Returns how many deliveries were enqueued.

    Both in batches of `BATCH`, on indexes (events from the cursor in id order; pending deliveries
    by due time); a full batch enqueues another sweep after commit. The cursor row serializes two
    sweeps of one brand.
    """
    now = now or timezone.now()
    cursor, _ = EventCursor.objects.select_for_update().get_or_create(tenant=tenant)
    events = list(
        Event.objects.filter(tenant=tenant, pk__gt=cursor.fanned_out_through)
        .order_by("pk")
        .only("pk", "name", "recorded_at")[:BATCH]
    )
    # in id order and up to the first one too young: an older one may still come after it
    until = now - dt.timedelta(seconds=events_after_seconds)
    settled = list(takewhile(lambda event: event.recorded_at <= until, events))
    _create_deliveries(tenant=tenant, events=settled)
    if settled:
        cursor.fanned_out_through = settled[-1].pk
    cursor.swept_at = now
    cursor.save(update_fields=["fanned_out_through", "swept_at"])
    due = list(
        Delivery.objects.filter(
            tenant=tenant,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now - dt.timedelta(seconds=deliveries_after_seconds),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    if due:
        leased_until = now + dt.timedelta(seconds=LEASE_SECONDS)
        Delivery.objects.filter(tenant=tenant, pk__in=due).update(next_attempt_at=leased_until)
        for delivery_id in due:
            _after_commit("run_delivery_task", tenant_id=tenant.pk, delivery_id=delivery_id)
    if len(settled) == BATCH or len(due) == BATCH:
        _after_commit(
            "sweep_events_task",
            tenant_id=tenant.pk,
            events_after_seconds=events_after_seconds,
            deliveries_after_seconds=deliveries_after_seconds,
        )
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


def _create_deliveries(*, tenant: Tenant, events: Iterable[Event], due_at: dt.datetime | None = None) -> None:
    """One pending delivery per event and handler, unless there is one (one INSERT at most).

    Due at `due_at`, or (the sweep's) at the event's own time, so that the sweep enqueues them at once.
    """
    now = timezone.now()
    rows = [
        Delivery(
            tenant=tenant, event=event, handler=handler.key, next_attempt_at=due_at or event.recorded_at, created_at=now
        )
        for event in events
        for handler in handlers_for(event.name)
    ]
    if rows:
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def _after_commit(task_name: str, *, countdown: int | None = None, **kwargs: Any) -> None:
    """Enqueue the outbox task `task_name` once the current transaction commits, through the project
    Task class (a broker outage is logged, not raised). `robust`: whatever the enqueue raises (with
    eager tasks, the task itself) is logged and never reaches the caller, whose change is committed."""
    from o2o.events import tasks

    task: Task = getattr(tasks, task_name)
    options = {"countdown": countdown} if countdown else {}
    transaction.on_commit(partial(task.apply_async_on_commit, kwargs=kwargs, **options), robust=True)


def _eager() -> bool:
    from o2o.celery import app

    return bool(app.conf.task_always_eager)
