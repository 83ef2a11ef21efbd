"""The store's side of an order: accept, ready, complete, cancel (rules.md 1.5-1.6).

Each transition locks the order's row first, checks the current status under that lock (a 409
`illegal_transition` naming it, and nothing changed, when the transition is not allowed), writes
the change with its audit event, and moves the stock held for the order in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from o2o import events
from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant, User
from orders.choices import OPEN_STATUSES, EventReason, Fulfilment, OrderStatus
from orders.events import ORDER_CANCELLED, ORDER_COMPLETED
from orders.models import Order
from orders.services import stock
from orders.services.common import lock_order, log_order_event, now, require_status

# rules.md 1.8: the consumer who placed an order may cancel it until the store accepts it (placed
# is never seen: an order is routed, or refused, as it is placed); after that only the store and
# HQ may, while the order is open or unroutable
CONSUMER_CANCELLABLE = (OrderStatus.PLACED, OrderStatus.ROUTED, OrderStatus.UNROUTABLE)
STAFF_CANCELLABLE = (*OPEN_STATUSES, OrderStatus.UNROUTABLE)
COMPLETABLE = (OrderStatus.ACCEPTED, OrderStatus.READY)


def quantities_of(*, tenant: Tenant, order: Order) -> dict[int, int]:
    """What `order` holds, by SKU id (one query)."""
    return dict(order.lines.filter(tenant=tenant).values_list("sku_id", "quantity"))


@transaction.atomic
def accept_order(*, tenant: Tenant, order: Order, by: User | None) -> Order:
    """The assigned store takes the order: routed -> accepted (the accept deadline is met).

    The caller has checked that `by` is staff of the order's store or HQ. Conflict (409)
    `illegal_transition` from any other status.
    """
    locked = lock_order(tenant=tenant, order=order)
    require_status(locked, (OrderStatus.ROUTED,), pgettext("order action", "accept"))
    locked.status = OrderStatus.ACCEPTED
    locked.save(update_fields=["status", "updated_at"])
    log_order_event(tenant=tenant, order=locked, from_status=OrderStatus.ROUTED, by=by)
    return locked


@transaction.atomic
def mark_ready(*, tenant: Tenant, order: Order, by: User | None, note: str = "") -> Order:
    """The goods are ready for the customer (picked, packed, or laid out for a visit): accepted -> ready.

    Conflict (409) `illegal_transition` from any other status.
    """
    locked = lock_order(tenant=tenant, order=order)
    require_status(locked, (OrderStatus.ACCEPTED,), pgettext("order action", "mark ready"))
    locked.status = OrderStatus.READY
    locked.save(update_fields=["status", "updated_at"])
    log_order_event(tenant=tenant, order=locked, from_status=OrderStatus.ACCEPTED, by=by, note=note)
    return locked


def check_pickup_code(order: Order, code: str) -> None:
    """A pick-up code given at hand-over must be the order's (InvalidInput naming `pickup_code`):
    the wrong customer's code never completes this order. No code given: the staff's word."""
    code = code.strip()
    if code and not (order.pickup_code and constant_time_compare(code, order.pickup_code)):
        raise InvalidInput("pickup_code", _("This pick-up code is not this order's."))


@transaction.atomic
def complete_order(*, tenant: Tenant, order: Order, by: User | None, pickup_code: str = "") -> Order:
    """The customer has the goods: ready or accepted -> completed.

    A `pickup_code` given (what the customer shows at the counter) must be the order's, whoever
    completes it: else InvalidInput naming `pickup_code`, and nothing changes. The reserved stock
    leaves the store (off `on_hand` and `reserved` together); `completed_at` is set;
    `ORDER_COMPLETED` is recorded. Conflict (409) `illegal_transition` otherwise.
    """
    locked = lock_order(tenant=tenant, order=order)
    require_status(locked, COMPLETABLE, pgettext("order action", "complete"))
    check_pickup_code(locked, pickup_code)
    assert locked.store_id is not None
    stock.take(tenant=tenant, store_id=locked.store_id, quantities=quantities_of(tenant=tenant, order=locked))
    previous = locked.status
    locked.status = OrderStatus.COMPLETED
    locked.completed_at = now()
    locked.save(update_fields=["status", "completed_at", "updated_at"])
    log_order_event(tenant=tenant, order=locked, from_status=previous, by=by)
    events.record_event(tenant=tenant, name=ORDER_COMPLETED, order_id=locked.pk)
    return locked


def cancel_visit(*, tenant: Tenant, order: Order, by: User | None) -> None:
    """Cancel the booked visit of an experience order (bookings app), whatever its cut-off."""
    if order.fulfilment != Fulfilment.EXPERIENCE or order.booking_id is None:
        return
    from bookings.choices import BookingStatus
    from bookings.models import Booking
    from bookings.services import cancel_booking

    booking = Booking.objects.get(tenant=tenant, pk=order.booking_id)
    if booking.status == BookingStatus.BOOKED:
        cancel_booking(tenant=tenant, booking=booking, by=by, force=True, with_order=True)


def _too_late_for_the_customer(order: Order) -> Conflict:
    """The 409 of a consumer cancelling an order their store has accepted (rules.md 1.8)."""
    return Conflict(
        _("The store has accepted order %(number)s: only the store or HQ can cancel it now.")
        % {"number": order.number},
        code="illegal_transition",
        extra={"status": order.status},
    )


@transaction.atomic
def cancel_order(*, tenant: Tenant, order: Order, by: User | None, as_staff: bool, reason: str = "") -> Order:
    """Cancel an order: the consumer until the store accepts it (routed or unroutable); the store
    or HQ (`as_staff`) while it is open or unroutable (rules.md 1.8).

    The stock reserved for it is released, an experience order's visit is cancelled too, and
    `ORDER_CANCELLED` is recorded with who cancelled and their `reason`. Conflict (409)
    `illegal_transition` otherwise: for a consumer once the store has accepted (saying so).
    """
    locked = lock_order(tenant=tenant, order=order)
    if not as_staff and locked.status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        raise _too_late_for_the_customer(locked)
    require_status(locked, STAFF_CANCELLABLE if as_staff else CONSUMER_CANCELLABLE, pgettext("order action", "cancel"))
    previous = locked.status
    if previous in OPEN_STATUSES and locked.store_id is not None:
        stock.release(tenant=tenant, store_id=locked.store_id, quantities=quantities_of(tenant=tenant, order=locked))
    cancel_visit(tenant=tenant, order=locked, by=by)
    locked.status = OrderStatus.CANCELLED
    locked.cancelled_at = now()
    locked.accept_by = None
    locked.save(update_fields=["status", "cancelled_at", "accept_by", "updated_at"])
    who = EventReason.CANCELLED_BY_STORE if as_staff else EventReason.CANCELLED_BY_CUSTOMER
    log_order_event(tenant=tenant, order=locked, from_status=previous, by=by, reason=who, note=reason)
    events.record_event(tenant=tenant, name=ORDER_CANCELLED, order_id=locked.pk)
    return locked


@transaction.atomic
def ready_after_check_in(*, tenant: Tenant, booking_id: int) -> Order | None:
    """The customer of an experience order checked in for their visit: they are in the store
    trying the items, so an accepted order becomes ready. Any other state: nothing changes
    (safe to run twice). Returns the order moved, else None."""
    order_id = (
        Order.objects.filter(tenant=tenant, booking_id=booking_id, fulfilment=Fulfilment.EXPERIENCE)
        .values_list("pk", flat=True)
        .first()
    )
    if order_id is None:
        return None
    locked = lock_order(tenant=tenant, order=order_id)
    if locked.status != OrderStatus.ACCEPTED:
        return None
    locked.status = OrderStatus.READY
    locked.save(update_fields=["status", "updated_at"])
    log_order_event(
        tenant=tenant, order=locked, from_status=OrderStatus.ACCEPTED, by=None, reason=EventReason.CHECKED_IN
    )
    return locked
