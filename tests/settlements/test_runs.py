"""Settlement runs: once per brand and period, idempotent, all-or-nothing, dry runs, closing, and
the number of SQL statements of a run (grows with stores and campaigns, never with orders)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from o2o.errors import Conflict, InvalidInput
from o2o.tenancy import tenant_scope
from settlements.models import JournalEntry, Posting, RunStatus, SettlementRun, Statement, StatementLine
from settlements.services import runs
from settlements.services.runs import close_run, execute_run, start_run
from tests.settlements.factories import completed_order, local, member
from tests.settlements.scenario import MAY, Scenario

pytestmark = pytest.mark.django_db


def statements_of(run: SettlementRun) -> list[tuple]:
    """A run's statements as plain values (what two runs must agree on)."""
    return [
        (line.statement.store_id, line.statement.net, line.kind, line.amount, line.counts, line.data)
        for line in StatementLine.objects.filter(statement__run=run)
        .select_related("statement")
        .order_by("statement__store_id", "position")
    ]


def run_may(scenario: Scenario, **kwargs) -> SettlementRun:
    tenant = scenario.tenant
    run, _ = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1], **kwargs)
    return execute_run(tenant=tenant, run_id=run.pk, commissions=scenario.commissions())


def test_running_a_period_again_returns_the_same_run_and_posts_nothing_more(scenario):
    tenant = scenario.tenant
    with tenant_scope(tenant):
        first = run_may(scenario)
        posted = list(Posting.objects.values_list("pk", "amount"))
        again, created = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1])
        executed = execute_run(tenant=tenant, run_id=first.pk, commissions=scenario.commissions())
        assert (again.pk, created, executed.pk, executed.status) == (first.pk, False, first.pk, RunStatus.DONE)
        assert list(Posting.objects.values_list("pk", "amount")) == posted
        assert SettlementRun.objects.filter(dry_run=False).count() == 1


def test_a_run_killed_while_posting_leaves_nothing_and_its_retry_ends_as_an_undisturbed_run(scenario):
    tenant = scenario.tenant
    with tenant_scope(tenant):
        run, _ = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1])
        # when the worker dies in the middle of posting (after statements and lines were written)
        with (
            mock.patch.object(runs, "post_entries", side_effect=RuntimeError("worker killed")),
            pytest.raises(RuntimeError),
        ):
            execute_run(tenant=tenant, run_id=run.pk, commissions=scenario.commissions())
        # then nothing of it is left, and the run says it failed
        run.refresh_from_db()
        assert (run.status, Statement.objects.count(), JournalEntry.objects.count()) == (RunStatus.FAILED, 0, 0)
        assert run.error == "RuntimeError: worker killed"
        # and the retry (start again: the failed run is queued again) ends like an undisturbed run
        again, created = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1])
        assert (again.pk, created, again.status) == (run.pk, False, RunStatus.QUEUED)
        retried = execute_run(tenant=tenant, run_id=run.pk, commissions=scenario.commissions())
        retried_statements = statements_of(retried)
        dry = run_may(scenario, dry_run=True)
        assert retried_statements == statements_of(dry)
        assert retried.totals == dry.totals
        assert Statement.objects.get(run=retried, store=scenario.franchise).net == Decimal("1653.07")


def test_a_dry_run_previews_without_posting_and_replaces_the_previous_preview(scenario):
    tenant = scenario.tenant
    with tenant_scope(tenant):
        first = run_may(scenario, dry_run=True)
        second = run_may(scenario, dry_run=True)
        assert list(SettlementRun.objects.values_list("pk", "dry_run", "status")) == [(second.pk, True, "done")]
        assert JournalEntry.objects.count() == 0
        assert statements_of(second)[0][0] == scenario.direct.pk
        assert first.pk != second.pk
        # a dry run also previews a period not yet over
        today = dt.date.today()
        preview, _ = start_run(
            tenant=tenant, period_start=today, period_end=today + dt.timedelta(days=30), dry_run=True
        )
        assert preview.dry_run


def test_a_period_is_settled_once_over_and_never_overlapping_another(scenario):
    tenant = scenario.tenant
    with tenant_scope(tenant):
        run_may(scenario)
        with pytest.raises(Conflict, match="overlaps"):
            start_run(tenant=tenant, period_start=dt.date(2025, 5, 15), period_end=dt.date(2025, 6, 15))
        with pytest.raises(InvalidInput) as not_over:
            start_run(tenant=tenant, period_start=dt.date.today(), period_end=dt.date.today() + dt.timedelta(days=2))
        assert not_over.value.extra == {"errors": {"period_end": [str(not_over.value.detail)]}}
        with pytest.raises(InvalidInput):
            start_run(tenant=tenant, period_start=MAY[1], period_end=MAY[0])


def test_closing_a_done_run_closes_it_once(scenario):
    tenant = scenario.tenant
    with tenant_scope(tenant):
        run = run_may(scenario)
        closed = close_run(tenant=tenant, run=run)
        again = close_run(tenant=tenant, run=run)
        assert (closed.status, again.status, again.closed_at) == (RunStatus.CLOSED, RunStatus.CLOSED, closed.closed_at)
        # a closed period is not run again
        assert start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1]) == (closed, False)
        dry = run_may(scenario, dry_run=True)
        with pytest.raises(Conflict):
            close_run(tenant=tenant, run=dry)


def test_the_task_runs_the_brands_run(scenario):
    from settlements.tasks import execute_run_task

    tenant = scenario.tenant
    with tenant_scope(tenant):
        run, _ = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1])
    status = execute_run_task.apply(kwargs={"tenant_id": tenant.pk, "run_id": run.pk}).get()
    with tenant_scope(tenant):
        run.refresh_from_db()
        # the scenario has no guide commission: the task reads none, so F's net is 1932.00 - 233.33
        assert (status, run.status, run.progress) == ("done", "done", 100)
        assert Statement.objects.get(run=run, store=scenario.franchise).net == Decimal("1698.67")


def test_a_runs_statements_grow_with_stores_and_campaigns_not_with_orders(scenario):
    tenant = scenario.tenant

    def count_run(extra_orders: int) -> int:
        with tenant_scope(tenant):
            buyer = member(tenant)
            for i in range(extra_orders):
                completed_order(tenant, scenario.counter, "10.00", local(2025, 5, 1 + i % 28), buyer=buyer)
            run, _ = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1], dry_run=True)
            with CaptureQueriesContext(connection) as queries:
                execute_run(tenant=tenant, run_id=run.pk, commissions=scenario.commissions())
            return len(queries)

    few = count_run(3)
    many = count_run(30)
    assert few == many
    # 20 reads and writes, and the steps' own scopes (a savepoint and the tenant setting each) that
    # let a worker commit the run's progress as it goes (PostgreSQL sets the tenant in each)
    assert few == (35 if connection.vendor == "postgresql" else 29)
