"""The repurchase cycle (issue 11 item 6): per category and price band, how many days pass between
a member's consecutive purchases of that category in that band.

Definitions, exactly:
- a *purchase* is a day on which a member bought the category in the band: the lines of purchase
  orders (`attribution.selectors.purchases`: not cancelled, not B2C) placed in the window, each
  line's band by its unit price (`attribution.selectors.price_bands.report_bands`), its day the
  order's creation day in the brand's time zone; several lines (or orders) of the same member,
  category and band on one day are one purchase;
- an *interval* is the number of days from one of a member's purchases to their next in the same
  category and band, both in the window (a member with k purchases gives k - 1 intervals);
- the *median* of a category and band's intervals: the middle one when their number is odd; when
  it is even, the mean of the two middle ones, which is a whole number or a half: it is given in
  days with one decimal (`Decimal("12.5")`), exactly; None when there is no interval;
- `members` is the number of members with a purchase, `purchases` and `intervals` their counts.

Set-based: one statement. The purchases come from the ORM (the band a CASE over the brand's bounds,
the day `TruncDate` in the brand's zone), the intervals from `LAG` over member, category and band
ordered by day. The median is `percentile_cont(0.5)` on PostgreSQL, and on SQLite (the embedded
default) the same number from `ROW_NUMBER` and `COUNT` over each category and band (the mean of
the rows ranked (n + 1) / 2 and (n + 2) / 2 in integer division). Both are valid on PostgreSQL:
tests/attribution/test_repurchase.py checks they agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import TruncDate

from attribution.selectors.funnel import Window
from attribution.selectors.price_bands import Band, report_bands
from attribution.selectors.purchases import compiled, purchase_lines
from catalog.models import Category
from o2o.models import Tenant

DAY_UNIT = Decimal("0.1")
PERCENTILE = "percentile"
PORTABLE = "portable"


@dataclass(frozen=True)
class RepurchaseRow:
    category_id: int
    category: str
    band: Band
    members: int
    purchases: int
    intervals: int
    median_days: Decimal | None


def default_window(*, tenant: Tenant, today: dt.date | None = None) -> Window:
    """The last 365 days, today included, in the brand's time zone."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tenant.timezone)
    today = today or dt.datetime.now(zone).date()
    return Window(first=today - dt.timedelta(days=364), last=today, zone=zone)


def repurchase(
    *,
    tenant: Tenant,
    window: Window,
    category_id: int | None = None,
    bands: list[Band] | None = None,
    median: str | None = None,
) -> list[RepurchaseRow]:
    """The repurchase rows of `tenant` in `window` (of one category when `category_id` is given),
    sorted by category name then band, lowest first; only categories and bands with a purchase.
    `median` forces PERCENTILE (PostgreSQL only) or PORTABLE; by default the backend's own.
    Queries: the bands (unless given), the statement, the categories' names."""
    bands = bands if bands is not None else report_bands(tenant=tenant)
    median = median or (PERCENTILE if connection.vendor == "postgresql" else PORTABLE)
    purchases_sql, params = compiled(_purchases(tenant=tenant, window=window, category_id=category_id, bands=bands))
    with connection.cursor() as cursor:
        cursor.execute(_statement(purchases_sql, median), params)
        found = cursor.fetchall()
    if not found:
        return []
    names = dict(Category.objects.filter(tenant=tenant, pk__in={row[0] for row in found}).values_list("pk", "name"))
    rows = [
        RepurchaseRow(
            category_id=category,
            category=names.get(category, str(category)),
            band=bands[band],
            members=members,
            purchases=purchases,
            intervals=intervals,
            median_days=_median(middle, count, intervals),
        )
        for category, band, members, purchases, intervals, middle, count in found
    ]
    return sorted(rows, key=lambda row: (row.category, row.category_id, row.band.index))


def _purchases(*, tenant: Tenant, window: Window, category_id: int | None, bands: list[Band]) -> Any:
    lines = purchase_lines(tenant=tenant).filter(order__created_at__gte=window.start, order__created_at__lt=window.end)
    if category_id is not None:
        lines = lines.filter(sku__product__category_id=category_id)
    # the highest band whose bound the price reaches; the lowest band takes the prices below it too
    band = Case(
        *[When(unit_price__gte=b.lower, then=Value(b.index)) for b in reversed(bands[1:])],
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        lines.annotate(
            p_member=F("order__member_id"),
            p_category=F("sku__product__category_id"),
            p_band=band,
            p_day=TruncDate("order__created_at", tzinfo=window.zone),
        )
        .values("p_member", "p_category", "p_band", "p_day")
        .distinct()
    )


def _statement(purchases_sql: str, median: str) -> str:
    # whole days: date - date on PostgreSQL; on SQLite the days are ISO texts
    gap = "p_day - prev" if connection.vendor == "postgresql" else "CAST(julianday(p_day) - julianday(prev) AS INTEGER)"
    head = f"""
        WITH purchases AS ({purchases_sql}),
        gaps AS (
            SELECT p_category, p_band, p_member, {gap} AS gap
            FROM (
                SELECT p_category, p_band, p_member, p_day,
                       LAG(p_day) OVER (PARTITION BY p_member, p_category, p_band ORDER BY p_day) AS prev
                FROM purchases
            ) ordered
        )
    """  # noqa: S608  (the sub-query is the ORM's, every value a parameter)
    if median == PERCENTILE:
        return (
            head  # noqa: S608  (constant SQL after the ORM's sub-query)
            + """
        SELECT p_category, p_band, COUNT(DISTINCT p_member), COUNT(*), COUNT(gap),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY gap), NULL
        FROM gaps GROUP BY p_category, p_band
        """
        )
    return (
        head  # noqa: S608  (constant SQL after the ORM's sub-query)
        + """,
        ranked AS (
            SELECT p_category, p_band, gap,
                   ROW_NUMBER() OVER (PARTITION BY p_category, p_band ORDER BY gap) AS rn,
                   COUNT(*) OVER (PARTITION BY p_category, p_band) AS n
            FROM gaps WHERE gap IS NOT NULL
        ),
        middles AS (
            SELECT p_category, p_band, SUM(gap) AS middle_sum, COUNT(*) AS middle_count
            FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
            GROUP BY p_category, p_band
        ),
        counts AS (
            SELECT p_category, p_band, COUNT(DISTINCT p_member) AS members, COUNT(*) AS purchases,
                   COUNT(gap) AS intervals
            FROM gaps GROUP BY p_category, p_band
        )
        SELECT c.p_category, c.p_band, c.members, c.purchases, c.intervals, m.middle_sum, m.middle_count
        FROM counts c LEFT JOIN middles m ON m.p_category = c.p_category AND m.p_band = c.p_band
        """
    )


def _median(middle: Any, count: Any, intervals: int) -> Decimal | None:
    """The median in days with one decimal: percentile_cont's value (count None), or the sum of
    the one or two middle intervals over their count."""
    if not intervals or middle is None:
        return None
    exact = Decimal(str(middle)) if count is None else Decimal(int(middle)) / Decimal(int(count))
    return exact.quantize(DAY_UNIT, rounding=ROUND_HALF_UP)
