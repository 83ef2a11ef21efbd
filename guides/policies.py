"""Who may do what to commission rules, commissions and claims, answered for the request's actor:
the API (`guides.api`) and the pages to come ask the same functions.

- **Commission rules**: HQ (admin or staff) only, read and write.
- **Commissions**: HQ sees every one of the brand and exports them; a store manager sees those of
  their store's guides; a guide their own. Consumers none.
- **Claims**: a guide makes claims (on orders of their store's consumers: guides.services.claims)
  and sees their own; the manager of the guide's store sees their store's guides' claims and
  approves or rejects them; HQ sees every claim (deciding is the store's).

What one may not see does not exist for them (404, never 403).

Guides themselves:

- **The guides list** (`guide_scope`): HQ sees every guide of the brand; a store manager the guides
  of their store; nobody else (a guide sees themselves through `/guides/me/`).
- **My links, my customers, recording serving** (`own_guide_post`): a guide with an active post,
  for themselves only.
- Re-binding a customer by hand is the members app's (`members.policies.can_rebind`).
"""

from __future__ import annotations

from typing import cast

from django.db.models import Q
from django.utils.translation import gettext as _

from attribution.policies import guide_post_id
from guides.models import CommissionClaim
from o2o.choices import HQ_ROLES, Role
from o2o.errors import NotFound
from o2o.tenancy.actor import Actor, require
from stores.choices import StaffRole
from stores.models import StoreStaff
from stores.policies import managed_store_id

RULE_EDITORS = frozenset(HQ_ROLES)
COMMISSION_READERS = frozenset(HQ_ROLES | {Role.STORE_MANAGER, Role.GUIDE})
COMMISSION_EXPORTERS = frozenset(HQ_ROLES)
CLAIM_READERS = frozenset(HQ_ROLES | {Role.STORE_MANAGER, Role.GUIDE})
CLAIM_MAKERS = frozenset({Role.GUIDE})
CLAIM_DECIDERS = frozenset({Role.STORE_MANAGER})


def can_manage_rules(actor: Actor) -> bool:
    """HQ sets the commission rules."""
    return actor.is_hq


def _guide_scope(actor: Actor, guide_field: str) -> Q | None:
    if actor.is_hq:
        return None
    seen = Q(pk__in=[])
    store_id = managed_store_id(actor)
    if store_id is not None:
        seen |= Q(**{f"{guide_field}__store_id": store_id})
    guide_id = guide_post_id(actor)
    if guide_id is not None:
        seen |= Q(**{f"{guide_field}_id": guide_id})
    return seen


def commission_scope(actor: Actor) -> Q | None:
    """The condition on the commissions the actor may see; None for all of the brand (HQ)."""
    return _guide_scope(actor, "guide")


def claim_scope(actor: Actor) -> Q | None:
    """The condition on the claims the actor may see; None for all of the brand (HQ)."""
    return _guide_scope(actor, "guide")


def claiming_guide(actor: Actor) -> StoreStaff:
    """The actor's guide post when they may claim (a guide working in their store); Forbidden
    (403) otherwise. The post is the actor's own, loaded with them: no query."""
    require(guide_post_id(actor) is not None, _("Only a guide working in a store claims an order."))
    return cast(StoreStaff, actor.staff_post)


def can_decide_claim(actor: Actor, claim: CommissionClaim, *, guide_store_id: int) -> bool:
    """The manager of the claiming guide's store decides (`guide_store_id`: that store)."""
    store_id = managed_store_id(actor)
    return store_id is not None and store_id == guide_store_id


def authorize_decision(actor: Actor, claim: CommissionClaim, *, guide_store_id: int) -> None:
    """Raise Forbidden (403) unless the actor may approve or reject the claim."""
    require(
        can_decide_claim(actor, claim, guide_store_id=guide_store_id),
        _("Only the manager of the guide's store decides a claim."),
    )


# --- guides themselves ---


def guide_scope(actor: Actor) -> Q | None:
    """The guides the actor sees: None for every one (HQ), a condition for a store manager's, and
    `Q(pk__in=[])` for anyone else."""
    if actor.is_hq:
        return None
    post = actor.staff_post
    if post is not None and actor.works_at(post.store_id, as_role=Role.STORE_MANAGER):
        return Q(store_id=post.store_id)
    return Q(pk__in=[])


def own_guide_post(actor: Actor) -> StoreStaff:
    """The actor's own active guide post (with its store); NotFound when they hold none (a guide
    moved off their post, a manager, anyone else)."""
    post = actor.staff_post
    if post is None or post.role != StaffRole.GUIDE or Role.GUIDE not in actor.roles:
        raise NotFound(_("You hold no guide post in this brand."))
    return cast(StoreStaff, post)
