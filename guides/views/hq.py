"""HQ's commission pages (issue 12 item 7).

- `/hq/commission-rules/`: the brand's default rate (a setting: read here) and the rules by store,
  category or both, each with its rate, since when, and its history; add a rule, change a rule's
  rate (a new version from now: commissions keep the rate in force when their order completed),
  end a rule (`guides.services.rules`). Ended rules are listed under, with their history.
- `/hq/commissions/`: the brand's commissions with the API's filters (status, store, guide, month
  the order completed in) and their totals, 50 a page, and the filtered list as CSV or XLSX (the
  API's file: `guides.api.commissions.commissions_dataset`).

Under the pages' error boundary: a refused form is shown again next to its field, nothing saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from attribution import exports
from catalog.models import Category
from guides import policies
from guides.api.commissions import commissions_dataset
from guides.forms_manage import CommissionFilterForm, RateForm, RuleForm
from guides.models import CommissionRule
from guides.selectors.commissions import list_commissions
from guides.selectors.rules import get_rule, list_rules
from guides.services import rules as rule_services
from o2o.errors import AppError, NotFound
from o2o.money import round_money
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores.choices import StaffRole
from stores.models import Store, StoreStaff

EDITORS = policies.RULE_EDITORS
PAGE_SIZE = 50
ZERO = Decimal("0.00")


def _stores(request: SignedInPortalRequest) -> list[tuple[int, str]]:
    stores = Store.objects.filter(tenant=request.tenant).order_by("code", "pk").values_list("pk", "code", "name")
    return [(pk, f"{code} {name}") for pk, code, name in stores]


def _categories(request: SignedInPortalRequest) -> list[tuple[int, str]]:
    return list(Category.objects.filter(tenant=request.tenant).order_by("name", "pk").values_list("pk", "name"))


# --- commission rules ----------------------------------------------------------------------------


def _rules_page(
    request: SignedInPortalRequest,
    *,
    form: RuleForm | None = None,
    rate_forms: dict[int, RateForm] | None = None,
    error: AppError | None = None,
) -> HttpResponse:
    tenant = request.tenant
    rules = list(list_rules(tenant=tenant, include_ended=True).select_related("store", "category"))
    rate_forms = rate_forms or {}
    in_force = [(rule, rate_forms.get(rule.pk) or RateForm()) for rule in rules if rule.ended_at is None]
    context: dict[str, Any] = {
        "portal": "hq",
        "default_rate": tenant.default_commission_rate,
        "in_force": in_force,
        "ended": [rule for rule in rules if rule.ended_at is not None],
        "form": form or RuleForm(stores=_stores(request), categories=_categories(request)),
        "error": error,
    }
    status = error.status_code if error is not None else 200
    return render(request, "hq/guides/rules.html", context, status=status)


@portal_page(*EDITORS)
def hq_commission_rules(request: SignedInPortalRequest) -> HttpResponse:
    """The default rate, the rules in force with their history, the ended ones, the form adding one."""
    return _rules_page(request)


def _rule_refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    if isinstance(error, NotFound) or error.status_code == 403:
        return error_page(request, error)
    form = RuleForm(request.POST, stores=_stores(request), categories=_categories(request))
    show_error(form, error)
    return _rules_page(request, form=form, error=error)


@portal_page(*EDITORS, on_error=_rule_refused)
def hq_commission_rule_new(request: SignedInPortalRequest) -> HttpResponse:
    """POST: a new rule in force from now (`create_rule`), then the rules page (GET: the page)."""
    if request.method != "POST":
        return _rules_page(request)
    form = RuleForm(request.POST, stores=_stores(request), categories=_categories(request))
    values = validated(form)
    rule_services.create_rule(
        tenant=request.tenant,
        store_id=values["store"],
        category_id=values["category"],
        rate=values["rate"],
        by=request.user,
    )
    messages.success(request, _("Rule added at %(rate)s.") % {"rate": values["rate"]})
    return redirect("hq-commission-rules")


def _rate_refused(request: SignedInPortalRequest, error: AppError, rule_id: int) -> HttpResponse:
    if isinstance(error, NotFound) or error.status_code == 403:
        return error_page(request, error)
    form = RateForm(request.POST)
    show_error(form, error)
    return _rules_page(request, rate_forms={rule_id: form}, error=error)


@portal_page(*EDITORS, on_error=_rate_refused)
def hq_commission_rule_rate(request: SignedInPortalRequest, rule_id: int) -> HttpResponse:
    """POST: the rule's rate from now on (`change_rate`: a new version, the old one kept)."""
    rule = get_rule(tenant=request.tenant, rule_id=rule_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    values = validated(RateForm(request.POST))
    rule_services.change_rate(tenant=request.tenant, rule=rule, rate=values["rate"], by=request.user)
    messages.success(request, _("Rule %(id)s now pays %(rate)s.") % {"id": rule.pk, "rate": values["rate"]})
    return redirect("hq-commission-rules")


hq_commission_rule_rate.resource_model = CommissionRule  # type: ignore[attr-defined]


@portal_page(*EDITORS)
def hq_commission_rule_end(request: SignedInPortalRequest, rule_id: int) -> HttpResponse:
    """POST: the rule stops now (`end_rule`; its history kept)."""
    rule = get_rule(tenant=request.tenant, rule_id=rule_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rule_services.end_rule(tenant=request.tenant, rule=rule)
    messages.success(request, _("Rule %(id)s ended.") % {"id": rule.pk})
    return redirect("hq-commission-rules")


hq_commission_rule_end.resource_model = CommissionRule  # type: ignore[attr-defined]


# --- commissions ---------------------------------------------------------------------------------


def _guides(request: SignedInPortalRequest) -> list[tuple[int, str]]:
    posts = (
        StoreStaff.objects.filter(tenant=request.tenant, role=StaffRole.GUIDE)
        .order_by("store__code", "pk")
        .values_list("pk", "store__code", "user__name", "user__username")
    )
    return [(pk, f"{code} {name or username}") for pk, code, name, username in posts]


def _filtered(request: SignedInPortalRequest) -> tuple[CommissionFilterForm, Any]:
    form = CommissionFilterForm(request.GET, stores=_stores(request), guides=_guides(request))
    values = validated(form)
    del values  # the form's filters, as strings, are the selector's
    rows = list_commissions(tenant=request.tenant, actor=request.actor, filters=form.filters())
    return form, rows


def _query(request: SignedInPortalRequest) -> str:
    query = QueryDict(mutable=True)
    for key in ("status", "store", "guide", "period"):
        if request.GET.get(key):
            query[key] = request.GET[key]
    return query.urlencode()


def _commissions_refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    form = CommissionFilterForm(request.GET, stores=_stores(request), guides=_guides(request))
    show_error(form, error, fields={"period": "period"})
    context = {"portal": "hq", "form": form, "page": None, "error": error, "query": ""}
    return render(request, "hq/guides/commissions.html", context, status=error.status_code)


@portal_page(*policies.COMMISSION_EXPORTERS, on_error=_commissions_refused)
def hq_commissions(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's commissions, filtered, with their totals by status and in all; 50 a page."""
    form, rows = _filtered(request)
    by_status = {
        row["status"]: row for row in rows.order_by().values("status").annotate(n=Count("pk"), amount=Sum("amount"))
    }
    totals = {
        "count": sum(row["n"] for row in by_status.values()),
        "amount": round_money(sum((row["amount"] for row in by_status.values()), ZERO)),
        "by_status": [
            (label, by_status[value]["n"], round_money(by_status[value]["amount"]))
            for value, label in form.fields["status"].choices  # type: ignore[attr-defined]
            if value in by_status
        ],
    }
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"portal": "hq", "form": form, "page": page, "totals": totals, "error": None, "query": _query(request)}
    return render(request, "hq/guides/commissions.html", context)


@portal_page(*policies.COMMISSION_EXPORTERS)
def hq_commissions_export(request: SignedInPortalRequest, file_format: str) -> HttpResponse:
    """The filtered commissions, every page, as CSV or XLSX (the API's file)."""
    _, rows = _filtered(request)
    content = exports.render(commissions_dataset(rows.iterator(chunk_size=2000)), file_format)
    response = HttpResponse(content, content_type=exports.MEDIA_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="commissions.{file_format}"'
    return response
