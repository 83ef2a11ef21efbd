"""Business operations on bookings and store visits (rules.md section 2), by sub-domain:

- `booking`: book a place in a slot, cancel, reschedule;
- `visits`: check-in, no-show, walk-in (the store visits the attribution issue measures);
- `jobs`: what the background jobs do: confirmations, reminders, no-shows.

Every state change locks the booking (`select_for_update`) and checks its status first: an illegal
transition is a 409 `illegal_transition` and changes nothing; a refusal because of the clock is a
409 `too_late` or `too_early`, by the clock rules of `bookings.rules`. Domain events (`bookings.events`)
are recorded with the change and delivered after commit; notifications are their handlers'.
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
from bookings.services.visits import check_in, mark_no_show, record_walk_in

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "book_offering",
    "book_visit",
    "cancel_booking",
    "check_in",
    "mark_no_show",
    "mark_no_shows",
    "new_check_in_code",
    "record_walk_in",
    "reschedule_booking",
    "send_booking_confirmation",
    "send_due_reminders",
]
