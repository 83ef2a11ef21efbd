"""Who may do what to orders, answered for the request's actor: the API (`orders.api`) and the
portal pages (`orders.views`) ask the same functions, so an action has the same answer both ways.

Who sees an order (`order_scope`, `can_see_order`): HQ (admin or staff) every order of the brand;
a store manager or guide the orders routed to their store now (an order that moved on after a
rejection is no longer theirs); a consumer their own. A person with several roles sees the union.
An order one may not see does not exist for them (404, never 403).

Who acts on an order they see:

- **The store's side** (accept, reject, mark ready, complete; `can_accept_order` ...): HQ, and the
  staff of the store the order is routed to, its manager *and its guides*. rules.md 1.6 and 1.8
  give these actions to "the store", and the accept deadline (15 minutes) runs whoever is on the
  shop floor: an order waiting for the one manager would expire and be re-routed away from the
  store, the channel conflict the platform exists to avoid. Guides hand goods over to customers all
  day; they do it on the store dashboard as through the API.
- **Cancel** (`can_cancel_order`): the consumer who placed the order (their own membership), and the
  store's staff and HQ as above. Who cancels decides the window (`cancels_as_store`): the store and
  HQ while the order is open, the consumer only early (`orders.services.cancel_order` checks the
  status under the order's lock).
- **Refund** (`can_refund_order`): money goes back on the word of HQ or of the manager of the order's
  store, never of a guide (guides earn commission on the orders they influence).
- **Assign an unroutable order to a store** (`can_assign_order`): HQ only.
- **The brand's orders of the day and its unroutable queue on the HQ dashboard**
  (`can_see_orders_summary`): HQ only.

What one reads of an order they see:

- **The routing record** (`sees_routing_record`): every store considered, its distance and why it
  was excluded (another store's stock shortage among them) is HQ's; anyone else, the consumer
  first, reads the rule that decided and the chosen store's entry only.
- **The customer's details** (`sees_customer_details`): a delivery order's recipient, phone and
  address, and a pick-up order's code (rules.md 1.8), are read by HQ, the staff of the store the
  order is routed to now, and the consumer who placed it; never by a store it was re-routed away
  from (its answer to the rejection included).

A consumer who also works in a store acts for their store as staff, and on their own orders as a
consumer; never for another store.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext as _

from o2o.choices import Role
from o2o.tenancy.actor import Actor, owned_by, require
from orders.models import Order
from stores.policies import acts_for_store


def order_scope(actor: Actor) -> Q | None:
    """The condition on the orders the actor may see; None for every order of the brand (HQ)."""
    if actor.is_hq:
        return None
    seen = Q(pk__in=[])
    if actor.store_id is not None:
        seen |= Q(store_id=actor.store_id)
    if actor.is_consumer and actor.signed_in_user is not None:
        seen |= Q(member__user_id=actor.signed_in_user.pk)
    return seen


def is_own_order(actor: Actor, order: Order) -> bool:
    """The order was placed by the actor's membership (as a consumer)."""
    return actor.is_consumer and owned_by(order, actor)


def can_see_order(actor: Actor, order: Order) -> bool:
    """As `order_scope`, for one order in hand."""
    return acts_for_store(actor, order.store_id) or is_own_order(actor, order)


def acts_for_order_store(actor: Actor, order: Order) -> bool:
    """HQ, or the staff (manager or guide) of the store the order is routed to now."""
    return acts_for_store(actor, order.store_id)


def sees_routing_record(actor: Actor) -> bool:
    """The whole routing record of an order (every store considered): HQ only."""
    return actor.is_hq


def sees_customer_details(actor: Actor, order: Order) -> bool:
    """A delivery's recipient, phone and address and a pick-up code: HQ, the staff of the store the
    order is routed to now, the consumer who placed it."""
    return acts_for_order_store(actor, order) or is_own_order(actor, order)


def cancels_as_store(actor: Actor, order: Order) -> bool:
    """The actor cancels for the store (the store's window: while the order is open)."""
    return acts_for_order_store(actor, order)


def can_cancel_order(actor: Actor, order: Order) -> bool:
    """The consumer who placed the order, the staff of its store, or HQ."""
    return cancels_as_store(actor, order) or is_own_order(actor, order)


def can_refund_order(actor: Actor, order: Order) -> bool:
    """HQ, or the manager of the order's store (not its guides)."""
    return actor.is_hq or actor.works_at(order.store_id, as_role=Role.STORE_MANAGER)


def can_see_orders_summary(actor: Actor) -> bool:
    """HQ reads the brand's orders of the day and its unroutable queue (the HQ dashboard's cards)."""
    return actor.is_hq


def can_assign_order(actor: Actor, order: Order) -> bool:
    """HQ sends an unroutable order to a store by hand."""
    return actor.is_hq


# The actions on an order in hand, by the name the API's paths and the pages' forms use.
POLICIES: dict[str, Callable[[Actor, Order], bool]] = {
    # the store's moves of an order (rules.md 1.6-1.8): one rule, the store's staff and HQ
    "accept": acts_for_order_store,
    "reject": acts_for_order_store,
    "ready": acts_for_order_store,
    "complete": acts_for_order_store,
    "cancel": can_cancel_order,
    "refund": can_refund_order,
    "assign": can_assign_order,
}


def refusal(action: str) -> str:
    """Why the actor may not `action` an order they see, in the reader's language."""
    if action == "cancel":
        return _("Only the customer who placed the order, its store and HQ may cancel it.")
    if action == "refund":
        return _("Only HQ and the manager of the order's store may refund it.")
    if action == "assign":
        return _("Only HQ assigns an order to a store.")
    return _("Only HQ and the staff of the order's store may do this.")


def authorize(action: str, actor: Actor, order: Order) -> None:
    """Raise Forbidden (403, with `refusal(action)`) unless the actor may `action` the order."""
    require(POLICIES[action](actor, order), refusal(action))


def allowed_actions(actor: Actor, order: Order) -> frozenset[str]:
    """The actions of `POLICIES` the actor may take on the order (whatever its status: the service
    answers 409 when the status does not allow one), for a page to offer them."""
    return frozenset(action for action, policy in POLICIES.items() if policy(actor, order))
