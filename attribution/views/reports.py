"""HQ's reports pages (issue 11 item 6): the funnel with its controls (grouping, model, days), the
repurchase cycle by category and price band, retention by monthly cohort, and the price bands.
Each report page offers its CSV and XLSX files with the page's current parameters.

The reports are the API's (`attribution.selectors.reports`), read as the policies say
(`attribution.policies`). Under the pages' error boundary: a bad date or month is shown next to
its field, with a 400, never a 500 (`o2o.portals.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from attribution import exports, policies
from attribution.report_forms import FunnelForm, PriceBandForm, RepurchaseForm, RetentionForm
from attribution.selectors.price_bands import get_price_band, list_price_bands, report_bands
from attribution.selectors.reports import funnel_report, repurchase_report, retention_report
from attribution.selectors.retention import CohortRow, RetentionCell
from attribution.services import price_bands as band_services
from catalog.models import Category
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest

READERS = policies.COHORT_READERS  # the HQ pages; a manager reads their store's funnel by the API


def _categories(request: SignedInPortalRequest) -> Any:
    return Category.objects.filter(tenant=request.tenant).order_by("name", "pk")


def _query(request: SignedInPortalRequest) -> str:
    """The page's parameters, for its download links (the page number dropped)."""
    query = QueryDict(mutable=True)
    for key in ("group_by", "model", "from", "to", "category"):
        if request.GET.get(key):
            query[key] = request.GET[key]
    return query.urlencode()


def _page(request: SignedInPortalRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, {"portal": "hq", "query": _query(request), **context})


