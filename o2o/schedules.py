"""Periodic jobs in django-celery-beat's database schedule, where HQ may change or pause them.

Each app declares its jobs as `PeriodicJob`s in `<app>/schedules.py` (`JOBS`). They are created when
missing, never overwritten (an interval HQ changed, a job HQ paused, stay as HQ left them), by the
app's migration and again after every `migrate` and `flush` (post_migrate), so a database restored
or flushed without them gets them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every: int
    period: str = "minutes"
    description: str = ""


def ensure_jobs(apps: Any, jobs: Iterable[PeriodicJob]) -> int:
    """Create the `jobs` that are missing (by name); `apps` is a migration's or the real registry.

    Returns how many were created; tells a running beat when any was.
    """
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    created = 0
    for job in jobs:
        if task_model.objects.filter(name=job.name).exists():
            continue
        interval = interval_model.objects.filter(every=job.every, period=job.period).order_by("pk").first()
        if interval is None:
            interval = interval_model.objects.create(every=job.every, period=job.period)
        task_model.objects.create(
            name=job.name,
            task=job.task,
            interval=interval,
            enabled=True,
            description=job.description,
            args="[]",
            kwargs="{}",
        )
        created += 1
    if created:
        # what PeriodicTask.save() does outside migrations: a running beat reloads the schedule
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()}
        )
    return created


def remove_jobs(apps: Any, jobs: Iterable[PeriodicJob]) -> None:
    """Delete the `jobs` (by name): what unapplying the migration that created them does."""
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[job.name for job in jobs]).delete()


def ensure_jobs_after_migrate(sender: Any, jobs: Iterable[PeriodicJob], **kwargs: Any) -> None:
    """post_migrate receiver body: the real registry, on the database just migrated or flushed."""
    from django.apps import apps

    if apps.is_installed("django_celery_beat"):
        ensure_jobs(apps, jobs)


# The sweep of the domain events (o2o.events; created by o2o's migration 0007)
EVENTS_SWEEP = PeriodicJob(
    name="platform: deliver domain events the after-commit path lost",
    task="o2o.events.tasks.sweep_events_all_tenants_task",
    every=1,
    description="Enqueues the event deliveries overdue (recorded with their change, but their enqueue lost in a "
    "broker outage or a process killed after the commit; a worker killed while running one), one sweep per "
    "active brand. Optional kwargs: deliveries_after_seconds.",
)

# The kernel's own periodic jobs (created by o2o's migrations 0002 and 0007, and after every migrate)
JOBS = [
    PeriodicJob(
        name="platform: purge old idempotency records",
        task="o2o.tasks.purge_idempotency_records_all_tenants_task",
        every=1,
        period="days",
        description="Responses kept for Idempotency-Key replays are deleted after O2O_IDEMPOTENCY_RETENTION_HOURS.",
    ),
    EVENTS_SWEEP,
]
