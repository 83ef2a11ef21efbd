"""Portal pages of the bookings app, by portal, thin: parse the request, call a selector or a
service, render. Reads come from `bookings.selectors`, writes from `bookings.services`, and what a
page offers (cancel, check in, no-show) from `bookings.rules`, the rules the services enforce.

- `shop_steps`: the consumer's pages to book a visit step by step; `slot_picker` is their
  day-and-slot picker (also the reschedule's);
- `shop`: one's bookings (cancel, reschedule), and the walk-in a store's QR code records;
- `store`: the store's day, with check-in and no-show, and one booking of the store;
- `hq`: the brand's bookings with filters, the show-up rates per store and per service, and one
  booking of the brand;
- `staff`: the booking page and its actions, shared by the store's and HQ's;
- `common`: the store's clock, the day in a query string, the bookings this browser made.

Who may do what is `bookings.policies` (the API asks it too); a refused action is shown by the page
error boundary (`o2o.portals.errors`) on the page it came from, with nothing changed.

Times are always shown on the clock of the booking's store.
"""
