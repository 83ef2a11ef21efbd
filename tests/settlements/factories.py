"""Rows the settlement tests read, written as the lower apps leave them: completed orders, refunds,
campaign spend, and the credits attribution computed (a touchpoint, a conversion, a credit).
Call inside the brand's tenant scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from attribution.choices import Channel, ConversionKind, TouchKind
from attribution.models import Campaign, CampaignSpend, Conversion, Credit, Touchpoint
from members.models import Member
from o2o.choices import AttributionModel
from o2o.models import Tenant
from orders.choices import Channel as OrderChannel
from orders.choices import Fulfilment, OrderStatus
from orders.models import Order, Refund
from stores.models import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> dt.datetime:
    """An instant on the brand's clock (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def member(tenant: Tenant) -> Member:
    number = next(_numbers)
    return Member.objects.create(tenant=tenant, phone=f"+86138{number:08d}", name=f"Member {number}")


def completed_order(
    tenant: Tenant, store: Store, total: str, at: dt.datetime, *, buyer: Member, channel: str = OrderChannel.O2O
) -> Order:
    return Order.objects.create(
        tenant=tenant,
        number=f"S{next(_numbers):09d}",
        member=buyer,
        store=store,
        fulfilment=Fulfilment.PICKUP,
        channel=channel,
        status=OrderStatus.COMPLETED,
        total_amount=Decimal(total),
        completed_at=at,
    )


def refund(tenant: Tenant, order: Order, amount: str, at: dt.datetime) -> Refund:
    made = Refund.objects.create(tenant=tenant, order=order, amount=Decimal(amount))
    Refund.objects.filter(pk=made.pk).update(created_at=at)
    Order.objects.filter(pk=order.pk).update(refunded_amount=order.refunded_amount + Decimal(amount))
    return made


def campaign(tenant: Tenant, name: str, channel: str = Channel.WECHAT) -> Campaign:
    return Campaign.objects.create(tenant=tenant, name=name, channel=channel, starts=dt.date(2025, 1, 1))


def spend(tenant: Tenant, of: Campaign, day: dt.date, amount: str) -> CampaignSpend:
    return CampaignSpend.objects.create(tenant=tenant, campaign=of, date=day, amount=Decimal(amount))


def credit(
    tenant: Tenant,
    of: Campaign,
    store: Store,
    share: str,
    at: dt.datetime,
    *,
    kind: str = ConversionKind.VISIT,
    model: str = AttributionModel.LINEAR,
    revenue: str = "0.00",
) -> Credit:
    """A conversion of `kind` at `store` credited `share` to `of` under `model`."""
    number = next(_numbers)
    touch = Touchpoint.objects.create(
        tenant=tenant,
        at=at - dt.timedelta(days=1),
        visitor_id=f"v{number}",
        kind=TouchKind.SCAN,
        campaign=of,
        channel=of.channel,
    )
    conversion = Conversion.objects.create(
        tenant=tenant, kind=kind, source_id=number, at=at, store=store, revenue=Decimal(revenue)
    )
    return Credit.objects.create(
        tenant=tenant,
        conversion=conversion,
        touchpoint=touch,
        model=model,
        share=Decimal(share),
        kind=kind,
        at=at,
        store=store,
        revenue=Decimal(revenue),
        campaign=of,
        channel=of.channel,
    )
