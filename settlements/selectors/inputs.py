"""What a settlement run reads (rules.md 5.1-5.3), set-based: one aggregate query per kind of
input, grouped by store or by campaign and store, whatever the number of orders.

B2C marketplace orders and campaigns never count (attribution.choices.B2C_CHANNELS, order channel
`b2c`). Periods are `[start, end)` dates on the brand's clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum

from attribution.choices import B2C_CHANNELS, ConversionKind
from attribution.models import CampaignSpend, Credit
from attribution.selectors.conversions import credit_model
from o2o.choices import TacBasis
from o2o.days import day_start
from o2o.models import Tenant
from orders.choices import Channel as OrderChannel
from orders.models import Order, Refund
from stores.models import CONTRACT_DEFAULTS, Store, StoreContract

ZERO = Decimal("0.00")
BASIS_KIND = {
    TacBasis.VISITS: ConversionKind.VISIT,
    TacBasis.ORDERS: ConversionKind.ORDER,
    TacBasis.REVENUE: ConversionKind.ORDER,
}


@dataclass(frozen=True)
class Terms:
    """A store's contract terms in force (rules.md 5.2); `valid_from` None: the kind's defaults."""

    sales_share_rate: Decimal
    tac_chargeable: bool
    commission_borne_by_store: bool
    valid_from: dt.date | None


@dataclass(frozen=True)
class StoreSales:
    orders: int = 0
    orders_total: Decimal = ZERO
    refunds: int = 0
    refunds_total: Decimal = ZERO


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str
    spend: Decimal


@dataclass(frozen=True)
class Rules:
    """The brand's rule parameters a run uses (the what-if preview passes others)."""

    attribution_model: str
    tac_basis: str
    tac_cap_per_visit: Decimal | None
    share_rate_overrides: Mapping[int, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, tenant: Tenant) -> Rules:
        return cls(
            attribution_model=tenant.attribution_model,
            tac_basis=tenant.tac_basis,
            tac_cap_per_visit=tenant.tac_cap_per_visit,
        )


@dataclass(frozen=True)
class Inputs:
    """Everything a run's statements are computed from (`settlements.computation`)."""

    stores: Mapping[int, str]  # id -> code, every store that gets a statement
    terms: Mapping[int, Terms]
    sales: Mapping[int, StoreSales]
    campaigns: Mapping[int, Campaign]  # campaigns with spend dated in the period
    weights: Mapping[int, Mapping[int, Decimal]]  # campaign -> store -> credited basis
    visits: Mapping[int, Mapping[int, Decimal]]  # campaign -> store -> credited visits (for the cap)
    commissions: Mapping[int, Decimal]  # store -> guide commissions made payable
    rules: Rules


