"""The dashboards' attribution figures (issue 11, item 7): computed set-based in the background
(`attribution.services.dashboard.refresh_dashboard`), stored as `DashboardSnapshot.figures`, and
read by the pages with one query (`latest_snapshot`).

The brand's figures (HQ, `/hq/`), for the window (the last 30 days) under the dashboard's model
(the brand's; `linear` when the brand's is `markov`, which is never stored per conversion):
- `totals`: visitors (distinct persons with a touchpoint in the window), credited bookings, visits
  and orders, and their revenue;
- `daily`: visitors, credited visits and orders of each day;
- `campaigns` and `stores`: the funnel rows (attribution.selectors.funnel) with the online-to-store
  rate, the cost and the cost per visit;
- `models`: each campaign's credited visits and orders under every model, markov included.
Each store's figures (its manager, `/store/`): the visits, orders and revenue credited to it by
campaign. B2C marketplace campaigns never count (their touchpoints are never credited; their rows,
spend included, are left out).

Numbers are strings (JSON): shares to 2 decimals, money to the cent, rates as percents to 1 decimal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate

from attribution.choices import B2C_CHANNELS, ConversionKind
from attribution.models import Campaign, Credit, DashboardSnapshot, Touchpoint, VisitorIdentity
from attribution.selectors.conversions import credit_model
from attribution.selectors.funnel import MARKOV, FunnelRow, Window, funnel, markov_counts, revenue_in_cents
from attribution.selectors.paths import person_key
from o2o.choices import AttributionModel
from o2o.models import Tenant
from o2o.money import CENT

FIGURE_UNIT = Decimal("0.01")
PERCENT_UNIT = Decimal("0.1")
ZERO = Decimal(0)
COMPARED_MODELS = [  # the model comparison's columns, in this order
    AttributionModel.FIRST_TOUCH.value,
    AttributionModel.LAST_TOUCH.value,
    AttributionModel.LINEAR.value,
    AttributionModel.POSITION_BASED.value,
    AttributionModel.TIME_DECAY.value,
    MARKOV,
]
HEURISTIC_MODELS = COMPARED_MODELS[:-1]


def dashboard_model(tenant: Tenant) -> str:
    """The model the dashboards show: the brand's, last touch standing in for `markov` (which
    credits no single conversion), as on the campaign pages (`selectors.conversions.credit_model`)."""
    return credit_model(tenant.attribution_model)


def latest_snapshot(*, tenant: Tenant, store_id: int | None = None) -> DashboardSnapshot | None:
    """The newest snapshot of the brand (`store_id` None) or of a store: one query."""
    snapshots = DashboardSnapshot.objects.filter(tenant=tenant)
    snapshots = snapshots.filter(store__isnull=True) if store_id is None else snapshots.filter(store_id=store_id)
    return snapshots.order_by("-computed_at", "-pk").first()


def brand_figures(*, tenant: Tenant, window: Window) -> dict[str, Any]:
    """The brand's figures of `window` (see the module): a fixed number of queries."""
    model = dashboard_model(tenant)
    o2o_campaigns = _o2o_campaign_ids(tenant=tenant)
    campaigns = [
        row
        for row in funnel(tenant=tenant, group_by="campaign", window=window, model=model)
        if row.key is None or row.key in o2o_campaigns
    ]
    stores = funnel(tenant=tenant, group_by="store", window=window, model=model)
    totals = {
        "visitors": _total_visitors(tenant=tenant, window=window),
        "bookings": _figure(sum((row.bookings for row in campaigns), ZERO)),
        "visits": _figure(sum((row.visits for row in campaigns), ZERO)),
        "orders": _figure(sum((row.orders for row in campaigns), ZERO)),
        "revenue": str(sum((row.revenue for row in campaigns), ZERO).quantize(CENT)),
    }
    return {
        "model": model,
        "totals": totals,
        "daily": _daily(tenant=tenant, window=window, model=model),
        "campaigns": [_row(row) for row in campaigns],
        "stores": [_row(row) for row in stores],
        "models": _model_comparison(tenant=tenant, window=window, campaigns=campaigns, keep=o2o_campaigns),
    }


