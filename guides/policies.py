"""Who may do what with guides, answered for the request's actor (`o2o.tenancy.actor`): the API
(`guides.api`) and the guide workbench pages ask the same functions.

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

from o2o.choices import Role
from o2o.errors import NotFound
from o2o.tenancy.actor import Actor
from stores.choices import StaffRole
from stores.models import StoreStaff


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
