"""The three reports as the API and the HQ pages ask for them: the parameters checked (a bad one
is InvalidInput, a 400 naming its field), the defaults filled in, the rows computed. Who may read
which is the caller's to ask first (`attribution.policies`: `funnel_stores`,
`authorize_cohort_reports`).

- funnel: days `first`..`last` (default the last 30; at most MAX_FUNNEL_DAYS), a grouping, a model;
- repurchase: days (default the last 365; at most MAX_REPURCHASE_DAYS), optionally a category;
- retention: months (default the last 12; at most MAX_MONTHS; none after the current one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from attribution.selectors import repurchase as repurchase_selectors
from attribution.selectors import retention as retention_selectors
from attribution.selectors.funnel import GROUPS, MARKOV, FunnelRow, Window, default_window, funnel
from attribution.selectors.repurchase import RepurchaseRow
from attribution.selectors.retention import CohortRow, Months
from catalog.models import Category
from o2o.errors import InvalidInput
from o2o.models import Tenant

MAX_FUNNEL_DAYS = 366
MAX_REPURCHASE_DAYS = 3 * 366
MAX_MONTHS = 60
FUNNEL_DEFAULT_DAYS = 30


@dataclass(frozen=True)
class FunnelReport:
    group_by: str
    model: str
    window: Window
    rows: list[FunnelRow]


@dataclass(frozen=True)
class RepurchaseReport:
    window: Window
    category_id: int | None
    rows: list[RepurchaseRow]


@dataclass(frozen=True)
class RetentionReport:
    months: Months
    rows: list[CohortRow]


def _check_days(first: dt.date, last: dt.date, most: int) -> None:
    if last < first:
        raise InvalidInput("to", _("The last day must not be before the first."))
    if (last - first).days >= most:
        raise InvalidInput("from", _("A report covers at most %(days)s days.") % {"days": most})


def funnel_window(*, tenant: Tenant, first: dt.date | None, last: dt.date | None) -> Window:
    """The days asked for; a missing end is 29 days after the start (today at the latest), a
    missing start 29 days before the end; neither: the last 30 days."""
    default = default_window(tenant=tenant)
    span = dt.timedelta(days=FUNNEL_DEFAULT_DAYS - 1)
    if first is None and last is None:
        return default
    if first is None:
        assert last is not None
        first = last - span
    if last is None:
        last = max(first, min(first + span, default.last))
    _check_days(first, last, MAX_FUNNEL_DAYS)
    return Window(first=first, last=last, zone=ZoneInfo(tenant.timezone))


def funnel_report(
    *,
    tenant: Tenant,
    stores: set[int] | None,
    group_by: str = "campaign",
    model: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> FunnelReport:
    """The funnel of the brand (`stores` None) or of a manager's store (`stores` its id; an empty
    set: no rows). `model` defaults to the brand's. Raises InvalidInput naming `group_by`, `to`,
    `from` or `model` (markov is HQ's, by campaign or channel)."""
    if group_by not in GROUPS:
        raise InvalidInput("group_by", _("Choose one of the groupings."))
    model = model or tenant.attribution_model
    window = funnel_window(tenant=tenant, first=first, last=last)
    if stores == set():  # a manager's role without a post: nothing of theirs
        return FunnelReport(group_by=group_by, model=model, window=window, rows=[])
    store_id = min(stores) if stores else None
    if model == MARKOV and store_id is not None:
        raise InvalidInput("model", _("The Markov model is the brand's, read by HQ."))
    if model == MARKOV and group_by not in ("campaign", "channel"):
        raise InvalidInput("model", _("The Markov model groups by campaign or channel."))
    rows = funnel(tenant=tenant, group_by=group_by, window=window, model=model, store_id=store_id)
    return FunnelReport(group_by=group_by, model=model, window=window, rows=rows)


def repurchase_report(
    *, tenant: Tenant, first: dt.date | None = None, last: dt.date | None = None, category_id: int | None = None
) -> RepurchaseReport:
    """The repurchase cycle (attribution.selectors.repurchase) in the days asked for: a missing
    end is today (or 364 days after the start, if sooner), a missing start 364 days before the end.
    Raises InvalidInput naming `to`, `from` or `category` (not one of the brand's)."""
    default = repurchase_selectors.default_window(tenant=tenant)
    span = default.last - default.first
    if first is None and last is None:
        window = default
    else:
        if last is None:
            assert first is not None
            last = max(first, min(default.last, first + span))
        if first is None:
            first = last - span
        _check_days(first, last, MAX_REPURCHASE_DAYS)
        window = Window(first=first, last=last, zone=default.zone)
    if category_id is not None and not Category.objects.filter(tenant=tenant, pk=category_id).exists():
        raise InvalidInput("category", _("No such category."))
    rows = repurchase_selectors.repurchase(tenant=tenant, window=window, category_id=category_id)
    return RepurchaseReport(window=window, category_id=category_id, rows=rows)


def retention_report(*, tenant: Tenant, first: dt.date | None = None, last: dt.date | None = None) -> RetentionReport:
    """Retention by monthly cohort (attribution.selectors.retention) for the cohort months asked
    for (any day of a month names it): a missing end is the current month, a missing start 11 months
    before the end. Raises InvalidInput naming `from` or `to` (after the current month, before the
    start, more than MAX_MONTHS months)."""
    default = retention_selectors.default_months(tenant=tenant)
    current = default.current
    last_month = retention_selectors.month_of(last) if last is not None else current
    first_month = retention_selectors.month_of(first) if first is not None else None
    if first_month is not None and first_month > current:
        raise InvalidInput("from", _("The first month must not be after the current month."))
    if last_month > current:
        raise InvalidInput("to", _("The last month must not be after the current month."))
    if first_month is None:
        first_month = retention_selectors.add_months(last_month, -11)
    if last_month < first_month:
        raise InvalidInput("to", _("The last month must not be before the first."))
    if retention_selectors.months_between(first_month, last_month) >= MAX_MONTHS:
        raise InvalidInput("from", _("A report covers at most %(months)s months.") % {"months": MAX_MONTHS})
    months = Months(first=first_month, last=last_month, current=current, zone=default.zone)
    return RetentionReport(months=months, rows=retention_selectors.retention(tenant=tenant, months=months))
