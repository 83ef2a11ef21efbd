"""Which period a scheduled settlement settles (settlements.schedules)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from o2o.choices import SettlementFrequency
from o2o.models import Tenant
from settlements.models import SettlementRun


def natural_period(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `frequency` that ended last before `today` (end excluded): yesterday, the
    last whole week (Monday to Sunday), the last whole month."""
    if frequency == SettlementFrequency.DAILY:
        return today - dt.timedelta(days=1), today
    if frequency == SettlementFrequency.WEEKLY:
        end = today - dt.timedelta(days=today.weekday())
        return end - dt.timedelta(days=7), end
    end = today.replace(day=1)
    return (end - dt.timedelta(days=1)).replace(day=1), end


def period_to_settle(*, tenant: Tenant, now: dt.datetime | None = None) -> tuple[dt.date, dt.date] | None:
    """The period a scheduled run settles now: the brand's period just ended on its clock, started
    where its last real run stopped when that is later or earlier (no gap, no overlap after HQ
    changed the frequency); None when that period is settled already."""
    today = (now or timezone.now()).astimezone(ZoneInfo(tenant.timezone)).date()
    start, end = natural_period(tenant.settlement_frequency, today)
    last_end = (
        SettlementRun.objects.filter(tenant=tenant, dry_run=False, period_end__lte=end)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if last_end is not None:
        start = last_end
    if start >= end:
        return None
    return start, end
