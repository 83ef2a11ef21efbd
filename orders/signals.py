"""What the orders app tells the higher apps (attribution, guides, settlements).

Each is sent once, after the transaction that made the change commits (never for a change that
was rolled back), with `sender=Order` and keyword arguments:

- `order_placed`: tenant, order (routed to a store, stock reserved);
- `order_completed`: tenant, order (the stock taken off `on_hand`);
- `order_refunded`: tenant, order, refund (a `Refund` with its lines);
- `order_cancelled`: tenant, order.

A receiver only enqueues a task of its own app (architecture.md, Layers).
"""

from django.dispatch import Signal

order_placed = Signal()
order_completed = Signal()
order_refunded = Signal()
order_cancelled = Signal()
