"""Reads of settlement runs and their statements (the API and pages)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from o2o.errors import NotFound
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from settlements import policies
from settlements.models import SettlementRun, Statement, StatementLine


def list_runs(*, tenant: Tenant) -> QuerySet[SettlementRun]:
    """The brand's runs, latest period first."""
    return SettlementRun.objects.filter(tenant=tenant).order_by("-period_start", "-pk")


def get_run(*, tenant: Tenant, run_id: int) -> SettlementRun:
    """The brand's run `run_id` (NotFound for a missing or foreign one)."""
    run = SettlementRun.objects.filter(tenant=tenant, pk=run_id).first()
    if run is None:
        raise NotFound(_("No such settlement run."))
    return run


def list_statements(
    *, tenant: Tenant, actor: Actor, run_id: int | None = None, store_id: int | None = None
) -> QuerySet[Statement]:
    """The statements the actor may see (`policies.statement_scope`), latest run first then by
    store, with their run, store and lines (three queries however many)."""
    statements = (
        Statement.objects.filter(tenant=tenant)
        .select_related("run", "store")
        .prefetch_related(Prefetch("lines", queryset=StatementLine.objects.order_by("position")))
        .order_by("-run__period_start", "-run_id", "store_id")
    )
    scope = policies.statement_scope(actor)
    if scope is not None:
        statements = statements.filter(scope)
    if run_id is not None:
        statements = statements.filter(run_id=run_id)
    if store_id is not None:
        statements = statements.filter(store_id=store_id)
    return statements
