"""Who may do what with settlements, answered for the request's actor: the API
(`settlements.api`) and the pages (`settlements.views`) ask the same functions.

- **Runs** (start, list, read, close, reconcile) and the **what-if preview**: HQ (admin or staff).
- **Statements**: HQ reads every store's; a store manager reads their own store's only (another
  store's statement does not exist for them: 404, never 403). Guides and consumers none.
- **Ledger** (accounts with balances, journal entries): HQ, read only.
"""

from __future__ import annotations

from django.db.models import Q

from o2o.choices import HQ_ROLES, Role
from o2o.tenancy.actor import Actor
from stores.policies import managed_store_id

RUN_MANAGERS = HQ_ROLES
STATEMENT_READERS = HQ_ROLES | {Role.STORE_MANAGER}
LEDGER_READERS = HQ_ROLES


def can_manage_runs(actor: Actor) -> bool:
    """HQ starts, closes, reconciles and previews the brand's settlement runs."""
    return actor.is_hq


def can_read_ledger(actor: Actor) -> bool:
    """HQ reads the brand's ledger."""
    return actor.is_hq


def statement_scope(actor: Actor) -> Q | None:
    """The condition on the statements the actor may see: None for all (HQ), their store's for a
    store manager, none otherwise."""
    if actor.is_hq:
        return None
    store_id = managed_store_id(actor)
    return Q(store_id=store_id) if store_id is not None else Q(pk__in=[])
