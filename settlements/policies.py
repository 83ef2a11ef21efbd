"""Who may do what with settlements, answered for the request's actor: the API
(`settlements.api`) and the pages (`settlements.views`) ask the same functions.

- **Runs** (start, preview, list, read, close, reconcile) and the **what-if preview**: HQ (admin
  or staff).
- **Statements**: HQ reads every statement of the brand (previews included) and answers disputes;
  a store manager reads the statements of their own store from real runs (not HQ's previews) and
  confirms or disputes them. Guides and consumers see none.
- **Ledger** (accounts with balances, journal entries): HQ, read only.

A statement one may not see does not exist for them (404, never 403).
"""

from __future__ import annotations

from django.db.models import Q

from o2o.choices import HQ_ROLES, Role
from o2o.tenancy.actor import Actor
from settlements.models import Statement
from stores.policies import managed_store_id

RUN_MANAGERS = HQ_ROLES
STATEMENT_READERS = HQ_ROLES | {Role.STORE_MANAGER}
STATEMENT_DECIDERS = frozenset({Role.STORE_MANAGER})
DISPUTE_ANSWERERS = HQ_ROLES
LEDGER_READERS = HQ_ROLES


def can_manage_runs(actor: Actor) -> bool:
    """HQ starts, closes, reconciles and previews the brand's settlement runs."""
    return actor.is_hq


def can_read_ledger(actor: Actor) -> bool:
    """HQ reads the brand's ledger."""
    return actor.is_hq


def statement_scope(actor: Actor) -> Q | None:
    """The condition on the statements the actor may see; None for every one of the brand (HQ); a
    store manager their store's from real runs; nobody else any."""
    if actor.is_hq:
        return None
    store_id = managed_store_id(actor)
    if store_id is None:
        return Q(pk__in=[])
    return Q(store_id=store_id, run__dry_run=False)


def can_decide_statement(actor: Actor, statement: Statement) -> bool:
    """Only the manager of the statement's store confirms or disputes it (HQ answers instead)."""
    return managed_store_id(actor) == statement.store_id


def can_answer_dispute(actor: Actor) -> bool:
    """HQ (admin or staff) answers a store's dispute."""
    return actor.is_hq
