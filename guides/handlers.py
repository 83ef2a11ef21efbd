"""The guides app's handlers of the orders app's events (o2o.events): commissions created when an
order completes, reduced or clawed back when it is refunded. Both safe to run twice."""

from __future__ import annotations

from guides.services import commissions
from o2o.events import handles
from o2o.events.models import Event
from o2o.models import Tenant
from orders.events import ORDER_COMPLETED, ORDER_REFUNDED


@handles(ORDER_COMPLETED, key="guides.commissions_on_completion")
def commissions_on_completion(*, tenant: Tenant, event: Event) -> None:
    """One pending commission per credited line (rules.md 4.2, 4.4)."""
    commissions.credit_order(tenant=tenant, order_id=event.payload["order_id"])


@handles(ORDER_REFUNDED, key="guides.commissions_on_refund")
def commissions_on_refund(*, tenant: Tenant, event: Event) -> None:
    """A refund reverses, reduces or claws back the lines' commissions (rules.md 4.5)."""
    commissions.apply_refund(tenant=tenant, order_id=event.payload["order_id"], refund_id=event.payload["refund_id"])
