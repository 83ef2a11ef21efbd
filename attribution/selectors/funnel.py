"""The funnel report (rules.md 3.6, api.md `GET /api/v1/reports/funnel/`): per campaign, channel,
store or guide, the visitors, the credited bookings, visits and orders, their revenue, the
online-to-store rate, the cost and the cost per visit, in a window of days, under a model.

Set-based: one aggregate over Credit, one over Touchpoint, one over CampaignSpend (and, for the
allocated cost, one over the visits' credits), then the labels: a fixed number of queries whatever
the data. `markov` (attribution.markov) is computed from the window's paths (selectors.paths).

Who reads what: HQ every row. A store manager the funnel of their own store: the credits of
conversions at their store, the visitors who touched their store's links, and the spend allocated
to their store by its share of each campaign's credited visits; `markov` is brand-wide, HQ's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from attribution import markov
from attribution.choices import B2C_CHANNELS, Channel, ConversionKind
from attribution.credit_models import SHARE_UNIT
from attribution.models import Campaign, CampaignSpend, Credit, Touchpoint, VisitorIdentity
from o2o.days import day_end, day_start
from o2o.models import Tenant
from o2o.money import CENT, round_money, split_by_weights
from stores.models import Store, StoreStaff

MARKOV = "markov"
GROUPS = ("campaign", "channel", "store", "guide")
# the column each grouping reads on Credit and Touchpoint
KEY_FIELD = {"campaign": "campaign_id", "channel": "channel", "store": "store_id", "guide": "guide_id"}
RATE_UNIT = Decimal("0.0001")
ZERO = Decimal(0)

Key = Hashable


@dataclass(frozen=True)
class Window:
    """The report's days, both included, in the brand's time zone."""

    first: dt.date
    last: dt.date
    zone: ZoneInfo

    @property
    def start(self) -> dt.datetime:
        start = day_start(self.first, self.zone)
        assert start is not None
        return start

    @property
    def end(self) -> dt.datetime:  # excluded
        end = day_end(self.last, self.zone)
        assert end is not None
        return end


@dataclass(frozen=True)
class FunnelRow:
    key: Key
    label: str
    visitors: int
    bookings: Decimal
    visits: Decimal
    orders: Decimal
    revenue: Decimal
    online_to_store_rate: Decimal | None
    cost: Decimal
    cost_per_visit: Decimal | None


def default_window(*, tenant: Tenant, today: dt.date | None = None) -> Window:
    """The last 30 days, today included, in the brand's time zone."""
    zone = ZoneInfo(tenant.timezone)
    today = today or dt.datetime.now(zone).date()
    return Window(first=today - dt.timedelta(days=29), last=today, zone=zone)


def funnel(
    *,
    tenant: Tenant,
    group_by: str,
    window: Window,
    model: str,
    store_id: int | None = None,
    campaign_id: int | None = None,
) -> list[FunnelRow]:
    """The funnel rows of `tenant` grouped by `group_by` (GROUPS) in `window` under `model`; of
    the store `store_id` only when given (a store manager's); of the campaign `campaign_id` only
    when given (a campaign's page: its touchpoints, credits and spend; under `markov`, its row of
    the brand's campaigns). Rows sorted by key, None last."""
    field = KEY_FIELD[group_by]
    visitors = _visitors(tenant=tenant, field=field, window=window, store_id=store_id, campaign_id=campaign_id)
    if model == MARKOV:
        counts = markov_counts(tenant=tenant, group_by=group_by, window=window)
        if campaign_id is not None:
            counts = {key: count for key, count in counts.items() if key == campaign_id}
    else:
        counts = _credited(
            tenant=tenant, field=field, window=window, model=model, store_id=store_id, campaign_id=campaign_id
        )
    costs = _costs(
        tenant=tenant, group_by=group_by, window=window, model=model, store_id=store_id, campaign_id=campaign_id
    )
    if store_id is not None and group_by == "store":
        costs = {key: value for key, value in costs.items() if key == store_id}
    keys = set(visitors) | set(counts) | set(costs)
    revenue = revenue_in_cents({key: counts.get(key, {}).get("revenue", ZERO) for key in keys})
    labels = _labels(tenant=tenant, group_by=group_by, keys=keys)
    rows = []
    for key in sorted(keys, key=lambda key: (key is None, str(key) if group_by == "channel" else key or 0)):
        count = counts.get(key, {})
        visits = count.get("visits", ZERO)
        cost = costs.get(key, ZERO.quantize(CENT))
        rows.append(
            FunnelRow(
                key=key,
                label=labels.get(key, str(key)),
                visitors=visitors.get(key, 0),
                bookings=count.get("bookings", ZERO),
                visits=visits,
                orders=count.get("orders", ZERO),
                revenue=revenue[key],
                online_to_store_rate=_rate(visits, visitors.get(key, 0)),
                cost=cost,
                cost_per_visit=round_money(cost / visits) if visits else None,
            )
        )
    return rows


def _rate(visits: Decimal, visitors: int) -> Decimal | None:
    if not visitors:
        return None
    return (visits / visitors).quantize(RATE_UNIT, rounding=ROUND_HALF_UP)


