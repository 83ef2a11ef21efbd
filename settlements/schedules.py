"""When each brand is settled (issue 13, item 3): a periodic task per brand in django-celery-beat's
database schedule, following the brand's `settlement_frequency` (HQ edits it through
`PATCH /api/v1/settings/`).

The kernel cannot import settlements, so settlements follows the settings rather than being told:
the job `SYNC_JOB` (every 5 minutes) runs `sync_settlement_schedules`, which makes each active
brand's task match its frequency and time zone, and disables the tasks of inactive brands. It only
writes what changed (a running beat reloads its schedule on a write), so a change HQ makes is in
the schedule within 5 minutes, and the schedule is never older than that.

Each brand's task fires `settlements.tasks.settle_period_just_ended_task` at 00:30 on the brand's
clock: on the 1st of the month (monthly, the default), on Mondays (weekly), or every day (daily).
The period it settles is the one just ended, from where the brand's last real run stopped
(`settlements.services.schedule.period_to_settle`).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from o2o.choices import SettlementFrequency
from o2o.models import Tenant
from o2o.schedules import PeriodicJob

TASK = "settlements.tasks.settle_period_just_ended_task"
NAME = "settlements: settle brand {tenant_id}"

# minute, hour, day of month, day of week on the brand's clock
CRONTABS: dict[str, dict[str, str]] = {
    SettlementFrequency.MONTHLY: {"minute": "30", "hour": "0", "day_of_month": "1", "day_of_week": "*"},
    SettlementFrequency.WEEKLY: {"minute": "30", "hour": "0", "day_of_month": "*", "day_of_week": "1"},
    SettlementFrequency.DAILY: {"minute": "30", "hour": "0", "day_of_month": "*", "day_of_week": "*"},
}

SYNC_JOB = PeriodicJob(
    name="settlements: follow the brands' settlement frequencies",
    task="settlements.tasks.sync_settlement_schedules_task",
    every=5,
    description="Makes each active brand's settlement task ('settlements: settle brand <id>') match the "
    "settlement frequency and time zone HQ set in the brand's settings; disables inactive brands' tasks.",
)
JOBS = [SYNC_JOB]


def task_name(tenant_id: int) -> str:
    return NAME.format(tenant_id=tenant_id)


@transaction.atomic
def sync_settlement_schedules() -> int:
    """Make every brand's settlement task match its frequency and time zone (creating it when
    missing); disable the tasks of inactive brands. Returns how many tasks were written."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    brands = list(Tenant.objects.order_by("pk").values_list("pk", "is_active", "settlement_frequency", "timezone"))
    existing = {
        job.name: job for job in PeriodicTask.objects.filter(task=TASK).select_related("crontab").order_by("pk")
    }
    written = 0
    for tenant_id, is_active, frequency, zone in brands:
        job = existing.get(task_name(tenant_id))
        wanted: dict[str, Any] = {**CRONTABS[frequency], "month_of_year": "*"}
        crontab = job.crontab if job is not None else None
        same = (
            crontab is not None
            and str(crontab.timezone) == zone
            and all(getattr(crontab, key) == value for key, value in wanted.items())
        )
        if job is not None and same and job.enabled == bool(is_active):
            continue
        if job is None and not is_active:
            continue
        crontab = CrontabSchedule.objects.filter(**wanted, timezone=zone).order_by("pk").first()
        if crontab is None:
            crontab = CrontabSchedule.objects.create(**wanted, timezone=zone)
        PeriodicTask.objects.update_or_create(
            name=task_name(tenant_id),
            defaults={
                "task": TASK,
                "crontab": crontab,
                "interval": None,
                "enabled": bool(is_active),
                "kwargs": json.dumps({"tenant_id": tenant_id}),
                "description": f"Settles the period just ended ({frequency}) of brand {tenant_id}.",
            },
        )
        written += 1
    return written
