"""The reports as CSV and XLSX files (issue 11 item 6): the funnel, the repurchase cycle and the
retention by cohort, one row per report row, the column headers in the reader's language.

Numbers are exact: credits with their 12 decimals, money to the cent, rates with 4 decimals,
medians with 1; the CSV writes them as the API does, the XLSX as numbers. No cell runs as a formula
when the file is opened (`o2o.spreadsheets`: a campaign named `=HYPERLINK(...)` stays a text).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import tablib
from django.utils.translation import gettext as _

from attribution.selectors.reports import FunnelReport, RepurchaseReport, RetentionReport
from o2o import spreadsheets

CSV = "csv"
XLSX = "xlsx"
MEDIA_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _blank(value: Any) -> Any:
    return "" if value is None else value


def funnel_dataset(report: FunnelReport) -> tablib.Dataset:
    headers = [
        _("Key"),
        _("Label"),
        _("Visitors"),
        _("Bookings"),
        _("Visits"),
        _("Orders"),
        _("Revenue"),
        _("Online-to-store rate"),
        _("Cost"),
        _("Cost per visit"),
    ]
    dataset = tablib.Dataset(headers=headers, title=_("Funnel"))
    for row in report.rows:
        dataset.append(
            [
                _blank(row.key),
                row.label,
                row.visitors,
                row.bookings,
                row.visits,
                row.orders,
                row.revenue,
                _blank(row.online_to_store_rate),
                row.cost,
                _blank(row.cost_per_visit),
            ]
        )
    return dataset


def repurchase_dataset(report: RepurchaseReport) -> tablib.Dataset:
    headers = [
        _("Category"),
        _("Price band"),
        _("From price"),
        _("Up to price"),
        _("Members"),
        _("Purchases"),
        _("Intervals"),
        _("Median days"),
    ]
    dataset = tablib.Dataset(headers=headers, title=_("Repurchase"))
    for row in report.rows:
        dataset.append(
            [
                row.category,
                row.band.label,
                row.band.lower,
                _blank(row.band.upper),
                row.members,
                row.purchases,
                row.intervals,
                _blank(row.median_days),
            ]
        )
    return dataset


def retention_dataset(report: RetentionReport) -> tablib.Dataset:
    headers = [_("Cohort"), _("Size"), _("Months after"), _("Month"), _("Members"), _("Rate")]
    dataset = tablib.Dataset(headers=headers, title=_("Retention"))
    for row in report.rows:
        for cell in row.cells:
            dataset.append(
                [
                    row.month.strftime("%Y-%m"),
                    row.size,
                    cell.offset,
                    cell.month.strftime("%Y-%m"),
                    cell.members,
                    _blank(cell.rate),
                ]
            )
    return dataset


def _fixed(value: Any) -> Any:
    """A Decimal in fixed point with its decimals (`0E-12` is written 0.000000000000), as the API does."""
    return format(value, "f") if isinstance(value, Decimal) else value


def render(dataset: tablib.Dataset, file_format: str) -> bytes:
    """The file's bytes: CSV in UTF-8 with a BOM (so that Excel reads it), or XLSX (decimals as
    numbers)."""
    if file_format == XLSX:
        return bytes(spreadsheets.XLSX().export_data(dataset))
    fixed = tablib.Dataset(*[[_fixed(cell) for cell in row] for row in dataset], headers=dataset.headers)
    return ("\ufeff" + spreadsheets.CSV().export_data(fixed)).encode("utf-8")