def _window_q(window: Window) -> Q:
    return Q(at__gte=window.start, at__lt=window.end)


def _visitors(
    *, tenant: Tenant, field: str, window: Window, store_id: int | None, campaign_id: int | None = None
) -> dict[Key, int]:
    """Distinct persons (a stitched member, else the visitor id) with a touchpoint of each group in
    the window; B2C marketplace touchpoints never count. One query: the distinct (group, visitor)
    pairs first, then their persons, counted by hash aggregates."""
    column = {"campaign_id": "campaign_id", "channel": "channel", "store_id": "store_id", "guide_id": "guide_id"}[field]
    touchpoint, identity = Touchpoint._meta.db_table, VisitorIdentity._meta.db_table
    b2c = sorted(str(channel) for channel in B2C_CHANNELS)
    b2c_in = ", ".join(["%s"] * len(b2c))
    where_store = "AND t.store_id = %s" if store_id is not None else ""
    where_campaign = "AND t.campaign_id = %s" if campaign_id is not None else ""
    sql = f"""
        SELECT persons.key, count(*) FROM (
            SELECT DISTINCT pairs.key AS key, i.member_id AS member_id,
                   CASE WHEN i.member_id IS NULL THEN pairs.visitor_id END AS visitor_id
            FROM (
                SELECT DISTINCT t.{column} AS key, t.visitor_id
                FROM {touchpoint} t
                WHERE t.tenant_id = %s AND t.at >= %s AND t.at < %s AND t.channel NOT IN ({b2c_in})
                      {where_store} {where_campaign}
            ) pairs
            LEFT JOIN {identity} i ON i.tenant_id = %s AND i.visitor_id = pairs.visitor_id
        ) persons
        GROUP BY persons.key
    """  # noqa: S608  (the column comes from KEY_FIELD, every value is a parameter)
    params: list[Any] = [tenant.pk, window.start, window.end, *b2c]
    if store_id is not None:
        params.append(store_id)
    if campaign_id is not None:
        params.append(campaign_id)
    params.append(tenant.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {_key(key): count for key, count in cursor.fetchall()}


def _credited(
    *, tenant: Tenant, field: str, window: Window, model: str, store_id: int | None, campaign_id: int | None = None
) -> dict[Key, dict[str, Decimal]]:
    """The credited bookings, visits and orders of each group (sums of shares) and their exact
    revenue (share times the order's total). One query."""
    credits = Credit.objects.filter(_window_q(window), tenant=tenant, model=model)
    if store_id is not None:
        credits = credits.filter(store_id=store_id)
    if campaign_id is not None:
        credits = credits.filter(campaign_id=campaign_id)
    rows = (
        credits.values(field)
        .annotate(
            bookings=Sum("share", filter=Q(kind=ConversionKind.BOOKING), default=ZERO),
            visits=Sum("share", filter=Q(kind=ConversionKind.VISIT), default=ZERO),
            orders=Sum("share", filter=Q(kind=ConversionKind.ORDER), default=ZERO),
            revenue=Sum(F("share") * F("revenue"), filter=Q(kind=ConversionKind.ORDER), default=ZERO),
        )
        .order_by()
    )
    return {
        _key(row[field]): {
            "bookings": _share(row["bookings"]),
            "visits": _share(row["visits"]),
            "orders": _share(row["orders"]),
            "revenue": Decimal(row["revenue"]),
        }
        for row in rows
    }


def _share(value: Any) -> Decimal:
    return Decimal(value).quantize(SHARE_UNIT)


def _key(value: Any) -> Key:
    return None if value in (None, "") else value


def revenue_in_cents(exact: Mapping[Key, Decimal]) -> dict[Key, Decimal]:
    """Each row's exact credited revenue in cents, by largest remainder: the rows add up to the
    credited revenue (whole cents: each order's shares sum to 1)."""
    total = sum(exact.values(), ZERO)
    if total <= 0:
        return {key: ZERO.quantize(CENT) for key in exact}
    indexed = dict(enumerate(exact))
    parts = split_by_weights(round_money(total), {i: exact[key] for i, key in indexed.items()})
    return {key: parts[i] for i, key in indexed.items()}


def _costs(
    *, tenant: Tenant, group_by: str, window: Window, model: str, store_id: int | None, campaign_id: int | None = None
) -> dict[Key, Decimal]:
    """Each group's cost: the spend of its campaigns in the window (campaign, channel); for store
    and guide rows, and for a store's own funnel, each campaign's spend allocated by the groups'
    shares of its credited visits, to the cent by largest remainder. Spend of a campaign with no
    credited visit is allocated to no store or guide. A B2C marketplace campaign's spend is no O2O
    cost: it counts nowhere."""
    spend_rows = (
        CampaignSpend.objects.filter(tenant=tenant, date__gte=window.first, date__lte=window.last)
        .exclude(campaign__channel__in=sorted(B2C_CHANNELS))
        .filter(**({"campaign_id": campaign_id} if campaign_id is not None else {}))
        .values("campaign_id", "campaign__channel")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    spend = {row["campaign_id"]: (row["campaign__channel"], row["amount"]) for row in spend_rows}
    if store_id is None and group_by in ("campaign", "channel"):
        costs: dict[Key, Decimal] = defaultdict(lambda: ZERO.quantize(CENT))
        for campaign_id, (channel, amount) in spend.items():
            costs[campaign_id if group_by == "campaign" else channel] += amount
        return dict(costs)
    if not spend:
        return {}
    visits = _visit_weights(tenant=tenant, window=window, model=model, campaigns=spend)
    if store_id is not None:  # the store's part of each campaign, then shared by its guides
        ours = {
            campaign_id: (channel, _allocate(amount, _by(visits.get(campaign_id, {}), 0)).get(store_id, ZERO))
            for campaign_id, (channel, amount) in spend.items()
        }
        spend = {campaign_id: part for campaign_id, part in ours.items() if part[1] > 0}
        visits = {
            campaign_id: {cell: weight for cell, weight in cells.items() if cell[0] == store_id}
            for campaign_id, cells in visits.items()
        }
    costs = defaultdict(lambda: ZERO.quantize(CENT))
    for campaign_id, (channel, amount) in spend.items():
        if group_by == "campaign":
            costs[campaign_id] += amount
        elif group_by == "channel":
            costs[channel] += amount
        else:
            position = 0 if group_by == "store" else 1
            for key, part in _allocate(amount, _by(visits.get(campaign_id, {}), position)).items():
                costs[key] += part
    return dict(costs)


def _visit_weights(
    *, tenant: Tenant, window: Window, model: str, campaigns: Mapping[int, Any]
) -> dict[int, dict[tuple[Key, Key], Decimal]]:
    """Each campaign's credited visits per (store, guide) in the window. One query."""
    rows = (
        Credit.objects.filter(
            _window_q(window), tenant=tenant, model=model, kind=ConversionKind.VISIT, campaign_id__in=list(campaigns)
        )
        .values("campaign_id", "store_id", "guide_id")
        .annotate(weight=Sum("share"))
        .order_by()
    )
    weights: dict[int, dict[tuple[Key, Key], Decimal]] = defaultdict(dict)
    for row in rows:
        weights[row["campaign_id"]][(_key(row["store_id"]), _key(row["guide_id"]))] = Decimal(row["weight"])
    return weights


def _by(cells: Mapping[tuple[Key, Key], Decimal], position: int) -> dict[Key, Decimal]:
    grouped: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for cell, weight in cells.items():
        grouped[cell[position]] += weight
    return dict(grouped)


def _allocate(amount: Decimal, weights: Mapping[Key, Decimal]) -> dict[Key, Decimal]:
    """`amount` split by `weights` to the cent, largest remainder (ties to the first key in
    order, None last); nothing when no weight is positive."""
    positive = {key: weight for key, weight in weights.items() if weight > 0}
    if not positive or amount == 0:
        return {}
    ordered = sorted(positive, key=lambda key: (key is None, key or 0))
    parts = split_by_weights(amount, {i: positive[key] for i, key in enumerate(ordered)})
    return {key: parts[i] for i, key in enumerate(ordered)}


def markov_counts(*, tenant: Tenant, group_by: str, window: Window) -> dict[Key, dict[str, Decimal]]:
    """The Markov model's bookings, visits and orders per group (campaign or channel), from the
    window's paths; revenue is the orders' credited share of the window's attributed revenue."""
    from attribution.selectors.paths import window_paths

    field = KEY_FIELD[group_by]
    paths = window_paths(tenant=tenant, field=field, window=window)
    counts: dict[Key, dict[str, Decimal]] = defaultdict(dict)
    for kind, name in (
        (ConversionKind.BOOKING, "bookings"),
        (ConversionKind.VISIT, "visits"),
        (ConversionKind.ORDER, "orders"),
    ):
        credits = markov.markov_credits(paths.of_kind(kind))
        total = sum(credits.values(), Fraction(0))
        if total == 0:
            continue
        ordered = sorted(credits, key=lambda key: str(key))
        split = split_by_weights(
            Decimal(int(total)), {i: credits[key] for i, key in enumerate(ordered)}, unit=SHARE_UNIT
        )
        for i, key in enumerate(ordered):
            counts[_key(key)][name] = split[i]
        if kind == ConversionKind.ORDER and paths.revenue > 0:
            for key in ordered:
                exact = credits[key] / total * Fraction(paths.revenue)
                counts[_key(key)]["revenue"] = Decimal(exact.numerator) / Decimal(exact.denominator)
    return dict(counts)


def _labels(*, tenant: Tenant, group_by: str, keys: set[Key]) -> dict[Key, str]:
    """Each key's label (one query, none for channels)."""
    labels: dict[Key, str] = {None: _("None")}
    if group_by == "channel":
        names = [str(key) for key in keys if key is not None]
        labels.update({key: str(Channel(key).label) if key in Channel.values else key for key in names})
        return labels
    ids = [int(str(key)) for key in keys if key is not None]
    if group_by == "campaign":
        labels.update(Campaign.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))
    elif group_by == "store":
        labels.update(Store.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))
    else:
        labels.update(StoreStaff.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "user__name"))
    return labels
