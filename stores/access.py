"""The former home of the store access rules, kept as thin wrappers for the apps that still call
them with a tenant, a user and roles: the rules live in `stores.policies`, answered for an actor.

New code takes the request's actor (`request.actor`) and calls `stores.policies` directly, so that
the staff post is loaded once per request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from o2o.choices import HQ_ROLES
from o2o.models import Tenant, User
from o2o.tenancy.actor import Actor
from stores import policies
from stores.models import Store, StoreStaff


def staff_post(*, tenant: Tenant, user: User | AnonymousUser) -> StoreStaff | None:
    """The active store post (manager or guide) of `user` in `tenant`, with its store, or None."""
    if not isinstance(user, User):
        return None
    return policies.find_staff_post(tenant, user)


def is_hq(roles: Iterable[str]) -> bool:
    return bool(set(roles) & HQ_ROLES)


def managed_store_id(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str]) -> int | None:
    """The id of the store `user` manages (store managers only), else None."""
    return policies.managed_store_id(Actor(tenant=tenant, user=user, roles=roles))


def can_manage_store(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str], store: Store) -> bool:
    """HQ manages every store; a store manager only their own."""
    return policies.can_manage_store(Actor(tenant=tenant, user=user, roles=roles), store)


def visible_store_ids(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str]) -> set[int] | None:
    """The stores whose operational data `user` may see: None for all (HQ), else their own store."""
    return policies.visible_store_ids(Actor(tenant=tenant, user=user, roles=roles))
