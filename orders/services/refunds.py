"""Refunds of completed orders, by line and quantity, never more than what was paid."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from o2o import events
from o2o.errors import InvalidInput
from o2o.models import Tenant, User
from o2o.money import round_money
from orders.choices import EventReason, OrderStatus
from orders.events import ORDER_REFUNDED
from orders.models import Order, OrderLine, Refund, RefundLine
from orders.services.common import RefundLineInput, lock_order, log_order_event, require_status


@transaction.atomic
def refund_order(
    *, tenant: Tenant, order: Order, lines: Sequence[RefundLineInput], by: User | None, reason: str = ""
) -> Refund:
    """Give money back for `lines` of a completed order: each line's unit price x quantity, exact.

    Repeated lines are merged. A line is never refunded beyond its quantity, so the order never
    beyond its total (the database checks both). Records a Refund with its lines, raises the
    order's `refunded_amount` and its lines' `refunded_quantity`, and records
    `ORDER_REFUNDED`. Conflict (409) `illegal_transition` unless completed; InvalidInput (400) naming
    `lines` for a line of another order, a quantity below 1 or above what is left to refund; nothing
    is written then.
    """
    locked = lock_order(tenant=tenant, order=order)  # one refund of an order at a time
    require_status(locked, (OrderStatus.COMPLETED,), pgettext("order action", "refund"))
    if not lines:
        raise InvalidInput("lines", _("Name at least one line to refund."))
    wanted: dict[int, int] = {}
    for asked in lines:
        if asked.quantity < 1:
            raise InvalidInput("lines", _("A quantity is at least 1."))
        wanted[asked.line_id] = wanted.get(asked.line_id, 0) + asked.quantity
    order_lines = {line.pk: line for line in OrderLine.objects.filter(tenant=tenant, order=locked, pk__in=list(wanted))}
    for line_id, quantity in wanted.items():
        line = order_lines.get(line_id)
        if line is None:
            raise InvalidInput("lines", _("Line %(id)s is not a line of this order.") % {"id": line_id})
        left = line.quantity - line.refunded_quantity
        if quantity > left:
            raise InvalidInput(
                "lines",
                _("Line %(id)s: %(n)d to refund, but only %(left)d of %(q)d are left to refund.")
                % {"id": line_id, "n": quantity, "left": left, "q": line.quantity},
            )
    amounts = {line_id: round_money(order_lines[line_id].unit_price * q) for line_id, q in wanted.items()}
    total = sum(amounts.values(), Decimal("0"))
    refund = Refund.objects.create(tenant=tenant, order=locked, amount=total, reason=reason[:300], created_by=by)
    refund.line_list = RefundLine.objects.bulk_create(  # type: ignore[attr-defined]
        [
            RefundLine(tenant=tenant, refund=refund, line_id=line_id, quantity=q, amount=amounts[line_id])
            for line_id, q in sorted(wanted.items())
        ]
    )
    OrderLine.objects.filter(tenant=tenant, pk__in=list(wanted)).update(
        refunded_quantity=F("refunded_quantity")
        + Case(
            *[When(pk=pk, then=Value(q)) for pk, q in sorted(wanted.items())],
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    locked.refunded_amount = locked.refunded_amount + total
    locked.save(update_fields=["refunded_amount", "updated_at"])
    log_order_event(
        tenant=tenant,
        order=locked,
        from_status=OrderStatus.COMPLETED,
        by=by,
        reason=EventReason.REFUNDED,
        amount=total,
        note=reason,
    )
    events.record_event(tenant=tenant, name=ORDER_REFUNDED, order_id=locked.pk, refund_id=refund.pk)
    return refund