def _file(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.MEDIA_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


# --- the funnel ----------------------------------------------------------------------------------


def _funnel(request: SignedInPortalRequest) -> tuple[FunnelForm, Any]:
    form = FunnelForm(request.GET)
    validated(form)
    first, last = form.days()
    report = funnel_report(
        tenant=request.tenant,
        stores=policies.funnel_stores(request.actor),
        group_by=form.cleaned_data["group_by"] or "campaign",
        model=form.cleaned_data["model"] or None,
        first=first,
        last=last,
    )
    return form, report


def _funnel_refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    """The page again with the controls as typed, the error next to its field, no table."""
    form = FunnelForm(request.GET)
    show_error(form, error)
    return _page(request, "hq/reports/funnel.html", form=form, report=None, error=error)


@portal_page(*READERS, on_error=_funnel_refused)
def hq_reports(request: SignedInPortalRequest) -> HttpResponse:
    """The O2O funnel as a table, grouped and modelled as chosen, in the days chosen."""
    form, report = _funnel(request)
    return _page(request, "hq/reports/funnel.html", form=form, report=report, error=None)


@portal_page(*READERS)
def hq_funnel_export(request: SignedInPortalRequest, file_format: str) -> HttpResponse:
    """The funnel of the page's parameters as CSV or XLSX."""
    _, report = _funnel(request)
    name = f"funnel-{report.group_by}-{report.model}-{report.window.first}-{report.window.last}"
    return _file(exports.render(exports.funnel_dataset(report), file_format), file_format, name)


# --- the repurchase cycle ------------------------------------------------------------------------


def _repurchase(request: SignedInPortalRequest) -> tuple[RepurchaseForm, Any]:
    policies.authorize_cohort_reports(request.actor)
    form = RepurchaseForm(request.GET, categories=_categories(request))
    validated(form)
    first, last = form.days()
    category = form.cleaned_data.get("category")
    report = repurchase_report(
        tenant=request.tenant, first=first, last=last, category_id=category.pk if category else None
    )
    return form, report


def _repurchase_refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    if error.status_code == 403:
        return error_page(request, error)
    form = RepurchaseForm(request.GET, categories=_categories(request))
    show_error(form, error)
    return _page(request, "hq/reports/repurchase.html", form=form, report=None, error=error)


@portal_page(*READERS, on_error=_repurchase_refused)
def hq_report_repurchase(request: SignedInPortalRequest) -> HttpResponse:
    """The median days between a member's purchases, by category and price band."""
    form, report = _repurchase(request)
    return _page(request, "hq/reports/repurchase.html", form=form, report=report, error=None)


@portal_page(*READERS)
def hq_repurchase_export(request: SignedInPortalRequest, file_format: str) -> HttpResponse:
    """The repurchase cycle of the page's parameters as CSV or XLSX."""
    _, report = _repurchase(request)
    name = f"repurchase-{report.window.first}-{report.window.last}"
    return _file(exports.render(exports.repurchase_dataset(report), file_format), file_format, name)


# --- retention -----------------------------------------------------------------------------------


def _retention(request: SignedInPortalRequest) -> tuple[RetentionForm, Any]:
    policies.authorize_cohort_reports(request.actor)
    form = RetentionForm(request.GET)
    validated(form)
    first, last = form.months()
    return form, retention_report(tenant=request.tenant, first=first, last=last)


def _retention_refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    if error.status_code == 403:
        return error_page(request, error)
    form = RetentionForm(request.GET)
    show_error(form, error)
    return _page(request, "hq/reports/retention.html", form=form, report=None, rows=[], width=range(0), error=error)


@portal_page(*READERS, on_error=_retention_refused)
def hq_report_retention(request: SignedInPortalRequest) -> HttpResponse:
    """The cohort table: each month's newcomers and the share of them who bought each month after."""
    form, report = _retention(request)
    width = max((len(row.cells) for row in report.rows), default=0)
    rows = [ShadedRow(cohort=row, cells=[_shaded(cell) for cell in row.cells]) for row in report.rows]
    context = {"form": form, "report": report, "rows": rows, "width": range(width), "error": None}
    return _page(request, "hq/reports/retention.html", **context)


@dataclass(frozen=True)
class ShadedCell:
    cell: RetentionCell
    shade: int  # 0 (none bought again) to 10 (all did): the CSS class shade-N
    percent: Decimal | None


@dataclass(frozen=True)
class ShadedRow:
    cohort: CohortRow
    cells: list[ShadedCell]


def _shaded(cell: RetentionCell) -> ShadedCell:
    if cell.rate is None:
        return ShadedCell(cell=cell, shade=0, percent=None)
    shade = int((cell.rate * 10).to_integral_value(rounding=ROUND_HALF_UP))
    return ShadedCell(cell=cell, shade=shade, percent=(cell.rate * 100).quantize(Decimal("0.1")))


@portal_page(*READERS)
def hq_retention_export(request: SignedInPortalRequest, file_format: str) -> HttpResponse:
    """Retention of the page's parameters as CSV or XLSX."""
    _, report = _retention(request)
    name = f"retention-{report.months.first:%Y-%m}-{report.months.last:%Y-%m}"
    return _file(exports.render(exports.retention_dataset(report), file_format), file_format, name)


# --- price bands ---------------------------------------------------------------------------------


def _bands_page(request: SignedInPortalRequest, form: PriceBandForm, error: AppError | None = None) -> HttpResponse:
    context = {
        "bands": list(list_price_bands(tenant=request.tenant)),
        "shown": report_bands(tenant=request.tenant),
        "form": form,
        "error": error,
    }
    return render(request, "hq/reports/price_bands.html", {"portal": "hq", **context})


def _band_refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    if isinstance(error, NotFound) or error.status_code == 403:
        return error_page(request, error)
    form = PriceBandForm(request.POST)
    show_error(form, error)
    return _bands_page(request, form, error)


@portal_page(*READERS, on_error=_band_refused)
def hq_price_bands(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's price bands, and (POST) a new one."""
    policies.authorize_price_bands(request.actor)
    if request.method != "POST":
        return _bands_page(request, PriceBandForm())
    form = PriceBandForm(request.POST)
    validated(form)
    band = band_services.create_price_band(tenant=request.tenant, data=form.data_input())
    messages.success(request, _("Price band from %(lower)s saved.") % {"lower": band.lower_bound})
    return redirect("hq-price-bands")


@portal_page(*READERS, on_error=_band_refused)
def hq_price_band_delete(request: SignedInPortalRequest, band_id: int) -> HttpResponse:
    """POST: delete a band, then the bands."""
    policies.authorize_price_bands(request.actor)
    band = get_price_band(tenant=request.tenant, band_id=band_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    band_services.delete_price_band(tenant=request.tenant, band=band)
    messages.success(request, _("Price band from %(lower)s deleted.") % {"lower": band.lower_bound})
    return redirect("hq-price-bands")


hq_price_band_delete.resource_model = band_services.PriceBand  # type: ignore[attr-defined]
