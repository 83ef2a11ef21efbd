"""Who may do what to bookings, answered for the request's actor: the API (`bookings.api`) and the
portal pages (`bookings.views`) ask the same functions, so an action has the same answer both ways.

Who sees a booking (`booking_scope`, `can_see_booking`): HQ (admin or staff) every booking of the
brand; a store manager or guide their store's; anyone signed in their own (the bookings of the
membership linked to their account, whatever their roles: a booking makes a membership, not a
role). A person with several roles sees the union. A booking one may not see does not exist for
them (404, never 403).

Who acts on a booking they see (rules.md 2.4-2.5):

- **Cancel, reschedule** (`can_cancel_booking`, `can_reschedule_booking`): the consumer who made it
  (their own membership's), until the cut-off (`bookings.rules.may_change`); the staff of its store
  (manager and guides) and HQ at any time (`changes_as_store`: the service skips the cut-off).
- **Check in** (`can_check_in_booking`): the staff of its store and HQ; or anyone presenting the
  booking's check-in code (what the consumer shows at the counter). The consumer who made it checks
  in with the code like anyone else: being its owner is no visit. A code, when given, must be the
  booking's, also for staff (`bookings.rules.is_check_in_code`; the service refuses another).
- **Mark a no-show** (`can_mark_no_show`): the staff of its store and HQ.

The shop's pages also show, cancel and reschedule the bookings made in the visitor's own browser
(a guest has no account: the session remembers what it booked); that is the consumer who made the
booking, proven by their session, and is asked here as `made_here`.

A consumer who also works in a store acts for their store as staff, and on their own bookings as a
consumer (the shop's pages narrow the actor to that: `as_consumer`); never for another store.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.rules import is_check_in_code
from o2o.tenancy.actor import Actor, owned_by, require
from stores.policies import acts_for_store


def booking_scope(actor: Actor) -> Q | None:
    """The condition on the bookings the actor may see; None for every booking of the brand (HQ)."""
    if actor.is_hq:
        return None
    seen = Q(pk__in=[])
    if actor.store_id is not None:
        seen |= Q(store_id=actor.store_id)
    user = actor.signed_in_user
    if user is not None:
        seen |= Q(member__user_id=user.pk)
    return seen


def as_consumer(actor: Actor) -> Actor:
    """The actor with no staff role: what the shop's pages act as (one's own bookings only)."""
    return actor.acting_as(())


def is_own_booking(actor: Actor, booking: Booking, *, made_here: bool = False) -> bool:
    """The booking is the actor's membership's, or was made in this browser (`made_here`)."""
    return made_here or owned_by(booking, actor)


def acts_for_booking_store(actor: Actor, booking: Booking) -> bool:
    """HQ, or the staff (manager or guide) of the booking's store."""
    return acts_for_store(actor, booking.store_id)


def can_see_booking(actor: Actor, booking: Booking, *, made_here: bool = False) -> bool:
    """As `booking_scope`, for one booking in hand."""
    return acts_for_booking_store(actor, booking) or is_own_booking(actor, booking, made_here=made_here)


def changes_as_store(actor: Actor, booking: Booking) -> bool:
    """The actor cancels or reschedules for the store (no cut-off)."""
    return acts_for_booking_store(actor, booking)


def can_cancel_booking(actor: Actor, booking: Booking, *, made_here: bool = False) -> bool:
    """The consumer who made it (until the cut-off), the staff of its store, or HQ."""
    return changes_as_store(actor, booking) or is_own_booking(actor, booking, made_here=made_here)


def can_reschedule_booking(actor: Actor, booking: Booking, *, made_here: bool = False) -> bool:
    """The consumer who made it (until the cut-off), the staff of its store, or HQ."""
    return can_cancel_booking(actor, booking, made_here=made_here)


def can_check_in_booking(actor: Actor, booking: Booking, *, code: str = "") -> bool:
    """The staff of its store and HQ, or whoever presents the booking's check-in code."""
    return acts_for_booking_store(actor, booking) or is_check_in_code(booking=booking, code=code)


def can_mark_no_show(actor: Actor, booking: Booking) -> bool:
    """The staff of its store and HQ."""
    return acts_for_booking_store(actor, booking)


# The actions on a booking in hand, by the name the API's paths and the pages' forms use (check-in
# without a code: `can_check_in_booking` with one).
POLICIES: dict[str, Callable[[Actor, Booking], bool]] = {
    "cancel": can_cancel_booking,
    "reschedule": can_reschedule_booking,
    "check_in": can_check_in_booking,
    "no_show": can_mark_no_show,
}


def refusal(action: str) -> str:
    """Why the actor may not `action` a booking they see, in the reader's language."""
    if action == "check_in":
        return _("Present the booking's check-in code, or ask the store's staff.")
    if action == "no_show":
        return _("Only the store's staff and HQ may mark a no-show.")
    return _("Only the customer who booked, the store's staff and HQ may change this booking.")


def authorize(action: str, actor: Actor, booking: Booking, *, code: str = "", made_here: bool = False) -> None:
    """Raise Forbidden (403, with `refusal(action)`) unless the actor may `action` the booking
    (`code`: the check-in code presented; `made_here`: the booking is this browser's)."""
    if action == "check_in":
        allowed = can_check_in_booking(actor, booking, code=code)
    elif action == "cancel":
        allowed = can_cancel_booking(actor, booking, made_here=made_here)
    elif action == "reschedule":
        allowed = can_reschedule_booking(actor, booking, made_here=made_here)
    else:
        allowed = POLICIES[action](actor, booking)
    require(allowed, refusal(action))


def allowed_actions(actor: Actor, booking: Booking) -> frozenset[str]:
    """The actions of `POLICIES` the actor may take on the booking (whatever its status and the
    clock: the service answers 409 when they do not allow one), for a page to offer them."""
    return frozenset(action for action, policy in POLICIES.items() if policy(actor, booking))
