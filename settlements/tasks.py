"""Settlement's background work: a run executed per brand and period (rules.md 5.5), its
reconciliation, and the scheduled runs (settlements.schedules).

Safe to run twice and to be killed: `execute_run` posts in one transaction and returns a finished
run as it is (acks_late redelivers a task whose worker died).
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from o2o.celery import tenant_task
from o2o.errors import Conflict, NotFound
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from settlements.commissions import commissions_for_run
from settlements.models import SettlementRun
from settlements.services.reconciliation import FINISHED, reconcile_run
from settlements.services.runs import execute_run, start_run
from settlements.services.schedule import period_to_settle


@tenant_task(scoped=False, soft_time_limit=3300, time_limit=3600)
def execute_run_task(*, tenant: Tenant, run_id: int) -> str | None:
    """Compute and post the brand's settlement run `run_id`, then reconcile it (a failed
    reconciliation never undoes the run: HQ reconciles again on demand); its status when done.

    Not one transaction (`scoped=False`): `execute_run` commits the run's progress as it goes and
    posts in one transaction of its own, so HQ sees a long run move and a failed one marked."""
    with tenant_scope(tenant):
        run = SettlementRun.objects.filter(tenant=tenant, pk=run_id).first()
        if run is None:
            return None
        commissions = commissions_for_run(tenant=tenant, run=run)
    try:
        run = execute_run(tenant=tenant, run_id=run_id, commissions=commissions.totals, commission_ids=commissions.ids)
    except NotFound:  # a dry run replaced by the next preview meanwhile
        return None
    if run.status in FINISHED and run.reconciled_at is None:
        with tenant_scope(tenant):
            reconcile_run(tenant=tenant, run=run)
    return run.status


@tenant_task()
def reconcile_run_task(*, tenant: Tenant, run_id: int) -> bool | None:
    """Reconcile the brand's finished run `run_id` again; whether it reconciles."""
    run = SettlementRun.objects.filter(tenant=tenant, pk=run_id).first()
    if run is None:
        return None
    return bool(reconcile_run(tenant=tenant, run=run).reconciliation["ok"])


@tenant_task()
def settle_period_just_ended_task(*, tenant: Tenant) -> int | None:
    """Beat, per brand (settlements.schedules): start the run of the period just ended on the
    brand's clock (`period_to_settle`); the run's id, or None when there is nothing to settle.
    Safe to fire twice: the same period returns the same run."""
    period = period_to_settle(tenant=tenant)
    if period is None:
        return None
    try:
        run, _ = start_run(tenant=tenant, period_start=period[0], period_end=period[1])
    except Conflict:  # overlaps a period settled by hand meanwhile
        return None
    return run.pk


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sync_settlement_schedules_task() -> int:
    """Beat, every 5 minutes: each brand's settlement task follows its frequency (settlements.schedules)."""
    from settlements.schedules import sync_settlement_schedules

    return sync_settlement_schedules()