def period_bounds(tenant: Tenant, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(tenant.timezone)
    first, after = day_start(start, zone), day_start(end, zone)
    if first is None or after is None:  # the calendar's first day has no instant before it
        raise ValueError("a settlement period starts after 0001-01-01")
    return first, after


def store_sales(*, tenant: Tenant, start: dt.date, end: dt.date) -> dict[int, StoreSales]:
    """Each store's orders completed in the period and refunds recorded in it (two queries)."""
    first, after = period_bounds(tenant, start, end)
    orders = (
        Order.objects.filter(tenant=tenant, completed_at__gte=first, completed_at__lt=after, store__isnull=False)
        .exclude(channel=OrderChannel.B2C)
        .values("store_id")
        .annotate(count=Count("pk"), total=Sum("total_amount"))
        .order_by()
    )
    refunds = (
        Refund.objects.filter(tenant=tenant, created_at__gte=first, created_at__lt=after, order__store__isnull=False)
        .exclude(order__channel=OrderChannel.B2C)
        .values("order__store_id")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by()
    )
    sold = {row["store_id"]: (row["count"], row["total"]) for row in orders}
    refunded = {row["order__store_id"]: (row["count"], row["total"]) for row in refunds}
    return {
        store_id: StoreSales(
            orders=sold.get(store_id, (0, ZERO))[0],
            orders_total=Decimal(sold.get(store_id, (0, ZERO))[1]),
            refunds=refunded.get(store_id, (0, ZERO))[0],
            refunds_total=Decimal(refunded.get(store_id, (0, ZERO))[1]),
        )
        for store_id in sorted(set(sold) | set(refunded))
    }


def contracts_in_force(*, tenant: Tenant, day: dt.date, stores: Mapping[int, str]) -> dict[int, Terms]:
    """Each store's contract in force on `day` (the latest `valid_from` on or before it); a store
    without one has its kind's default terms. One query over the contracts (not the orders)."""
    rows = (
        StoreContract.objects.filter(tenant=tenant, valid_from__lte=day)
        .order_by("store_id", "-valid_from")
        .values("store_id", "valid_from", "sales_share_rate", "tac_chargeable", "commission_borne_by_store")
    )
    terms: dict[int, Terms] = {}
    for row in rows:
        terms.setdefault(
            row["store_id"],
            Terms(
                sales_share_rate=row["sales_share_rate"],
                tac_chargeable=row["tac_chargeable"],
                commission_borne_by_store=row["commission_borne_by_store"],
                valid_from=row["valid_from"],
            ),
        )
    return terms


def campaign_spend(*, tenant: Tenant, start: dt.date, end: dt.date) -> dict[int, Campaign]:
    """Each O2O campaign's spend dated in the period (one query)."""
    rows = (
        CampaignSpend.objects.filter(tenant=tenant, date__gte=start, date__lt=end)
        .exclude(campaign__channel__in=sorted(B2C_CHANNELS))
        .values("campaign_id", "campaign__name")
        .annotate(amount=Sum("amount"))
        .order_by("campaign_id")
    )
    return {
        row["campaign_id"]: Campaign(id=row["campaign_id"], name=row["campaign__name"], spend=Decimal(row["amount"]))
        for row in rows
        if row["amount"] > 0
    }


def credited(
    *, tenant: Tenant, start: dt.date, end: dt.date, rules: Rules, campaigns: Mapping[int, Campaign]
) -> tuple[dict[int, dict[int, Decimal]], dict[int, dict[int, Decimal]]]:
    """Per campaign and store: the credit of the campaign's conversions of the brand's basis in the
    period under its model, and its credited visits (the cap's measure). One query."""
    if not campaigns:
        return {}, {}
    first, after = period_bounds(tenant, start, end)
    basis_kind = BASIS_KIND[TacBasis(rules.tac_basis)]
    rows = (
        Credit.objects.filter(
            tenant=tenant,
            model=credit_model(rules.attribution_model),
            at__gte=first,
            at__lt=after,
            kind__in=sorted({basis_kind, ConversionKind.VISIT}),
            campaign_id__in=sorted(campaigns),
            store__isnull=False,
        )
        .values("campaign_id", "store_id", "kind")
        .annotate(
            credited_share=Sum("share"),
            credited_revenue=Sum(ExpressionWrapper(F("share") * F("revenue"), output_field=DecimalField())),
        )
        .order_by()
    )
    weights: dict[int, dict[int, Decimal]] = {}
    visits: dict[int, dict[int, Decimal]] = {}
    for row in rows:
        campaign_id, store_id = row["campaign_id"], row["store_id"]
        if row["kind"] == ConversionKind.VISIT:
            visits.setdefault(campaign_id, {})[store_id] = Decimal(row["credited_share"])
        if row["kind"] == basis_kind:
            weight = row["credited_revenue"] if rules.tac_basis == TacBasis.REVENUE else row["credited_share"]
            weights.setdefault(campaign_id, {})[store_id] = Decimal(weight)
    return weights, visits


def settled_stores(*, tenant: Tenant, involved: set[int]) -> dict[int, str]:
    """The stores that get a statement: every active store, and any other with figures in the
    period (one query)."""
    from django.db.models import Q

    rows = Store.objects.filter(Q(is_active=True) | Q(pk__in=sorted(involved)), tenant=tenant).values_list("pk", "kind")
    return dict(sorted(rows))


def gather_inputs(
    *, tenant: Tenant, start: dt.date, end: dt.date, commissions: Mapping[int, Decimal], rules: Rules | None = None
) -> Inputs:
    """Read everything a run of the period needs: six queries, whatever the number of orders."""
    rules = rules or Rules.of(tenant)
    sales = store_sales(tenant=tenant, start=start, end=end)
    campaigns = campaign_spend(tenant=tenant, start=start, end=end)
    weights, visits = credited(tenant=tenant, start=start, end=end, rules=rules, campaigns=campaigns)
    involved = set(sales) | {store for cells in weights.values() for store in cells} | set(commissions)
    kinds = settled_stores(tenant=tenant, involved=involved)
    in_force = contracts_in_force(tenant=tenant, day=end - dt.timedelta(days=1), stores=kinds)
    terms = {
        store_id: in_force.get(store_id) or Terms(**CONTRACT_DEFAULTS[kind], valid_from=None)  # type: ignore[arg-type]
        for store_id, kind in kinds.items()
    }
    return Inputs(
        stores=kinds,
        terms=terms,
        sales=sales,
        campaigns=campaigns,
        weights=weights,
        visits=visits,
        commissions={store: Decimal(amount) for store, amount in commissions.items()},
        rules=rules,
    )
