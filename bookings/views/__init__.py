"""Portal pages of the bookings app, by portal, thin: parse the request, call a selector or a
service, render. Reads come from `bookings.selectors`, writes from `bookings.services`, and what a
page offers (cancel, check in, no-show) from `bookings.rules`, the rules the services enforce.

- `shop`: the consumer's pages: book a visit step by step, one's bookings (cancel, reschedule),
  and the walk-in a store's QR code records; `slot_picker` is their day-and-slot picker;
- `store`: the store's day, with check-in and no-show;
- `hq`: the brand's bookings with filters, and the show-up rates per store and per service;
- `common`: the store's clock and the day in a query string, for all three.

Times are always shown on the clock of the booking's store.
"""
