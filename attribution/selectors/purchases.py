"""What the repurchase and retention reports count as a purchase: an order of a member that is not
cancelled and not of a B2C marketplace channel (the orders' `b2c` channel, and the marketplace
shops of `attribution.choices.B2C_CHANNELS` should an order carry one): the O2O metrics stay O2O
(rules.md 3.2). Its day and month are the order's creation, in the brand's time zone."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attribution.choices import B2C_CHANNELS
from o2o.models import Tenant
from orders.choices import Channel as OrderChannel
from orders.choices import OrderStatus
from orders.models import Order, OrderLine

EXCLUDED_CHANNELS = sorted({str(OrderChannel.B2C), *(str(channel) for channel in B2C_CHANNELS)})


def purchase_orders(*, tenant: Tenant) -> QuerySet[Order]:
    """The brand's orders that are purchases (see the module)."""
    return (
        Order.objects.filter(tenant=tenant)
        .exclude(status=OrderStatus.CANCELLED)
        .exclude(channel__in=EXCLUDED_CHANNELS)
        .order_by()
    )


def purchase_lines(*, tenant: Tenant) -> QuerySet[OrderLine]:
    """The lines of the brand's purchase orders."""
    return (
        OrderLine.objects.filter(tenant=tenant)
        .exclude(order__status=OrderStatus.CANCELLED)
        .exclude(order__channel__in=EXCLUDED_CHANNELS)
        .order_by()
    )


def compiled(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of `queryset`, to use as a sub-query of a report's statement."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)
