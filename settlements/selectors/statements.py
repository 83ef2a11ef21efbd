"""Reads of statements: one statement with its lines and history, a store's or a run's
statements, the disputes HQ has to answer, and the orders and refunds behind a statement's sales
line (the numbers a franchisee checks it with). Each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from o2o.errors import NotFound
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from orders.choices import Channel as OrderChannel
from orders.models import Order, Refund
from settlements import policies
from settlements.models import SettlementRun, Statement, StatementEvent, StatementLine, StatementStatus
from settlements.selectors.inputs import period_bounds


def _statements(tenant: Tenant) -> QuerySet[Statement]:
    return Statement.objects.filter(tenant=tenant).select_related("run", "store")


def get_statement(*, tenant: Tenant, actor: Actor, statement_id: int, detail: bool = True) -> Statement:
    """Statement `statement_id` if the actor may see it (NotFound for a missing, foreign or
    invisible one alike), with its lines and its history (by whom) when `detail`."""
    qs = _statements(tenant).filter(pk=statement_id)
    scope = policies.statement_scope(actor)
    if scope is not None:
        qs = qs.filter(scope)
    if detail:
        qs = qs.prefetch_related(
            Prefetch("lines", queryset=StatementLine.objects.filter(tenant=tenant).order_by("position")),
            Prefetch("events", queryset=StatementEvent.objects.filter(tenant=tenant).select_related("by")),
        )
    statement = qs.first()
    if statement is None:
        raise NotFound(_("No such statement."))
    return statement


def list_store_statements(*, tenant: Tenant, store_id: int) -> QuerySet[Statement]:
    """The statements of a store's real runs, newest period first (its manager's list)."""
    return _statements(tenant).filter(store_id=store_id, run__dry_run=False).order_by("-run__period_start", "-pk")


def list_run_statements(*, tenant: Tenant, run: SettlementRun) -> QuerySet[Statement]:
    """A run's statements in store order, each with its lines (two queries)."""
    return (
        _statements(tenant)
        .filter(run=run)
        .prefetch_related(Prefetch("lines", queryset=StatementLine.objects.filter(tenant=tenant).order_by("position")))
        .order_by("store__code", "pk")
    )


def list_disputes(*, tenant: Tenant) -> QuerySet[Statement]:
    """Disputed statements of real runs that HQ has not answered yet, oldest period first."""
    return (
        _statements(tenant)
        .filter(run__dry_run=False, status=StatementStatus.DISPUTED, answered_at__isnull=True)
        .order_by("run__period_start", "store__code", "pk")
    )


@dataclass(frozen=True)
class SalesRow:
    """An order completed in the period (positive) or a refund recorded in it (negative)."""

    kind: str  # "order" | "refund"
    number: str
    at: dt.datetime
    amount: Decimal


def statement_sales(*, tenant: Tenant, statement: Statement) -> list[SalesRow]:
    """The orders and refunds behind the statement's sales line, as the run read them (two
    queries): the store's orders completed in the period and refunds recorded in it, B2C excluded."""
    run = statement.run
    first, after = period_bounds(tenant, run.period_start, run.period_end)
    orders = (
        Order.objects.filter(
            tenant=tenant, store_id=statement.store_id, completed_at__gte=first, completed_at__lt=after
        )
        .exclude(channel=OrderChannel.B2C)
        .order_by("completed_at", "pk")
        .values_list("number", "completed_at", "total_amount")
    )
    refunds = (
        Refund.objects.filter(
            tenant=tenant, order__store_id=statement.store_id, created_at__gte=first, created_at__lt=after
        )
        .exclude(order__channel=OrderChannel.B2C)
        .order_by("created_at", "pk")
        .values_list("order__number", "created_at", "amount")
    )
    rows = [SalesRow("order", number, at, amount) for number, at, amount in orders if at is not None]
    rows += [SalesRow("refund", number, at, -amount) for number, at, amount in refunds]
    return rows
