"""The store row lock the writes of the stores app take first."""

from __future__ import annotations

from django.utils.translation import gettext as _

from o2o.errors import NotFound
from o2o.models import Tenant
from stores.models import Store


def lock_store(*, tenant: Tenant, store: Store, no_key: bool = False) -> Store:
    """`store` read afresh under a row lock; NotFound when it is gone (deleted by a transaction
    that committed while this one waited for the lock, after the caller had read it).

    `no_key` takes the weaker lock (FOR NO KEY UPDATE) of a write that only adds rows referring to
    the store: it still waits for a delete, but not for orders and bookings being placed there.
    """
    locked = Store.objects.select_for_update(no_key=no_key).filter(tenant=tenant, pk=store.pk).first()
    if locked is None:
        raise NotFound(_("No such store."))
    return locked
