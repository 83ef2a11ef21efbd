"""Listens to the bookings app: the customer of an experience order checked in at the store."""

from __future__ import annotations

from typing import Any

from bookings.signals import booking_checked_in


def ready_when_checked_in(sender: Any, tenant: Any, booking: Any, **kwargs: Any) -> None:
    """Enqueue (after commit) the move of the booking's experience order to `ready`."""
    from orders.tasks import ready_after_check_in_task

    ready_after_check_in_task.delay_on_commit(tenant_id=tenant.pk, booking_id=booking.pk)


def connect() -> None:
    booking_checked_in.connect(ready_when_checked_in, dispatch_uid="orders-ready-after-check-in")
