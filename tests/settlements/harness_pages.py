"""The statement pages' and endpoints' entries of the cross-tenant harness (tests/harness.py),
merged by tests/settlements/harness.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Model

from o2o.models import Tenant
from settlements.models import SettlementRun, Statement
from tests.stores.factories import make_store


def _run(tenant: Tenant) -> SettlementRun:
    return SettlementRun.objects.create(
        tenant=tenant, period_start=dt.date(2025, 5, 1), period_end=dt.date(2025, 6, 1), status="done"
    )


def _statement(tenant: Tenant) -> Statement:
    return Statement.objects.create(tenant=tenant, run=_run(tenant), store=make_store(tenant), net=Decimal("0.00"))


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {SettlementRun: _run, Statement: _statement}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "statement-confirm": "no body; the statement is the URL's",
    "statement-dispute": "a note only; the statement is the URL's",
    "statement-answer": "a note only; the statement is the URL's",
}
