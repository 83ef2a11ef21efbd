"""Settlement's panel on the store dashboard (o2o.portals.panels), registered by SettlementsConfig:
the manager's latest statement (period, net, who owes whom, status) with a link to it. One query."""

from __future__ import annotations

from typing import Any

from o2o.portals.panels import register
from o2o.tenancy.request import SignedInPortalRequest
from settlements.selectors.statements import list_store_statements
from settlements.statement_view import who_owes
from stores.policies import managed_store_id


def latest_statement_panel(request: SignedInPortalRequest) -> dict[str, Any] | None:
    store_id = managed_store_id(request.actor)
    if store_id is None:
        return None
    statement = list_store_statements(tenant=request.tenant, store_id=store_id).first()
    return {"statement": statement, "who_owes": who_owes(statement.net) if statement else ""}


def register_panels() -> None:
    register(
        "store",
        name="settlements.latest_statement",
        order=40,
        template="store/statements/_panel.html",
        context=latest_statement_panel,
    )
