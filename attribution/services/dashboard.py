"""The dashboards' snapshot (attribution.selectors.dashboard): computed in the background, read by
the pages as stored, so that `/hq/` and `/store/` never compute attribution in a request.

`refresh_dashboard` computes the brand's figures and every store's for the default window (the
last 30 days) and replaces the brand's snapshots in one transaction: readers see the old ones until
it commits. Safe to run twice; two refreshes of a brand at once take turns (the brand's row is
locked for the swap), so the brand never has two sets of snapshots.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from attribution.models import DashboardSnapshot
from attribution.selectors.dashboard import brand_figures, dashboard_model, empty_store_figures, store_figures
from attribution.selectors.funnel import default_window
from o2o.models import Tenant
from stores.models import Store


def refresh_dashboard(*, tenant: Tenant, today: dt.date | None = None) -> int:
    """Recompute the brand's dashboard figures and each of its stores' (the last 30 days, `today`
    included: the brand's today by default) and store them. Returns the snapshots written."""
    window = default_window(tenant=tenant, today=today)
    brand = brand_figures(tenant=tenant, window=window)
    stores = store_figures(tenant=tenant, window=window)
    store_ids = list(Store.objects.filter(tenant=tenant).values_list("pk", flat=True))
    computed_at = timezone.now()
    common = {"tenant": tenant, "first": window.first, "last": window.last, "model": dashboard_model(tenant)}
    snapshots = [DashboardSnapshot(store=None, computed_at=computed_at, figures=brand, **common)]
    empty = empty_store_figures(tenant)
    snapshots.extend(
        DashboardSnapshot(store_id=store_id, computed_at=computed_at, figures=stores.get(store_id, empty), **common)
        for store_id in store_ids
    )
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # one swap at a time per brand
        DashboardSnapshot.objects.filter(tenant=tenant).delete()
        DashboardSnapshot.objects.bulk_create(snapshots)
    return len(snapshots)
