"""What the orders app does when the bookings app tells it something (domain events, o2o.events)."""

from __future__ import annotations

from bookings.events import BOOKING_CHECKED_IN
from o2o.events import handles
from o2o.events.models import Event
from o2o.models import Tenant
from orders import services


@handles(BOOKING_CHECKED_IN, key="orders.ready_after_check_in")
def ready_after_check_in(*, tenant: Tenant, event: Event) -> None:
    """The customer of an experience order checked in for their visit: an accepted order becomes
    ready. Any other order, or none: nothing (safe twice: `services.ready_after_check_in`)."""
    services.ready_after_check_in(tenant=tenant, booking_id=event.payload["booking_id"])
