"""Stock held for orders (rules.md 1.5), guaranteed by the database.

Every change first locks the stock rows it touches with one `SELECT ... FOR UPDATE` in primary-key
order (the order every writer of stock rows uses, so two transactions never wait on each other
crosswise), checks what is available under that lock, then writes all lines with one `UPDATE`
(`reserved = reserved + CASE ...`). The CHECK constraints (`on_hand >= 0`, `reserved >= 0`,
`reserved <= on_hand`) are the last wall. A reservation or move that finds too little under the
lock is rolled back to its savepoint, which releases the locks it took: a checkout routed on to
another store holds no rows of the first while it waits for the next store's (locks are taken in
pk order within one statement, never across two). Two queries, whatever the number of lines, in plain
SQL (portable to SQLite, which takes no row locks and needs none: it writes one at a time): every
order placed runs them, and the ORM spent more CPU building them than the database running them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from o2o.db import in_list
from o2o.models import Tenant
from stores.models import Stock

STOCK = Stock._meta.db_table


@dataclass
class Row:
    pk: int
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


Locked = dict[tuple[int, int], Row]  # (store id, sku id) -> row


def lock_rows(*, tenant: Tenant, store_ids: Collection[int], sku_ids: Collection[int]) -> Locked:
    """Lock the stock rows of `sku_ids` at `store_ids`, in primary-key order, and read them."""
    (stores_in, stores), (skus_in, skus) = in_list(store_ids), in_list(sku_ids)
    if not stores or not skus:
        return {}
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, store_id, sku_id, on_hand, reserved FROM {STOCK} "  # noqa: S608 - placeholders only
            f"WHERE tenant_id = %s AND store_id IN {stores_in} AND sku_id IN {skus_in} "
            f"ORDER BY id{lock}",
            [tenant.pk, *stores, *skus],
        )
        rows = cursor.fetchall()
    return {(store_id, sku_id): Row(pk, on_hand, reserved) for pk, store_id, sku_id, on_hand, reserved in rows}


def shortfall(locked: Locked, *, store_id: int, quantities: Mapping[int, int]) -> list[int]:
    """The SKUs of which `store_id` has fewer available than wanted (by id), under the lock."""
    short = []
    for sku_id, quantity in sorted(quantities.items()):
        row = locked.get((store_id, sku_id))
        if row is None or row.available < quantity:
            short.append(sku_id)
    return short


def _apply(*, tenant: Tenant, on_hand: Mapping[int, int], reserved: Mapping[int, int]) -> None:
    """Add the deltas (by stock row pk) to `on_hand` and `reserved` in one UPDATE."""
    pks_in, pks = in_list({*on_hand, *reserved})
    if not pks:
        return
    assignments = ["updated_at = %s"]
    params: list[str | int | None] = [connection.ops.adapt_datetimefield_value(timezone.now())]
    for field, deltas in (("on_hand", on_hand), ("reserved", reserved)):
        changed = sorted((pk, delta) for pk, delta in deltas.items() if delta)
        if changed:
            assignments.append(f"{field} = {field} + CASE id {' '.join(['WHEN %s THEN %s'] * len(changed))} ELSE 0 END")
            params.extend(value for pair in changed for value in pair)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {STOCK} SET {', '.join(assignments)} "  # noqa: S608 - placeholders only
            f"WHERE tenant_id = %s AND id IN {pks_in}",
            [*params, tenant.pk, *pks],
        )


class _Short(Exception):
    """Raised inside the savepoint of a reservation that cannot be made, to roll its locks back."""

    def __init__(self, skus: list[int]) -> None:
        super().__init__(skus)
        self.skus = skus


def _all_or_nothing(attempt: Callable[[], list[int]]) -> list[int]:
    """Run `attempt` (lock, check, write; returns the SKUs short) in a savepoint, rolled back
    when something is short: rolling back to a savepoint releases the row locks taken since, so
    a caller that goes on to another store never holds this store's rows while it waits for the
    next one's (two checkouts racing for the last units of two stores could deadlock otherwise)."""
    try:
        with transaction.atomic():
            short = attempt()
            if short:
                raise _Short(short)
    except _Short as refused:
        return refused.skus
    return []


def reserve(*, tenant: Tenant, store_id: int, quantities: Mapping[int, int]) -> list[int]:
    """Reserve `quantities` (sku id -> quantity) at `store_id`, all or nothing.

    Returns the SKUs short under the lock (then nothing is written and no lock kept), or [] when
    reserved.
    """

    def attempt() -> list[int]:
        locked = lock_rows(tenant=tenant, store_ids=[store_id], sku_ids=quantities)
        short = shortfall(locked, store_id=store_id, quantities=quantities)
        if not short:
            _apply(tenant=tenant, on_hand={}, reserved={locked[store_id, s].pk: q for s, q in quantities.items()})
        return short

    return _all_or_nothing(attempt)


def move(*, tenant: Tenant, from_store_id: int, to_store_id: int, quantities: Mapping[int, int]) -> list[int]:
    """Move the reservation of `quantities` from one store to another in one locked UPDATE.

    Returns the SKUs short at `to_store_id` (then nothing is written and no lock kept), or [] when
    moved.
    """

    def attempt() -> list[int]:
        locked = lock_rows(tenant=tenant, store_ids=[from_store_id, to_store_id], sku_ids=quantities)
        short = shortfall(locked, store_id=to_store_id, quantities=quantities)
        if not short:
            deltas: dict[int, int] = defaultdict(int)
            for sku_id, quantity in quantities.items():
                deltas[locked[to_store_id, sku_id].pk] += quantity
                if (from_store_id, sku_id) in locked:
                    deltas[locked[from_store_id, sku_id].pk] -= quantity
            _apply(tenant=tenant, on_hand={}, reserved=deltas)
        return short

    return _all_or_nothing(attempt)


def release(*, tenant: Tenant, store_id: int, quantities: Mapping[int, int]) -> None:
    """Give back what an order reserved at `store_id` (cancelled, or nowhere left to go)."""
    locked = lock_rows(tenant=tenant, store_ids=[store_id], sku_ids=quantities)
    _apply(
        tenant=tenant,
        on_hand={},
        reserved={locked[store_id, s].pk: -q for s, q in quantities.items() if (store_id, s) in locked},
    )


def take(*, tenant: Tenant, store_id: int, quantities: Mapping[int, int]) -> None:
    """A completed order's goods leave the store: off `on_hand` and `reserved` together."""
    locked = lock_rows(tenant=tenant, store_ids=[store_id], sku_ids=quantities)
    deltas = {locked[store_id, s].pk: -q for s, q in quantities.items() if (store_id, s) in locked}
    _apply(tenant=tenant, on_hand=deltas, reserved=deltas)
