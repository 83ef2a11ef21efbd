"""Signals the bookings app sends for the higher apps (orders, attribution) to listen to.

Both are sent after the transaction that made the change commits, so a receiver never sees a
change that was rolled back; a receiver should only enqueue a task (`delay_on_commit`).
"""

from django.dispatch import Signal

# A booking was checked in at its store: kwargs tenant, booking. The orders app completes the
# "experience" step of the order that holds the booking.
booking_checked_in = Signal()

# Someone was in a store (a booking's check-in, or a walk-in scanning the store's QR code):
# kwargs tenant, visit (a StoreVisit). What the attribution issue measures.
store_visited = Signal()
