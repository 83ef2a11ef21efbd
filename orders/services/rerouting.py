"""Re-routing (rules.md 1.6): a store rejects an order or lets its accept deadline pass, and the
order moves to the next store with its stock; when none is left it is `unroutable` for HQ, who may
assign it to a store by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.services import note_served
from o2o.errors import AppError, Conflict
from o2o.models import Tenant, User
from orders.choices import EventReason, Exclusion, Fulfilment, OrderStatus, RoutingRule
from orders.models import Order
from orders.routing import Detail, choose_store, shortage
from orders.services import stock
from orders.services.common import (
    location_of,
    lock_order,
    log_order_event,
    now,
    require_status,
    routing_record,
    set_deadline,
    sku_codes,
    unavailable_for_service,
)
from orders.services.fulfilment import cancel_visit, quantities_of
from orders.services.visits import book_slot
from stores.models import Store

SWEEP_BATCH = 500


class _Refused(Exception):
    """The store routing picked cannot take the order after all (stock gone, slot full)."""

    def __init__(self, exclusion: str, detail: Detail) -> None:
        super().__init__(str(detail))
        self.exclusion = exclusion
        self.detail = detail


@dataclass(frozen=True)
class _Visit:
    service_id: int
    service_name: str
    start_at: dt.datetime


def _visit_of(*, tenant: Tenant, order: Order) -> _Visit | None:
    if order.fulfilment != Fulfilment.EXPERIENCE or order.booking_id is None:
        return None
    from bookings.models import Booking

    booking = Booking.objects.select_related("service").get(tenant=tenant, pk=order.booking_id)
    return _Visit(booking.service_id, booking.service.name, booking.start_at)


def _take_over(
    *,
    tenant: Tenant,
    order: Order,
    store_id: int,
    quantities: dict[int, int],
    codes: dict[int, str],
    visit: _Visit | None,
    by: User | None,
) -> None:
    """Move the order's stock (and its visit) to `store_id`, or raise _Refused with nothing changed."""
    with transaction.atomic():  # a refusal rolls back the stock moved and the visit booked
        if order.store_id is not None:
            short = stock.move(tenant=tenant, from_store_id=order.store_id, to_store_id=store_id, quantities=quantities)
        else:
            short = stock.reserve(tenant=tenant, store_id=store_id, quantities=quantities)
        if short:
            raise _Refused(Exclusion.NO_STOCK, shortage(short, codes))
        if visit is not None:
            from catalog.models import Service

            store = Store.objects.get(tenant=tenant, pk=store_id)
            service = Service.objects.get(tenant=tenant, pk=visit.service_id)
            try:
                booking = book_slot(
                    tenant=tenant,
                    store=store,
                    service=service,
                    start_at=visit.start_at,
                    member=order.member,
                    visitor_id=order.visitor_id,
                    by=by,
                )
            except AppError as exc:
                raise _Refused(Exclusion.NO_SLOT, Detail.text(str(exc.detail))) from exc
            cancel_visit(tenant=tenant, order=order, by=by)
            order.booking = booking


def reroute(*, tenant: Tenant, order: Order, by: User | None, reason: str, note: str = "") -> Order:
    """Route the locked, routed `order` away from its store (which is then excluded for good)
    to the next store among the rest, moving its stock and visit; `unroutable` when none is left
    (its stock released, its visit cancelled). Records the transition; a new accept deadline for the
    new store. Records why (`reason`, an `EventReason`, with what the store wrote in `note`) and the
    rule that chose the next store. Call inside a transaction, with the order locked."""
    old_store_id = order.store_id
    assert old_store_id is not None
    at = now()
    declined = sorted({*order.declined_store_ids, old_store_id})
    order.declined_store_ids = declined
    quantities = quantities_of(tenant=tenant, order=order)
    codes = sku_codes(tenant=tenant, sku_ids=quantities)
    visit = _visit_of(tenant=tenant, order=order)
    guide_store = (order.routing or {}).get("guide_store")
    unavailable: dict[int, tuple[str, Detail]] = {}
    if visit is not None:
        unavailable = unavailable_for_service(
            tenant=tenant, service_id=visit.service_id, service_name=visit.service_name
        )
    while True:
        # the consumer's choice is no longer a rule here: the chosen store is the one that declined
        decision = choose_store(
            tenant=tenant,
            fulfilment=order.fulfilment,
            quantities=quantities,
            sku_codes=codes,
            location=location_of(order),
            guide_store_id=guide_store,
            declined=declined,
            unavailable=unavailable,
        )
        if decision.store_id is None:
            break
        try:
            _take_over(
                tenant=tenant,
                order=order,
                store_id=decision.store_id,
                quantities=quantities,
                codes=codes,
                visit=visit,
                by=by,
            )
        except _Refused as refused:
            unavailable[decision.store_id] = (refused.exclusion, refused.detail)
            continue
        break

    order.routing = routing_record(decision, guide_store_id=guide_store)
    if decision.store_id is None:
        stock.release(tenant=tenant, store_id=old_store_id, quantities=quantities)
        cancel_visit(tenant=tenant, order=order, by=by)
        order.status = OrderStatus.UNROUTABLE
        order.store = None
        order.routing_rule = ""
        order.routing["reason"] = "unroutable"
        order.accept_by = None
    else:
        order.store_id = decision.store_id
        order.routing_rule = decision.rule
        set_deadline(tenant=tenant, order=order, now=at)
    order.save(
        update_fields=[
            "status",
            "store",
            "routing_rule",
            "routing",
            "declined_store_ids",
            "accept_by",
            "booking",
            "updated_at",
        ]
    )
    log_order_event(
        tenant=tenant,
        order=order,
        from_status=OrderStatus.ROUTED,
        by=by,
        reason=reason,
        rule=order.routing_rule,
        note=note,
        store_id=old_store_id,
    )
    if order.store is not None:
        note_served(tenant=tenant, member=order.member, store=order.store)
    return order


