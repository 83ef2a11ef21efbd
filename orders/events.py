"""What the orders app tells the higher apps (attribution, guides, settlements): domain events,
recorded in the transaction that makes the change and delivered after it commits to the handlers
registered for them (o2o.events), never for a change rolled back. Payloads hold ids:

- `ORDER_PLACED` {"order_id"}: routed to a store, its stock reserved (an experience order's visit
  booked with it: `BOOKING_MADE` too).
- `ORDER_COMPLETED` {"order_id"}: the customer has the goods; the stock left `on_hand`.
- `ORDER_REFUNDED` {"order_id", "refund_id"}: a `Refund` of some of its lines was recorded.
- `ORDER_CANCELLED` {"order_id"}: its reserved stock released (an experience order's visit
  cancelled with it: `BOOKING_CANCELLED` too).
"""

ORDER_PLACED = "orders.order_placed"
ORDER_COMPLETED = "orders.order_completed"
ORDER_REFUNDED = "orders.order_refunded"
ORDER_CANCELLED = "orders.order_cancelled"
