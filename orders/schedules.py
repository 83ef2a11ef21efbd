"""The periodic jobs of the orders app (see o2o/schedules.py)."""

from o2o.schedules import PeriodicJob

JOBS = [
    PeriodicJob(
        name="orders: re-route orders not accepted in time",
        task="orders.tasks.sweep_all_tenants_task",
        every=1,
        description="The accept deadline (rules.md 1.6): re-routes every "
        "routed order past its accept deadline, one sweep per active brand.",
    ),
]
