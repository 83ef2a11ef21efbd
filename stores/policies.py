"""Who may do what to stores: answered for the request's actor (`o2o.tenancy.actor`), by the API
and the portal pages alike.

HQ (admin or staff) manages and sees every store of the brand. A store manager manages their own
store (its stock, its staff, its operational data); a store manager and a guide see their own
store's operational data (orders, bookings, members they serve), and only while they hold a store
role in the brand and an active post. Consumers see the public face of stores only.
"""

from __future__ import annotations

from typing import cast

from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy.actor import Actor
from stores.models import Store, StoreStaff


def find_staff_post(tenant: Tenant, user: User) -> StoreStaff | None:
    """The active store post (manager or guide) of `user` in `tenant`, with its store, or None (one
    query). Registered as the actor's staff-post resolver (`StoresConfig.ready`)."""
    return StoreStaff.objects.filter(tenant=tenant, user=user, is_active=True).select_related("store").first()


def staff_post(actor: Actor) -> StoreStaff | None:
    """The actor's store post with its store (loaded once per request), or None."""
    return cast(StoreStaff | None, actor.staff_post)


def managed_store_id(actor: Actor) -> int | None:
    """The id of the store the actor manages (store managers only), else None."""
    post = actor.staff_post
    if post is None or not actor.works_at(post.store_id, as_role=Role.STORE_MANAGER):
        return None
    return post.store_id


def can_manage_store(actor: Actor, store: Store) -> bool:
    """HQ manages every store; a store manager only their own."""
    return actor.is_hq or managed_store_id(actor) == store.pk


def visible_store_ids(actor: Actor) -> set[int] | None:
    """The stores whose operational data the actor may see: None for all (HQ), else the store of
    their post (an empty set without one)."""
    if actor.is_hq:
        return None
    store_id = actor.store_id
    return {store_id} if store_id is not None else set()


def acts_for_store(actor: Actor, store_id: int | None) -> bool:
    """Whether the actor works for the store: HQ (any store), or its manager or guide."""
    return actor.is_hq or actor.works_at(store_id)
