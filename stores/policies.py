"""Who may do what to stores: answered for the request's actor (`o2o.tenancy.actor`), by the API
(`stores.api`) and the portal pages (`stores.views`) alike, so that an action has the same answer
both ways.

HQ (admin or staff) manages and sees every store of the brand. A store manager manages their own
store (its stock, its services) and sees its staff and its contract; a store manager and a guide see
their own store's operational data (its stock; orders, bookings, members they serve), and only
while they hold a store role in the brand and an active post. Consumers see the public face of
stores only (`PUBLIC` pages and endpoints: no policy).

The actions on a store, by the name `POLICIES` gives them:

- `create_store` (`can_create_store`), `edit_store`: open a store, change its fields, its contract
  terms, close or delete it: HQ.
- `create_staff`: open a manager's or guide's account at the store: HQ.
- `see_staff`, `see_contract`: HQ, and the manager of the store.
- `edit_stock`, `set_services`: HQ, and the manager of the store (a guide sells, they do not count).
- `see_stock`: HQ, and the store's staff, its manager and its guides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext as _

from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy.actor import Actor, require
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


def can_create_store(actor: Actor) -> bool:
    """HQ opens the brand's stores."""
    return actor.is_hq


def can_edit_store(actor: Actor, store: Store) -> bool:
    """HQ changes a store's fields and contract terms, closes or deletes it."""
    return actor.is_hq


def can_create_staff(actor: Actor, store: Store) -> bool:
    """HQ opens the accounts of a store's managers and guides."""
    return actor.is_hq


def can_see_staff(actor: Actor, store: Store) -> bool:
    """HQ, and the store's manager, see who works at the store."""
    return can_manage_store(actor, store)


def can_see_contract(actor: Actor, store: Store) -> bool:
    """HQ, and the store's manager, see the store's settlement terms."""
    return can_manage_store(actor, store)


def contract_scope(actor: Actor) -> set[int] | None:
    """The stores whose contract the actor may see: None for every store (HQ), else the store they
    manage (an empty set without one). As `can_see_contract`, for a list."""
    if actor.is_hq:
        return None
    managed = managed_store_id(actor)
    return {managed} if managed is not None else set()


def can_edit_stock(actor: Actor, store: Store) -> bool:
    """HQ, and the store's manager, set what the store has on hand."""
    return can_manage_store(actor, store)


def can_set_services(actor: Actor, store: Store) -> bool:
    """HQ, and the store's manager, say which services the store offers."""
    return can_manage_store(actor, store)


def can_see_stock(actor: Actor, store: Store) -> bool:
    """HQ, and the store's staff (its manager and its guides), see the store's stock."""
    return acts_for_store(actor, store.pk)


# The actions on a store, by the name the tests and the pages use.
POLICIES: dict[str, Callable[[Actor, Store], bool]] = {
    "edit_store": can_edit_store,
    "create_staff": can_create_staff,
    "see_staff": can_see_staff,
    "see_contract": can_see_contract,
    "edit_stock": can_edit_stock,
    "set_services": can_set_services,
    "see_stock": can_see_stock,
}


def refusal(action: str) -> str:
    """Why the actor may not do `action` to a store, in the reader's language."""
    if action in {"create_store", "edit_store", "create_staff"}:
        return _("Only HQ may do this.")
    if action == "see_stock":
        return _("Only HQ and this store's staff may see this.")
    return _("Only HQ and this store's manager may do this.")


def authorize(action: str, actor: Actor, store: Store) -> None:
    """Raise Forbidden (403, with `refusal(action)`) unless the actor may do `action` to `store`."""
    require(POLICIES[action](actor, store), refusal(action))


def authorize_create_store(actor: Actor) -> None:
    """Raise Forbidden (403) unless the actor may open a store."""
    require(can_create_store(actor), refusal("create_store"))
