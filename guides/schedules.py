"""The periodic jobs of the guides app (see o2o/schedules.py): commissions approved daily once the
return window has passed."""

from o2o.schedules import PeriodicJob

JOBS = [
    PeriodicJob(
        name="guides: approve commissions after the return window",
        task="guides.tasks.approve_commissions_all_tenants_task",
        every=1,
        period="days",
        description="Every brand's pending commissions whose order completed return_window_days ago or more "
        "become approved (rules.md 4.5). Idempotent.",
    ),
]
