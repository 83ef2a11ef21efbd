"""Attribution's panels on the dashboards (o2o.portals.panels), registered by AttributionConfig:

- `/hq/`: the brand's O2O funnel of the last 30 days with its charts, the online-to-store rate and
  cost per visit by campaign and by store, and the model comparison, from the newest snapshot
  (`attribution.selectors.dashboard`; one query), for HQ;
- `/store/`: the manager's own store's visits and orders by campaign, from its snapshot.

Neither computes attribution in the request: with no snapshot yet, the panel says the figures are
being computed and enqueues a refresh (at most once in `PENDING_SECONDS`).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils.translation import gettext as _

from attribution import policies
from attribution.models import DashboardSnapshot
from attribution.selectors.dashboard import latest_snapshot, model_labels
from attribution.tasks import refresh_dashboard_task
from o2o.choices import AttributionModel
from o2o.models import Tenant
from o2o.portals.panels import register
from o2o.tenancy.request import SignedInPortalRequest

REFRESH_MINUTES = 15  # attribution.schedules: the beat job's interval
PENDING_SECONDS = 300


def chart_labels() -> dict[str, str]:
    """The charts' words, in the reader's language (the charts are drawn by attribution/charts.js)."""
    return {
        "visitors": _("Visitors"),
        "bookings": _("Bookings"),
        "visits": _("Store visits"),
        "orders": _("Orders"),
        "rate": _("Online-to-store rate (%)"),
        "no_campaign": _("No campaign"),
        "no_store": _("No store"),
    }


def request_refresh(tenant: Tenant) -> None:
    """Enqueue a refresh of the brand's figures, after the request's transaction commits."""
    refresh_dashboard_task.delay_on_commit(tenant_id=tenant.pk)


def _pending(tenant: Tenant) -> None:
    """No snapshot yet: enqueue one refresh (not one per page view while it runs)."""
    if cache.add(f"attribution:dashboard-pending:{tenant.pk}", True, PENDING_SECONDS):
        request_refresh(tenant)


def _common(tenant: Tenant, snapshot: DashboardSnapshot) -> dict[str, Any]:
    zone = ZoneInfo(tenant.timezone)
    return {
        "snapshot": snapshot,
        "figures": snapshot.figures,
        "as_of": snapshot.computed_at.astimezone(zone).strftime("%H:%M"),
        "model_label": AttributionModel(snapshot.model).label,
        "refresh_minutes": REFRESH_MINUTES,
        "labels": chart_labels(),
    }


def hq_funnel_panel(request: SignedInPortalRequest) -> dict[str, Any] | None:
    actor, tenant = request.actor, request.tenant
    if not policies.can_see_brand_dashboard(actor):
        return None
    context: dict[str, Any] = {"can_refresh": policies.can_refresh_dashboard(actor)}
    snapshot = latest_snapshot(tenant=tenant)
    if snapshot is None:
        _pending(tenant)
        return {**context, "snapshot": None}
    models = model_labels()
    return {
        **context,
        **_common(tenant, snapshot),
        "model_names": [models[m] for m in snapshot.figures["models"]["models"]],
    }


def store_funnel_panel(request: SignedInPortalRequest) -> dict[str, Any] | None:
    tenant, store_id = request.tenant, policies.dashboard_store(request.actor)
    if store_id is None:
        return None
    snapshot = latest_snapshot(tenant=tenant, store_id=store_id)
    if snapshot is None:
        _pending(tenant)
        return {"snapshot": None}
    return _common(tenant, snapshot)


def register_panels() -> None:
    register("hq", name="attribution.funnel", order=20, template="hq/dashboard/_funnel.html", context=hq_funnel_panel)
    register(
        "store", name="attribution.funnel", order=20, template="store/_funnel_panel.html", context=store_funnel_panel
    )
