"""The periodic jobs of the members app (see o2o/schedules.py): the guides' binding expiry reminders."""

from o2o.schedules import PeriodicJob

JOBS = [
    PeriodicJob(
        name="members: remind guides of bindings ending",
        task="members.tasks.send_binding_reminders_all_tenants_task",
        every=1,
        period="days",
        description="Each guide is told, once a day, which of their customers' protection ends within 7 days.",
    ),
]
