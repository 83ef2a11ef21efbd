"""Who may do what to memberships, answered for the request's actor (`o2o.tenancy.actor`): the API
(`members.api`) and the portal pages (`members.views`) ask the same functions, so an action has the
same answer both ways.

**Who lists the brand's members** (`can_list_members`): HQ (admin or staff), and store managers and
guides. A membership is shared by all the brand's stores, so a store lists every member of the
brand, but sees the personal data of only the members it serves (below). A consumer lists nobody:
they see their own membership only (`/members/me/`, the "my membership" page).

**Whose phone and name one sees** (`masked_expression`): HQ every member's; a store manager or guide
those of the members their store serves: whose home store it is, or whom it has served (`ServedBy`:
a booking, a visit, an order), only while they hold a store role and an active post; a consumer
their own. Everyone else's are masked (`members.masking`). The rule is one SQL expression, so that a
list decides it per row without a query per row. A person with several roles sees the union.

**Who changes what** (`can_change`): the member changes their own name, marketing consent and home
store. HQ may move a member to another home store (the admin), never their name or their consent:
consent is the member's own word. Nobody else changes a membership.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import BooleanField, Case, Exists, Expression, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from members.models import Member, ServedBy
from o2o.choices import STORE_ROLES, Role
from o2o.models import Tenant
from o2o.tenancy.actor import Actor, require

# the fields of a membership that change, by the names the API and the pages use
MEMBER_FIELDS = frozenset({"name", "consent_marketing", "home_store"})
HQ_FIELDS = frozenset({"home_store"})


def can_list_members(actor: Actor) -> bool:
    """HQ, and store managers and guides (a store role, with or without an active post)."""
    return actor.is_hq or bool(actor.roles & STORE_ROLES)


def is_own_membership(actor: Actor, member: Member) -> bool:
    """The member is the actor's own membership (as a consumer)."""
    membership = actor.membership
    return actor.is_consumer and membership is not None and membership.pk == member.pk


def can_see_member(actor: Actor, member: Member) -> bool:
    """Staff see every member of the brand (masked or not); a consumer only themselves."""
    return can_list_members(actor) or is_own_membership(actor, member)


def _personal_data_seen(actor: Actor, *, tenant: Tenant) -> list[Q] | None:
    """The conditions (any of them) on the members whose data the actor sees; None for every
    member (HQ), an empty list for none."""
    if actor.is_hq:
        return None
    seen = []
    store_id = actor.store_id  # only while they hold a store role and an active post
    if store_id is not None:
        served = ServedBy.objects.filter(tenant=tenant, member=OuterRef("pk"), store_id=store_id)
        seen += [Q(home_store_id=store_id), Q(Exists(served))]
    user = actor.signed_in_user
    if actor.is_consumer and user is not None:
        seen.append(Q(user_id=user.pk))
    return seen


def masked_expression(actor: Actor, *, tenant: Tenant) -> Expression:
    """`is_masked` of a member row for the actor, in SQL: False for HQ; per row for the others."""
    seen = _personal_data_seen(actor, tenant=tenant)
    if seen is None:
        return Value(False, output_field=BooleanField())
    if not seen:
        return Value(True, output_field=BooleanField())
    return Case(When(reduce(operator.or_, seen), then=Value(False)), default=Value(True), output_field=BooleanField())


def can_change(actor: Actor, member: Member, field: str) -> bool:
    """The member changes their name, consent and home store; HQ only the home store."""
    if is_own_membership(actor, member):
        return field in MEMBER_FIELDS
    return actor.is_hq and field in HQ_FIELDS


def refusal(field: str) -> str:
    """Why the actor may not change `field` of a membership, in the reader's language."""
    if field in HQ_FIELDS:
        return _("Only the member and HQ may change a member's home store.")
    return _("Only the member may change their name and marketing consent.")


def authorize_changes(actor: Actor, member: Member, fields: Iterable[str]) -> None:
    """Raise Forbidden (403, with `refusal(field)`) unless the actor may change every one of `fields`."""
    for field in sorted(fields):
        require(can_change(actor, member, field), refusal(field))


def can_rebind(actor: Actor, guide_store_id: int) -> bool:
    """Re-binding a customer by hand (rules.md 4.1): HQ, or a manager of the store of the guide the
    customer is re-bound to; never a guide."""
    return actor.is_hq or actor.works_at(guide_store_id, as_role=Role.STORE_MANAGER)


def authorize_rebind(actor: Actor, guide_store_id: int) -> None:
    """Raise Forbidden (403) unless the actor may re-bind a customer to a guide of `guide_store_id`
    (`can_rebind`): the API and the store's page ask this one."""
    require(can_rebind(actor, guide_store_id), _("Only HQ and the manager of the guide's store re-bind a customer."))


def can_see_bindings(actor: Actor) -> bool:
    """A member's binding history: HQ and store managers (the ones who may re-bind)."""
    return actor.is_hq or (Role.STORE_MANAGER in actor.roles and actor.store_id is not None)
