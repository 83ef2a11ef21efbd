"""Settlement's background work: a run executed per brand and period (rules.md 5.5).

Safe to run twice and to be killed: `execute_run` posts in one transaction and returns a finished
run as it is (acks_late redelivers a task whose worker died).
"""

from __future__ import annotations

from o2o.celery import tenant_task
from o2o.errors import NotFound
from o2o.models import Tenant
from settlements.commissions import commissions_for_run
from settlements.models import SettlementRun
from settlements.services.runs import execute_run


@tenant_task(soft_time_limit=3300, time_limit=3600)
def execute_run_task(*, tenant: Tenant, run_id: int) -> str | None:
    """Compute and post the brand's settlement run `run_id`; its status when done."""
    run = SettlementRun.objects.filter(tenant=tenant, pk=run_id).first()
    if run is None:
        return None
    commissions = commissions_for_run(tenant=tenant, run=run)
    try:
        return execute_run(
            tenant=tenant, run_id=run_id, commissions=commissions.totals, commission_ids=commissions.ids
        ).status
    except NotFound:  # a dry run replaced by the next preview meanwhile
        return None
