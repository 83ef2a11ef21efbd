"""The HQ dashboard's "Refresh now" (the figures themselves are attribution.panels')."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from attribution import policies
from attribution.panels import request_refresh
from o2o.choices import HQ_ROLES
from o2o.portals.access import portal_page
from o2o.tenancy.request import SignedInPortalRequest


@portal_page(*HQ_ROLES)
def hq_dashboard_refresh(request: SignedInPortalRequest) -> HttpResponse:
    """POST: recompute the dashboards' figures now (enqueued; they show when computed), then `/hq/`.
    GET: the page with that button alone (where a link or a reload of the address lands)."""
    policies.authorize_dashboard_refresh(request.actor)
    if request.method != "POST":
        return render(request, "hq/dashboard/refresh.html", {"portal": "hq"})
    request_refresh(request.tenant)
    messages.info(request, _("The figures are being recomputed; reload the page in a minute to see them."))
    return redirect("hq-home")
