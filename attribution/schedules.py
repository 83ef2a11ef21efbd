"""The periodic jobs of the attribution app (see o2o/schedules.py): the dashboards' snapshot and
the nightly recomputation of recent credits."""

from o2o.schedules import PeriodicJob

JOBS = [
    PeriodicJob(
        name="attribution: refresh the dashboards",
        task="attribution.tasks.refresh_dashboards_all_tenants_task",
        every=15,
        description="The figures of the HQ and store dashboards (funnel, rates, costs, model comparison) for the "
        "last 30 days, recomputed for every active brand and stored as a snapshot the pages read.",
    ),
    PeriodicJob(
        name="attribution: recompute recent credits",
        task="attribution.tasks.recompute_recent_credits_all_tenants_task",
        every=1,
        period="days",
        description="The credits of every brand's conversions of the last lookback_days + 1 days recomputed "
        "(late touchpoints, stitching, a changed lookback), then the dashboards refreshed. Idempotent.",
    ),
]
