"""A statement as its readers see it (the pages, the CSV and the PDF alike): the brand, the store,
the period, every line with whether it counts, the net and who owes whom, and the underlying
numbers a franchisee checks each line with (the orders and refunds behind the sales, the share
rate, each campaign's spend, the store's credited conversions and the brand's total, the
commissions). Words in the reader's language (gettext at rendering time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from o2o.models import Tenant
from settlements.computation import LINE_DESCRIPTIONS
from settlements.models import LineKind, Statement, StatementStatus
from settlements.selectors.statements import SalesRow
from stores.choices import StoreKind


@dataclass(frozen=True)
class LineView:
    kind: str
    label: str
    amount: Decimal
    counts: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class SaleView:
    kind: str  # "order" | "refund"
    label: str
    number: str
    at: str  # local "YYYY-MM-DD HH:MM"
    amount: Decimal


@dataclass(frozen=True)
class CampaignView:
    campaign_id: int
    name: str
    spend: str
    credited: str
    brand_credited: str
    visits: str
    before_cap: str
    amount: str


@dataclass(frozen=True)
class StatementView:
    statement: Statement
    brand: str
    store: str
    store_code: str
    store_kind: str
    period_first: dt.date
    period_last: dt.date
    status: str
    lines: list[LineView]
    sales: list[SaleView]
    campaigns: list[CampaignView]
    orders_total: str
    refunds_total: str
    net_sales: str
    share_rate: str
    tac_basis: str
    cap_per_visit: str | None
    commission_payable: str
    net: Decimal
    who_owes: str


def who_owes(net: Decimal) -> str:
    """The net in words: > 0 HQ pays the store, < 0 the store owes HQ."""
    if net > 0:
        return _("HQ pays the store")
    if net < 0:
        return _("The store owes HQ")
    return _("Nothing is owed")


def statement_view(*, tenant: Tenant, statement: Statement, sales: list[SalesRow]) -> StatementView:
    """`statement` (its lines prefetched) and the `sales` behind it, ready to show."""
    zone = ZoneInfo(tenant.timezone)
    lines = [
        LineView(line.kind, str(LINE_DESCRIPTIONS[LineKind(line.kind)]), line.amount, line.counts, line.data)
        for line in statement.lines.all()
    ]
    data = {line.kind: line.data for line in lines}
    sales_data, share, tac = (
        data.get(LineKind.SALES, {}),
        data.get(LineKind.STORE_SHARE, {}),
        data.get(LineKind.TAC, {}),
    )
    campaigns = [
        CampaignView(
            campaign_id=row["campaign"],
            name=row["name"],
            spend=row["spend"],
            credited=row["credited"],
            brand_credited=row["brand_credited"],
            visits=row["visits"],
            before_cap=row["before_cap"],
            amount=row["amount"],
        )
        for row in tac.get("campaigns", [])
    ]
    labels = {"order": _("Order completed"), "refund": _("Refund")}
    return StatementView(
        statement=statement,
        brand=tenant.name,
        store=statement.store.name,
        store_code=statement.store.code,
        store_kind=str(StoreKind(statement.store.kind).label),
        period_first=statement.run.period_start,
        period_last=statement.run.period_end - dt.timedelta(days=1),
        status=str(StatementStatus(statement.status).label),
        lines=lines,
        sales=[
            SaleView(
                row.kind, labels[row.kind], row.number, row.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), row.amount
            )
            for row in sales
        ],
        campaigns=campaigns,
        orders_total=sales_data.get("orders_total", "0.00"),
        refunds_total=sales_data.get("refunds_total", "0.00"),
        net_sales=share.get("net_sales", "0.00"),
        share_rate=share.get("share_rate", ""),
        tac_basis=tac.get("basis", ""),
        cap_per_visit=tac.get("cap_per_visit"),
        commission_payable=data.get(LineKind.COMMISSION, {}).get("payable", "0.00"),
        net=statement.net,
        who_owes=who_owes(statement.net),
    )
