"""Retention by monthly cohort (issue 11 item 6).

A member's *cohort* is the month of their first purchase ever (`attribution.selectors.purchases`:
an order not cancelled and not B2C; months in the brand's time zone), not only of the window's. For
each cohort month of the window: its `size` (the members whose first purchase is in that month)
and, for each month offset 0, 1, ... up to the current month, how many of them bought in that
month (`members`) and `members / size` as `rate` (4 decimals, half up; None for an empty cohort).
Offset 0 is the cohort month itself: every member of the cohort bought then, so its rate is 1.

Set-based: one statement joining each member's cohort (a MIN per member) with the distinct months
they bought in, grouped by cohort and month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import DateField, F, Min
from django.db.models.functions import TruncMonth

from attribution.selectors.purchases import compiled, purchase_orders
from o2o.days import day_start
from o2o.models import Tenant

RATE_UNIT = Decimal("0.0001")


@dataclass(frozen=True)
class Months:
    """The cohort months of the report, both included (each the first day of its month), and the
    current month, the last one counted; in the brand's time zone."""

    first: dt.date
    last: dt.date
    current: dt.date
    zone: ZoneInfo

    def start_of(self, month: dt.date) -> dt.datetime:
        start = day_start(month, self.zone)
        assert start is not None
        return start


@dataclass(frozen=True)
class RetentionCell:
    offset: int
    month: dt.date
    members: int
    rate: Decimal | None


@dataclass(frozen=True)
class CohortRow:
    month: dt.date
    size: int
    cells: list[RetentionCell]


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def current_month(*, tenant: Tenant, today: dt.date | None = None) -> dt.date:
    return month_of(today or dt.datetime.now(ZoneInfo(tenant.timezone)).date())


def default_months(*, tenant: Tenant, today: dt.date | None = None) -> Months:
    """The last 12 months, the current one included."""
    current = current_month(tenant=tenant, today=today)
    return Months(first=add_months(current, -11), last=current, current=current, zone=ZoneInfo(tenant.timezone))


def retention(*, tenant: Tenant, months: Months) -> list[CohortRow]:
    """A row per cohort month from `months.first` to `months.last`, each with its cells for the
    offsets 0 to the current month. One query."""
    start = months.start_of(months.first)
    cohorts_end = months.start_of(add_months(months.last, 1))
    counted_end = months.start_of(add_months(months.current, 1))
    firsts = (
        purchase_orders(tenant=tenant)
        .values("member_id")
        .annotate(first_at=Min("created_at"))
        .filter(first_at__gte=start, first_at__lt=cohorts_end)
        .annotate(
            r_member=F("member_id"), r_cohort=TruncMonth("first_at", tzinfo=months.zone, output_field=DateField())
        )
        .values("r_member", "r_cohort")
    )
    active = (
        purchase_orders(tenant=tenant)
        .filter(created_at__gte=start, created_at__lt=counted_end)
        .annotate(
            r_member=F("member_id"), r_month=TruncMonth("created_at", tzinfo=months.zone, output_field=DateField())
        )
        .values("r_member", "r_month")
        .distinct()
    )
    firsts_sql, firsts_params = compiled(firsts)
    active_sql, active_params = compiled(active)
    sql = f"""
        WITH firsts AS ({firsts_sql}), active AS ({active_sql})
        SELECT f.r_cohort, a.r_month, COUNT(*)
        FROM firsts f JOIN active a ON a.r_member = f.r_member
        GROUP BY f.r_cohort, a.r_month
    """  # noqa: S608  (the sub-queries are the ORM's, every value a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*firsts_params, *active_params))
        counts = {(_month(cohort), _month(month)): count for cohort, month, count in cursor.fetchall()}
    rows = []
    for index in range(months_between(months.first, months.last) + 1):
        cohort = add_months(months.first, index)
        size = counts.get((cohort, cohort), 0)
        cells = []
        for offset in range(months_between(cohort, months.current) + 1):
            month = add_months(cohort, offset)
            members = counts.get((cohort, month), 0)
            cells.append(RetentionCell(offset=offset, month=month, members=members, rate=_rate(members, size)))
        rows.append(CohortRow(month=cohort, size=size, cells=cells))
    return rows


def _month(value: Any) -> dt.date:
    """A month as the database gives it: a date (PostgreSQL) or an ISO text (SQLite)."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return dt.date.fromisoformat(str(value)[:10]).replace(day=1)


def _rate(members: int, size: int) -> Decimal | None:
    if not size:
        return None
    return (Decimal(members) / Decimal(size)).quantize(RATE_UNIT, rounding=ROUND_HALF_UP)
