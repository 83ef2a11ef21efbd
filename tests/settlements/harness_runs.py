"""Settlement runs, statements list, ledger and what-if: entries of the cross-tenant harness
(tests/settlements/harness.py merges it with harness_pages).

The runs' detail, close and reconcile routes, and the lists of runs, statements, accounts and
entries, are checked with these rows; the what-if preview declares no `resource_model` (an
aggregate, not rows), so the harness checks its roles and brands, and
tests/settlements/test_whatif.py proves another brand's store is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from itertools import count

from django.db.models import Model

from o2o.models import Tenant
from settlements.models import Account, AccountKind, JournalEntry, SettlementRun, Statement
from settlements.services.ledger import EntryInput, PostingInput, post_entries
from tests.stores.factories import make_store

_days = count(0)


def _run(tenant: Tenant) -> SettlementRun:
    start = dt.date(2020, 1, 1) + dt.timedelta(days=next(_days))
    return SettlementRun.objects.create(tenant=tenant, period_start=start, period_end=start + dt.timedelta(days=1))


def _statement(tenant: Tenant) -> Statement:
    return Statement.objects.create(tenant=tenant, run=_run(tenant), store=make_store(tenant), net=Decimal("1.00"))


def _account(tenant: Tenant) -> Account:
    return Account.objects.create(tenant=tenant, kind=AccountKind.STORE_OPERATOR, store=make_store(tenant))


def _entry(tenant: Tenant) -> JournalEntry:
    store = make_store(tenant)
    postings = [
        PostingInput((AccountKind.STORE_OPERATOR, store.pk), Decimal("5.00")),
        PostingInput((AccountKind.SALES_CLEARING, None), Decimal("-5.00")),
    ]
    [entry] = post_entries(tenant=tenant, entries=[EntryInput(description="harness", postings=postings)])
    return entry


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {
    SettlementRun: _run,
    Statement: _statement,
    Account: _account,
    JournalEntry: _entry,
}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "settlement-run-list": "two dates and dry_run only",
    "settlement-run-close": "no body; the run is the URL's",
    "settlement-run-reconcile": "no body; the run is the URL's",
}
