"""Domain events: how a lower app tells the higher apps that something happened, without importing
them, losing it, or letting their failures reach its caller (a transactional outbox).

**Declaring.** The app that sends events declares their names and payloads in its `events.py`
(`orders/events.py`, `bookings/events.py`; the kernel's own below): constants
`"<app>.<what happened>"`, and a docstring saying what each payload holds.

**Recording.** A service calls `record_event(tenant=..., name=ORDER_PLACED, order_id=order.pk)` in
the transaction that makes the change: one INSERT of an `Event` row (tenant-owned, under row-level
security, insert-only) and one of its `Delivery` rows, a pending one per handler registered for the
event. A rollback takes them with it; a commit keeps them, so what must be delivered is on disk the
moment the change is. After the commit, each delivery is enqueued through the project's Task class,
so a broker outage is logged, never raised.

**Handling.** A higher app registers idempotent handlers in its `handlers.py`, imported by its
`AppConfig.ready()`::

    @handles(BOOKING_CHECKED_IN, key="orders.ready_after_check_in")
    def ready_after_check_in(*, tenant: Tenant, event: Event) -> None:
        services.ready_after_check_in(tenant=tenant, booking_id=event.payload["booking_id"])

**Delivering.** `run_delivery_task` runs the handler in the event's brand scope, in a transaction
of its own; success marks the delivery done (a done delivery is never run again). A handler that
raises is rolled back, its attempt and traceback tail recorded, and retried with a countdown of
10 s doubling to 5 minutes at most (under the broker's 600 s visibility timeout); after
`MAX_ATTEMPTS` (8) it is kept aside as `failed`, shown with its error in the brand's admin ("Event
deliveries"), where an HQ admin replays it. The wrapper never raises for a handler, so with eager
tasks (the embedded default and the tests, where a task's exception would propagate) a failing
handler still never changes the answer of the request that made the change.

**Nothing lost.** Beat's `sweep_events_all_tenants_task` (every minute, one sweep per brand, from the
database schedule) enqueues the pending deliveries that have been due for a minute: those whose
enqueue after the commit was lost (the broker was down, the process died after the commit), those
of a worker killed while running one, a retry whose countdown was lost. It reads the partial index
of pending deliveries by due time, in batches: work proportional to what is pending, whatever the
size of the tables. A lost enqueue delays an event by a minute or two. A handler registered by a
new release gets the events recorded from then on (recording is where deliveries are made). With
eager tasks and no beat (the demo), a failed attempt waits for a replay.

**Why not a library.** django-celery-outbox and django-jaiminho were evaluated: both need a relay
process of their own beside the workers (`celery_outbox_relay`, `events_relay`); neither is
tenant-aware under row-level security (a relay reads the outbox with no brand's scope: under FORCE
ROW LEVEL SECURITY it sees nothing, unless it runs as a role that bypasses it); and they rely on
`SELECT ... FOR UPDATE SKIP LOCKED` to claim rows, which SQLite, the embedded default, lacks. Here
the workers and beat are the relay, every read is in a brand's scope, and SKIP LOCKED is only used
where the database has it (one delivery's row, so that two workers never run it at once).
"""

from __future__ import annotations

from o2o.events import tasks  # noqa: F401  registers the outbox's tasks wherever the kernel's models load
from o2o.events.registry import handles
from o2o.events.services import record_event

__all__ = ["CONSUMER_SIGNED_UP", "handles", "record_event"]

# --- the kernel's own events ------------------------------------------------------------------

CONSUMER_SIGNED_UP = "o2o.consumer_signed_up"
"""A consumer joined a brand (signed up, or joined with an existing account): {"user_id",
"visitor_id"} (the visitor cookie of the request, "" when none). The members app makes them a
member; attribution stitches the visitor id to them."""