@transaction.atomic
def reject_order(*, tenant: Tenant, order: Order, by: User | None, reason: str) -> Order:
    """The assigned store declines the order (with a reason): it is re-routed among the other
    stores, never back to one that declined, its reservation moved with it; `unroutable` when no
    store is left. Conflict (409) `illegal_transition` unless routed."""
    locked = lock_order(tenant=tenant, order=order)
    require_status(locked, (OrderStatus.ROUTED,), pgettext("order action", "reject"))
    return reroute(tenant=tenant, order=locked, by=by, reason=EventReason.REJECTED, note=reason)


@transaction.atomic
def expire_if_unaccepted(*, tenant: Tenant, order_id: int, store_id: int | None = None) -> bool:
    """Re-route an order its store did not accept by the deadline (as if the store rejected it).

    Only when the order is still `routed`, past `accept_by`, and (when given) still at
    `store_id`: running it twice, late, or after the store accepted changes nothing. Returns
    whether the order moved.
    """
    locked = Order.objects.select_for_update(of=("self",)).filter(tenant=tenant, pk=order_id).first()
    if locked is None or locked.status != OrderStatus.ROUTED or locked.accept_by is None:
        return False
    if (store_id is not None and locked.store_id != store_id) or locked.accept_by > now():
        return False
    reroute(tenant=tenant, order=locked, by=None, reason=EventReason.EXPIRED)
    return True


def sweep_expired_orders(*, tenant: Tenant) -> int:
    """Re-route every routed order of `tenant` past its accept deadline (what enforces the
    deadline: beat runs it every minute), oldest deadline first, at most SWEEP_BATCH per run.
    Returns how many moved."""
    due = list(
        Order.objects.filter(tenant=tenant, status=OrderStatus.ROUTED, accept_by__lte=now())
        .order_by("accept_by", "pk")
        .values_list("pk", "store_id")[:SWEEP_BATCH]
    )
    return sum(expire_if_unaccepted(tenant=tenant, order_id=pk, store_id=store_id) for pk, store_id in due)


@transaction.atomic
def assign_store(*, tenant: Tenant, order: Order, store: Store, by: User | None) -> Order:
    """HQ assigns an unroutable order to `store` by hand: unroutable -> routed (rule `manual`).

    The stock is reserved there (Conflict `no_stock` naming the SKUs when it lacks some), an
    experience order books its visit there; a new accept deadline. Conflict (409)
    `illegal_transition` unless unroutable, `store_inactive` for a closed store.
    """
    locked = lock_order(tenant=tenant, order=order)
    require_status(locked, (OrderStatus.UNROUTABLE,), pgettext("order action", "assign"))
    if not store.is_active:
        raise Conflict(_("The store %(code)s is closed.") % {"code": store.code}, code="store_inactive")
    quantities = quantities_of(tenant=tenant, order=locked)
    codes = sku_codes(tenant=tenant, sku_ids=quantities)
    at = now()
    try:
        _take_over(
            tenant=tenant,
            order=locked,
            store_id=store.pk,
            quantities=quantities,
            codes=codes,
            visit=_visit_of(tenant=tenant, order=locked),
            by=by,
        )
    except _Refused as refused:
        raise Conflict(
            _("%(code)s cannot take this order: %(why)s.") % {"code": store.code, "why": str(refused.detail)},
            code=refused.exclusion,
        ) from None
    locked.status = OrderStatus.ROUTED
    locked.store = store
    locked.routing_rule = RoutingRule.MANUAL
    locked.routing = {
        "reason": RoutingRule.MANUAL,
        "store": store.pk,
        "candidates": [],
        "guide_store": (locked.routing or {}).get("guide_store"),
    }
    set_deadline(tenant=tenant, order=locked, now=at)
    locked.save(update_fields=["status", "store", "routing_rule", "routing", "accept_by", "booking", "updated_at"])
    log_order_event(
        tenant=tenant,
        order=locked,
        from_status=OrderStatus.UNROUTABLE,
        by=by,
        reason=EventReason.ASSIGNED,
        rule=RoutingRule.MANUAL,
    )
    note_served(tenant=tenant, member=locked.member, store=store)
    return locked
