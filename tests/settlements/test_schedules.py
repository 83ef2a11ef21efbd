"""Scheduled settlements: each brand's task in beat follows the frequency HQ sets through the
settings API, and settles the period just ended on the brand's clock."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django_celery_beat.models import PeriodicTask

from o2o.tenancy import tenant_scope
from settlements.models import SettlementRun
from settlements.schedules import SYNC_JOB, sync_settlement_schedules, task_name
from settlements.services.runs import start_run
from settlements.services.schedule import natural_period, period_to_settle
from settlements.tasks import settle_period_just_ended_task

pytestmark = pytest.mark.django_db


def crontab_of(tenant) -> tuple[str, str, str, str, str]:
    c = PeriodicTask.objects.get(name=task_name(tenant.pk)).crontab
    return (c.minute, c.hour, c.day_of_month, c.day_of_week, str(c.timezone))


def test_hq_changes_the_frequency_and_the_brands_task_follows(api, hq_admin, tenant):
    assert PeriodicTask.objects.filter(name=SYNC_JOB.name, enabled=True).exists()
    # given the brand's task created at its default, monthly on its clock
    assert sync_settlement_schedules() >= 1
    assert crontab_of(tenant) == ("30", "0", "1", "*", "Asia/Shanghai")
    job = PeriodicTask.objects.get(name=task_name(tenant.pk))
    assert (job.task, json.loads(job.kwargs)) == (
        "settlements.tasks.settle_period_just_ended_task",
        {"tenant_id": tenant.pk},
    )
    assert sync_settlement_schedules() == 0  # nothing changed, nothing written
    # when HQ makes it weekly through the settings API
    response = api(hq_admin, tenant).patch("/api/v1/settings/", {"settlement_frequency": "weekly"}, format="json")
    assert response.status_code == 200
    assert sync_settlement_schedules() == 1
    # then the task fires on Mondays at 00:30 on the brand's clock
    assert crontab_of(tenant) == ("30", "0", "*", "1", "Asia/Shanghai")


def test_the_period_just_ended_on_the_brands_clock():
    today = dt.date(2025, 6, 4)  # a Wednesday
    assert natural_period("monthly", today) == (dt.date(2025, 5, 1), dt.date(2025, 6, 1))
    assert natural_period("weekly", today) == (dt.date(2025, 5, 26), dt.date(2025, 6, 2))
    assert natural_period("daily", today) == (dt.date(2025, 6, 3), dt.date(2025, 6, 4))
    assert natural_period("monthly", dt.date(2025, 1, 1)) == (dt.date(2024, 12, 1), dt.date(2025, 1, 1))


def test_the_fired_task_settles_the_month_just_ended_once_and_from_where_the_last_run_stopped(tenant):
    # 2025-06-30 17:00 UTC is 1 July 01:00 in Shanghai: June has just ended there
    now = dt.datetime(2025, 6, 30, 17, 0, tzinfo=dt.UTC)
    with tenant_scope(tenant):
        assert period_to_settle(tenant=tenant, now=now) == (dt.date(2025, 6, 1), dt.date(2025, 7, 1))
        start_run(tenant=tenant, period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 6, 15))
        # a run settled by hand up to the 15th: the scheduled one starts there (no overlap, no gap)
        assert period_to_settle(tenant=tenant, now=now) == (dt.date(2025, 6, 15), dt.date(2025, 7, 1))
    # when beat fires the brand's task (now, on the real clock), twice
    first = settle_period_just_ended_task.apply(kwargs={"tenant_id": tenant.pk}).get()
    again = settle_period_just_ended_task.apply(kwargs={"tenant_id": tenant.pk}).get()
    # then one run, from where the last one stopped to the start of this month on the brand's clock
    this_month = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().replace(day=1)
    with tenant_scope(tenant):
        run = SettlementRun.objects.get(pk=first)
        assert (run.period_start, run.period_end, run.dry_run) == (dt.date(2025, 6, 15), this_month, False)
        assert again is None  # the period just ended is settled already
        assert SettlementRun.objects.count() == 2
