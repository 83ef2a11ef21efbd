"""Stock levels of a store: what it has on hand of each SKU."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Sku
from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant
from stores.models import ON_HAND_BOUNDS, Stock, Store
from stores.services.locks import lock_store


@dataclass(frozen=True)
class StockLevel:
    sku_id: int
    on_hand: int


@transaction.atomic
def set_stock(*, tenant: Tenant, store: Store, levels: Sequence[StockLevel]) -> list[Stock]:
    """Set how many of each SKU `store` has on hand (rows created as needed), all or nothing.

    The rows are locked in primary-key order (no deadlock with reservations or another stock
    take); an on-hand below what open orders reserved is a Conflict naming the SKU, and the
    `reserved <= on_hand` CHECK is the last wall. Raises InvalidInput naming `sku` for an unknown
    (or another brand's) or repeated SKU, `on_hand` for a negative or too large count; NotFound when the store
    is gone. Returns the rows set, by SKU id.
    """
    by_sku: dict[int, int] = {}
    for level in levels:
        if level.sku_id in by_sku:
            raise InvalidInput("sku", _("SKU %(sku)s is listed twice.") % {"sku": level.sku_id})
        if level.on_hand < 0:
            raise InvalidInput("on_hand", _("SKU %(sku)s: on hand cannot be negative.") % {"sku": level.sku_id})
        if level.on_hand > ON_HAND_BOUNDS["max_value"]:  # the column's size: never a database error
            raise InvalidInput(
                "on_hand",
                _("SKU %(sku)s: on hand is at most %(most)d.")
                % {"sku": level.sku_id, "most": ON_HAND_BOUNDS["max_value"]},
            )
        by_sku[level.sku_id] = level.on_hand
    codes = dict(Sku.objects.filter(tenant=tenant, pk__in=by_sku).values_list("pk", "code"))
    unknown = sorted(set(by_sku) - set(codes))
    if unknown:
        raise InvalidInput("sku", _("No such SKU: %(ids)s.") % {"ids": ", ".join(map(str, unknown))})
    store = lock_store(tenant=tenant, store=store, no_key=True)  # not deleted meanwhile
    # rows first (in SKU order, so that two stock takes never wait on each other crosswise), then locks
    Stock.objects.bulk_create(
        [Stock(tenant=tenant, store=store, sku_id=sku_id) for sku_id in sorted(by_sku)], ignore_conflicts=True
    )
    locked = Stock.objects.select_for_update().filter(tenant=tenant, store=store, sku_id__in=by_sku)
    rows = list(locked.order_by("pk"))
    now = timezone.now()
    for row in rows:
        if by_sku[row.sku_id] < row.reserved:
            raise Conflict(
                _("SKU %(sku)s: on hand %(on_hand)d is below the %(reserved)d reserved for open orders.")
                % {"sku": codes[row.sku_id], "on_hand": by_sku[row.sku_id], "reserved": row.reserved},
                code="below_reserved",
                extra={"sku": row.sku_id},
            )
        row.on_hand = by_sku[row.sku_id]
        row.updated_at = now
    Stock.objects.bulk_update(rows, ["on_hand", "updated_at"])
    return sorted(rows, key=lambda row: row.sku_id)
