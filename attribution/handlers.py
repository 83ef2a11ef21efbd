"""The attribution app's handlers of the lower apps' domain events (o2o.events): each booking made,
store visit and order placed becomes a conversion, its person's visitor ids stitched to them."""

from __future__ import annotations

from attribution.services import conversions
from bookings.events import BOOKING_MADE, STORE_VISITED
from o2o.events import handles
from o2o.events.models import Event
from o2o.models import Tenant
from orders.events import ORDER_PLACED


@handles(BOOKING_MADE, key="attribution.conversion_on_booking")
def conversion_on_booking(*, tenant: Tenant, event: Event) -> None:
    """A booking made is a conversion, credited (safe twice: one conversion per booking)."""
    conversions.record_booking(tenant=tenant, booking_id=event.payload["booking_id"])


@handles(STORE_VISITED, key="attribution.conversion_on_visit")
def conversion_on_visit(*, tenant: Tenant, event: Event) -> None:
    """A store visit is a conversion, credited (safe twice: one conversion per visit)."""
    conversions.record_visit(tenant=tenant, visit_id=event.payload["visit_id"])


@handles(ORDER_PLACED, key="attribution.conversion_on_order")
def conversion_on_order(*, tenant: Tenant, event: Event) -> None:
    """An O2O order placed is a conversion, credited; a B2C marketplace order is not (safe twice)."""
    conversions.record_order(tenant=tenant, order_id=event.payload["order_id"])