def store_figures(*, tenant: Tenant, window: Window) -> dict[int, dict[str, Any]]:
    """Every store's figures of `window` (the visits, orders and revenue credited to it, by
    campaign, under the dashboard's model), by store id: two queries for all the stores."""
    model = dashboard_model(tenant)
    rows = list(
        Credit.objects.filter(
            _window_q(window),
            tenant=tenant,
            model=model,
            store_id__isnull=False,
            kind__in=[ConversionKind.VISIT, ConversionKind.ORDER],
        )
        .exclude(channel__in=sorted(B2C_CHANNELS))
        .values("store_id", "campaign_id")
        .annotate(
            visits=Sum("share", filter=Q(kind=ConversionKind.VISIT), default=ZERO),
            orders=Sum("share", filter=Q(kind=ConversionKind.ORDER), default=ZERO),
            revenue=Sum(F("share") * F("revenue"), filter=Q(kind=ConversionKind.ORDER), default=ZERO),
        )
        .order_by()
    )
    ids = {row["campaign_id"] for row in rows if row["campaign_id"] is not None}
    labels = dict(Campaign.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))
    by_store: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: (row["campaign_id"] is None, row["campaign_id"] or 0)):
        by_store[row["store_id"]].append(
            {
                "id": row["campaign_id"],
                "label": labels.get(row["campaign_id"]),
                "visits": Decimal(row["visits"]),
                "orders": Decimal(row["orders"]),
                "revenue": Decimal(row["revenue"]),
            }
        )
    return {store_id: _store_figures(model, campaigns) for store_id, campaigns in by_store.items()}


def _store_figures(model: str, campaigns: list[dict[str, Any]]) -> dict[str, Any]:
    revenue = revenue_in_cents({i: row["revenue"] for i, row in enumerate(campaigns)})
    return {
        "model": model,
        "totals": {
            "visits": _figure(sum((row["visits"] for row in campaigns), ZERO)),
            "orders": _figure(sum((row["orders"] for row in campaigns), ZERO)),
            "revenue": str(sum(revenue.values(), ZERO).quantize(CENT)),
        },
        "campaigns": [
            {**row, "visits": _figure(row["visits"]), "orders": _figure(row["orders"]), "revenue": str(revenue[i])}
            for i, row in enumerate(campaigns)
        ],
    }


def empty_store_figures(tenant: Tenant) -> dict[str, Any]:
    """The figures of a store nothing was credited to in the window."""
    return _store_figures(dashboard_model(tenant), [])


def _window_q(window: Window) -> Q:
    return Q(at__gte=window.start, at__lt=window.end)


def _figure(value: Decimal) -> str:
    return str(value.quantize(FIGURE_UNIT, rounding=ROUND_HALF_UP))


def _percent(rate: Decimal | None) -> str | None:
    return None if rate is None else str((rate * 100).quantize(PERCENT_UNIT, rounding=ROUND_HALF_UP))


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def _row(row: FunnelRow) -> dict[str, Any]:
    return {
        "id": row.key,
        "label": row.label if row.key is not None else None,  # None: translated by the page
        "visitors": row.visitors,
        "bookings": _figure(row.bookings),
        "visits": _figure(row.visits),
        "orders": _figure(row.orders),
        "revenue": _money(row.revenue),
        "rate": _percent(row.online_to_store_rate),
        "cost": _money(row.cost),
        "cost_per_visit": _money(row.cost_per_visit),
    }


def _o2o_campaign_ids(*, tenant: Tenant) -> set[int]:
    """The brand's campaigns that count: every one but the B2C marketplace shops'."""
    return set(
        Campaign.objects.filter(tenant=tenant).exclude(channel__in=sorted(B2C_CHANNELS)).values_list("pk", flat=True)
    )


def _persons(tenant: Tenant) -> Any:
    """A touchpoint's person: its visitor id's member (stitched), else the visitor id itself."""
    member = Subquery(
        VisitorIdentity.objects.filter(tenant=tenant, visitor_id=OuterRef("visitor_id")).values("member_id")[:1]
    )
    return person_key(member, "visitor_id")


