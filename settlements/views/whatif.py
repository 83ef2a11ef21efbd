"""The HQ what-if page `/hq/settlements/what-if/`: a period under the brand's rules today and under
a proposal, store by store, with the difference (settlements.services.whatif). Reads only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from o2o.errors import AppError
from o2o.portals.access import portal_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from settlements import policies
from settlements.forms import WhatIfForm
from settlements.services.schedule import natural_period
from settlements.services.whatif import preview_period
from stores.models import Store

TEMPLATE = "hq/settlements/what_if.html"


def _form(request: SignedInPortalRequest) -> WhatIfForm:
    stores = [
        (pk, f"{code} {name}")
        for pk, code, name in Store.objects.filter(tenant=request.tenant)
        .order_by("code")
        .values_list("pk", "code", "name")
    ]
    if request.GET:
        return WhatIfForm(request.GET, stores=stores)
    today = timezone.now().astimezone(ZoneInfo(request.tenant.timezone)).date()
    start, end = natural_period("monthly", today)
    return WhatIfForm(initial={"period_start": start, "period_end": end}, stores=stores)


def _page(request: SignedInPortalRequest, **context: Any) -> HttpResponse:
    return render(request, TEMPLATE, {"portal": "hq", **context})


def _refused(request: SignedInPortalRequest, error: AppError, **kwargs: Any) -> HttpResponse:
    """The page again with the form as typed and the error next to its field, no table."""
    form = _form(request)
    show_error(form, error, fields={"period_end": "period_end", "store": "store"})
    return _page(request, form=form, preview=None, error=error)


@portal_page(*policies.RUN_MANAGERS, on_error=_refused)
def hq_what_if(request: SignedInPortalRequest) -> HttpResponse:
    """The form; with a period, the preview of each store today and under the proposal."""
    form = _form(request)
    if not form.is_bound:
        return _page(request, form=form, preview=None, error=None)
    data = validated(form)
    start: dt.date = data["period_start"]
    end: dt.date = data["period_end"]
    preview = preview_period(tenant=request.tenant, start=start, end=end, proposal=form.proposal())
    order = ["sales", "store_share", "tac", "commission", "net"]
    for row in preview["stores"]:
        row["differences"] = [row["difference"][key] for key in order]
    preview["total_differences"] = [preview["totals"]["difference"][key] for key in order]
    return _page(request, form=form, preview=preview, error=None)
