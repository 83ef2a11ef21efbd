"""Who works where: the store of a store manager or guide, and what their roles let them touch.

HQ (admin or staff) sees every store of the brand; a store manager and a guide see only their own
store's operational data; consumers see the public face of stores.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from o2o.choices import HQ_ROLES, Role
from o2o.models import Tenant, User
from stores.models import Store, StoreStaff


def staff_post(*, tenant: Tenant, user: User | AnonymousUser) -> StoreStaff | None:
    """The active store post (manager or guide) of `user` in `tenant`, with its store, or None."""
    if not user.is_authenticated:
        return None
    return StoreStaff.objects.filter(tenant=tenant, user=user, is_active=True).select_related("store").first()


def is_hq(roles: Iterable[str]) -> bool:
    return bool(set(roles) & HQ_ROLES)


def managed_store_id(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str]) -> int | None:
    """The id of the store `user` manages (store managers only), else None."""
    if Role.STORE_MANAGER not in set(roles):
        return None
    post = staff_post(tenant=tenant, user=user)
    return post.store_id if post is not None and post.role == Role.STORE_MANAGER else None


def can_manage_store(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str], store: Store) -> bool:
    """HQ manages every store; a store manager only their own."""
    return is_hq(roles) or managed_store_id(tenant=tenant, user=user, roles=roles) == store.pk


def visible_store_ids(*, tenant: Tenant, user: User | AnonymousUser, roles: Iterable[str]) -> set[int] | None:
    """The stores whose operational data `user` may see: None for all (HQ), else their own store."""
    if is_hq(roles):
        return None
    post = staff_post(tenant=tenant, user=user)
    return {post.store_id} if post is not None else set()
