"""The business operations of orders (writes), by sub-domain:

- `placing`: checkout, routing and reserving (`place_order`, `checkout`);
- `fulfilment`: the store's side (`accept_order`, `mark_ready`, `complete_order`, `cancel_order`);
- `rerouting`: reject, expiry, the sweep and HQ's manual assignment;
- `refunds`: refunds by line and quantity;
- `stock`: the locked stock movements they share; `common`: inputs, locks, audit, numbers;
  `delivery`: a delivery order's recipient and address; `refusals`: checkout's 422s; `visits`: the
  visit of a try-in-store order.
"""

from orders.services.common import Customer, LineInput, RefundLineInput, SlotInput, resolve_store
from orders.services.delivery import DeliveryInput
from orders.services.fulfilment import (
    accept_order,
    cancel_order,
    complete_order,
    mark_ready,
    ready_after_check_in,
)
from orders.services.placing import checkout, place_order
from orders.services.refunds import refund_order
from orders.services.rerouting import assign_store, expire_if_unaccepted, reject_order, sweep_expired_orders

__all__ = [
    "Customer",
    "DeliveryInput",
    "LineInput",
    "RefundLineInput",
    "SlotInput",
    "accept_order",
    "assign_store",
    "cancel_order",
    "checkout",
    "complete_order",
    "expire_if_unaccepted",
    "mark_ready",
    "place_order",
    "ready_after_check_in",
    "refund_order",
    "reject_order",
    "resolve_store",
    "sweep_expired_orders",
]
