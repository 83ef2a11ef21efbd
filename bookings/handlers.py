"""What the bookings app does when an event is delivered (o2o.events): its own confirmation."""

from __future__ import annotations

from bookings.events import BOOKING_MADE
from bookings.services import send_booking_confirmation
from o2o.events import handles
from o2o.events.models import Event
from o2o.models import Tenant


@handles(BOOKING_MADE, key="bookings.confirmation")
def confirmation(*, tenant: Tenant, event: Event) -> None:
    """Tell the consumer their booking is made, exactly once: the booking is claimed
    (`confirmation_sent_at`) in the delivery's transaction, so a second delivery sends nothing, and
    a failed send rolls the claim back with it. Nothing for a booking cancelled since."""
    send_booking_confirmation(tenant=tenant, booking_id=event.payload["booking_id"])
