"""Business operations on bookings and store visits (rules.md section 2), by sub-domain:

- `booking`: book a place in a slot, cancel, reschedule;
- `visits`: check-in, no-show, walk-in (the store visits the attribution issue measures);
- `jobs`: what the background jobs do: confirmations, reminders, no-shows.

Every state change locks the booking (`select_for_update`) and checks its status first: an illegal
transition is a 409 `illegal_transition` and changes nothing; a refusal because of the clock is a
409 `too_late` or `too_early`. Notifications and signals go out after commit.
"""

from bookings.services.booking import (
    CODE_ALPHABET,
    CODE_LENGTH,
    book_offering,
    book_visit,
    cancel_booking,
    new_check_in_code,
    reschedule_booking,
)
from bookings.services.jobs import mark_no_shows, send_booking_confirmation, send_due_reminders
from bookings.services.visits import CHECK_IN_FROM, check_in, end_of_local_day, mark_no_show, record_walk_in

__all__ = [
    "CHECK_IN_FROM",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "book_offering",
    "book_visit",
    "cancel_booking",
    "check_in",
    "end_of_local_day",
    "mark_no_show",
    "mark_no_shows",
    "new_check_in_code",
    "record_walk_in",
    "reschedule_booking",
    "send_booking_confirmation",
    "send_due_reminders",
]
