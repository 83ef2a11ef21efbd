"""What the bookings app tells the higher apps (orders, attribution): domain events, recorded in
the transaction that makes the change and delivered after it commits to the handlers registered
for them (o2o.events). Payloads hold ids:

- `BOOKING_MADE` {"booking_id"}: a place in a slot was booked (a consumer, a guest by phone, the
  visit of an experience order). The bookings app sends the confirmation; attribution's funnel.
- `BOOKING_CANCELLED` {"booking_id"}: a booked booking was cancelled and its place freed.
- `BOOKING_CHECKED_IN` {"booking_id"}: a booking was checked in at its store. The orders app makes
  the experience order holding it ready.
- `STORE_VISITED` {"visit_id"}: someone was in a store (a booking's check-in, or a walk-in
  scanning the store's QR code): a `StoreVisit`. What the attribution issue measures.
"""

BOOKING_MADE = "bookings.booking_made"
BOOKING_CANCELLED = "bookings.booking_cancelled"
BOOKING_CHECKED_IN = "bookings.booking_checked_in"
STORE_VISITED = "bookings.store_visited"