def _touchpoints(*, tenant: Tenant, window: Window) -> Any:
    return Touchpoint.objects.filter(_window_q(window), tenant=tenant).exclude(channel__in=sorted(B2C_CHANNELS))


def _total_visitors(*, tenant: Tenant, window: Window) -> int:
    """Distinct persons with a (non-B2C) touchpoint in the window: one query."""
    found = _touchpoints(tenant=tenant, window=window).aggregate(n=Count(_persons(tenant), distinct=True))
    return int(found["n"] or 0)


def _daily(*, tenant: Tenant, window: Window, model: str) -> list[dict[str, Any]]:
    """Each day of the window (the brand's days): its visitors (distinct persons), its credited
    visits and orders. Two queries."""
    day = TruncDate("at", tzinfo=window.zone)
    visitors = {
        row["day"]: row["n"]
        for row in _touchpoints(tenant=tenant, window=window)
        .annotate(day=day)
        .values("day")
        .annotate(n=Count(_persons(tenant), distinct=True))
        .order_by()
    }
    credited = {
        row["day"]: row
        for row in Credit.objects.filter(_window_q(window), tenant=tenant, model=model)
        .annotate(day=day)
        .values("day")
        .annotate(
            visits=Sum("share", filter=Q(kind=ConversionKind.VISIT), default=ZERO),
            orders=Sum("share", filter=Q(kind=ConversionKind.ORDER), default=ZERO),
        )
        .order_by()
    }
    days = []
    for offset in range((window.last - window.first).days + 1):
        on = window.first + dt.timedelta(days=offset)
        found: Mapping[str, Any] = credited.get(on, {})
        days.append(
            {
                "day": on.isoformat(),
                "visitors": visitors.get(on, 0),
                "visits": _figure(Decimal(found.get("visits", ZERO))),
                "orders": _figure(Decimal(found.get("orders", ZERO))),
            }
        )
    return days


def _model_comparison(
    *, tenant: Tenant, window: Window, campaigns: Iterable[FunnelRow], keep: set[int]
) -> dict[str, Any]:
    """Each campaign's credited visits and orders under every model, side by side: one query for
    the heuristic models (their stored credits), the window's paths for markov."""
    cells: dict[Any, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    rows = (
        Credit.objects.filter(
            _window_q(window),
            tenant=tenant,
            model__in=HEURISTIC_MODELS,
            kind__in=[ConversionKind.VISIT, ConversionKind.ORDER],
        )
        .values("model", "campaign_id")
        .annotate(
            visits=Sum("share", filter=Q(kind=ConversionKind.VISIT), default=ZERO),
            orders=Sum("share", filter=Q(kind=ConversionKind.ORDER), default=ZERO),
        )
        .order_by()
    )
    for row in rows:
        cells[row["campaign_id"]][row["model"]] = {"visits": row["visits"], "orders": row["orders"]}
    for key, counts in markov_counts(tenant=tenant, group_by="campaign", window=window).items():
        cells[key][MARKOV] = {"visits": counts.get("visits", ZERO), "orders": counts.get("orders", ZERO)}
    labels: dict[Any, str | None] = {row.key: row.label for row in campaigns}
    labels[None] = None
    ids = sorted((key for key in cells if key is None or key in keep), key=lambda key: (key is None, key or 0))
    missing = [key for key in ids if key not in labels]
    labels.update(Campaign.objects.filter(tenant=tenant, pk__in=missing).values_list("pk", "name"))
    return {
        "models": COMPARED_MODELS,
        "rows": [
            {
                "id": key,
                "label": labels.get(key),
                "cells": [
                    {
                        "model": model,
                        "visits": _figure(Decimal(cells[key].get(model, {}).get("visits", ZERO))),
                        "orders": _figure(Decimal(cells[key].get(model, {}).get("orders", ZERO))),
                    }
                    for model in COMPARED_MODELS
                ],
            }
            for key in ids
        ],
    }


def model_labels() -> Mapping[str, str]:
    """The compared models' names, in the reader's language."""
    return {model: str(AttributionModel(model).label) for model in COMPARED_MODELS}
