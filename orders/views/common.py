"""What the order pages of the three portals share: times on the brand's clock, the audit trail in
the reader's language, the customer as a page shows them, the action forms of an order, the
store's and HQ's order page (and its answer to a refused action), and their actions on an order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from members.masking import mask_phone
from o2o.errors import AppError, InvalidInput, NotFound
from o2o.models import Tenant
from o2o.portals.errors import error_page
from o2o.portals.forms import validated
from o2o.tenancy.actor import Actor
from o2o.tenancy.request import SignedInPortalRequest
from orders import policies, selectors, services
from orders.choices import EventReason, OrderStatus, RoutingRule
from orders.forms import CancelForm, CompleteForm, RefundForm, RejectForm
from orders.models import Order, OrderEvent, OrderLine
from orders.services.fulfilment import COMPLETABLE, STAFF_CANCELLABLE
from stores.models import Store

STATUS_LABELS = dict(OrderStatus.choices)
RULE_LABELS = dict(RoutingRule.choices)
# what happened at a step of the history, by `EventReason` (those taking no argument)
REASON_NOTES = {
    EventReason.EXPIRED: gettext_noop("not accepted in time"),
    EventReason.ASSIGNED: gettext_noop("assigned by HQ"),
    EventReason.CANCELLED_BY_CUSTOMER: gettext_noop("cancelled by the customer"),
    EventReason.CANCELLED_BY_STORE: gettext_noop("cancelled by the store"),
    EventReason.CHECKED_IN: gettext_noop("the customer checked in"),
}
URGENT_SECONDS = 5 * 60
STORE_ACTIONS = ("accept", "reject", "ready", "complete", "cancel", "refund")  # on the store's and HQ's pages


def local_time(tenant: Tenant, at: dt.datetime | None) -> str:
    """`at` on the brand's clock, to the minute (`""` for none)."""
    if at is None:
        return ""
    return at.astimezone(ZoneInfo(tenant.timezone)).strftime("%Y-%m-%d %H:%M")


def countdown(accept_by: dt.datetime | None, now: dt.datetime) -> tuple[str, bool, bool]:
    """The text of the time left to accept, and whether it is urgent (under 5 minutes) or overdue.

    `12:05 left` (minutes:seconds), `overdue by 0:42`; computed here so that the page shows the
    same as the server decides (the sweep re-routes the order within a minute of the deadline).
    """
    if accept_by is None:
        return "", False, False
    seconds = int((accept_by - now).total_seconds())
    if seconds > 0:
        text = _("%(minutes)d:%(seconds)02d left") % {"minutes": seconds // 60, "seconds": seconds % 60}
        return text, seconds <= URGENT_SECONDS, False
    late = -seconds
    return _("overdue by %(minutes)d:%(seconds)02d") % {"minutes": late // 60, "seconds": late % 60}, True, True


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    status: str
    status_label: str
    store: Store | None
    note: str
    by: str


def event_note(event: OrderEvent) -> str:
    """What happened at a step of an order's history, in the active language: why (its
    `EventReason`), the routing rule that chose the store it went to, and what a person wrote
    (kept as written): "rejected: no staff today; Decided by: Nearest store"."""
    parts: list[str] = []
    note = event.note
    if event.reason == EventReason.REJECTED:
        parts.append(_("rejected: %(reason)s") % {"reason": note})
        note = ""
    elif event.reason == EventReason.REFUNDED:
        parts.append(_("refunded %(amount)s") % {"amount": event.amount})
    elif event.reason in REASON_NOTES:
        parts.append(_(REASON_NOTES[EventReason(event.reason)]))
    if event.rule and event.rule != RoutingRule.MANUAL:
        parts.append(_("Decided by: %(reason)s") % {"reason": RULE_LABELS.get(event.rule, event.rule)})
    if note:
        parts.append(note)
    return _("; ").join(parts)


def timeline(tenant: Tenant, events: Iterable[OrderEvent]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=local_time(tenant, event.at),
            status=event.to_status,
            status_label=str(STATUS_LABELS.get(event.to_status, event.to_status)),
            store=event.store,
            note=event_note(event),
            by=str(event.by) if event.by_id else "",
        )
        for event in events
    ]


@dataclass(frozen=True)
class CustomerView:
    """Who placed an order, as a page shows them: the store sees the phone masked (members.masking);
    HQ in full. The delivery's recipient and the pick-up code are the order's `shown` ones
    (`selectors.as_seen_by`)."""

    name: str
    phone: str


def customer_view(order: Order, *, masked: bool) -> CustomerView:
    """The customer of `order` (its member loaded with it: `selectors.get_order`)."""
    phone = str(order.member.phone)
    return CustomerView(name=order.member.name, phone=mask_phone(phone) if masked else phone)


def action_panel(actor: Actor, order: Order, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the page of `order` (with its details: `selectors.get_order`) offers its reader: the
    actions the policies allow them that the order's status may take (as the services say; they
    still have the last word, under the order's lock: 409), each with its form (bound to `data`
    when the page is re-rendered after a refusal, so that what was typed is kept)."""
    allowed = policies.allowed_actions(actor, order)
    status = order.status
    shown = {
        "accept": status == OrderStatus.ROUTED,
        "reject": status == OrderStatus.ROUTED,
        "ready": status == OrderStatus.ACCEPTED,
        "complete": status in COMPLETABLE,
        "cancel": status in STAFF_CANCELLABLE,
        "refund": status == OrderStatus.COMPLETED,
    }
    actions = {action for action in STORE_ACTIONS if action in allowed and shown[action]}
    posted = data.get("action") if data is not None else None

    def bound(action: str) -> Mapping[str, Any] | None:
        return data if posted == action else None

    lines: list[OrderLine] = order.line_list  # type: ignore[attr-defined]  # prefetched by `get_order`
    return {
        "actions": actions,
        "reject_form": RejectForm(bound("reject")),
        "cancel_form": CancelForm(bound("cancel")),
        "complete_form": CompleteForm(bound("complete")),
        "refund_form": RefundForm(bound("refund"), lines=lines) if "refund" in actions else None,
    }


# the extra context of a portal's order page: (request, order, the input of a refused action)
PageExtra = Callable[[SignedInPortalRequest, Order, Mapping[str, Any] | None], dict[str, Any]]


def order_page(
    request: SignedInPortalRequest,
    order: Order,
    *,
    portal: str,
    extra: PageExtra | None = None,
    error: AppError | None = None,
    data: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The order's page at the store or at HQ (`portal`: "store" or "hq"): its facts, customer,
    lines, history and the reader's actions, plus the portal's `extra` context; after a refused
    action, with `error` (and its status) and the forms bound to what was typed (`data`)."""
    tenant, actor = request.tenant, request.actor
    order = selectors.as_seen_by(actor, [order])[0]
    context = {
        "portal": portal,
        "order": order,
        "customer": customer_view(order, masked=not actor.is_hq),
        "placed_at": local_time(tenant, order.created_at),
        "timeline": timeline(tenant, selectors.list_order_events(tenant=tenant, order=order)),
        "error": error,
        "action_url": f"{portal}-order-action",
        **action_panel(actor, order, data),
        **(extra(request, order, data) if extra is not None else {}),
    }
    status = error.status_code if error is not None else 200
    return render(request, f"{portal}/orders/detail.html", context, status=status)


def refused_order_page(
    request: SignedInPortalRequest, error: AppError, order_id: int, *, portal: str, extra: PageExtra | None = None
) -> HttpResponse:
    """The order's page again after an action on it was refused: why, with its status, and the
    forms keeping what was typed; an order the reader may not see is the error page (404)."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    order = selectors.get_order(tenant=request.tenant, actor=request.actor, order_id=order_id)
    return order_page(request, order, portal=portal, extra=extra, error=error, data=request.POST)


def perform(request: SignedInPortalRequest, order: Order, data: QueryDict) -> str:
    """Run the store's or HQ's `action` of `data` on `order` when the policy allows the reader
    (403 else), with its form's input (400 when wrong); the message saying it is done. The service
    refuses what the order's status does not allow (409)."""
    action = data.get("action", "")
    if action not in STORE_ACTIONS:
        raise InvalidInput("action", _("Unknown action."))
    actor, tenant, user = request.actor, request.tenant, request.user
    policies.authorize(action, actor, order)
    number = {"number": order.number}
    if action == "accept":
        services.accept_order(tenant=tenant, order=order, by=user)
        return _("Order %(number)s accepted: prepare it for the customer.") % number
    if action == "reject":
        form = RejectForm(data)
        reason = validated(form, detail=_("Give the reason for rejecting order %(number)s.") % number)["reason"]
        order = services.reject_order(tenant=tenant, order=order, by=user, reason=reason)
        if order.status == OrderStatus.UNROUTABLE:
            return _("Order %(number)s rejected: no other store can take it, HQ will assign it.") % number
        return _("Order %(number)s rejected: it goes to another store.") % number
    if action == "ready":
        services.mark_ready(tenant=tenant, order=order, by=user)
        return _("Order %(number)s is ready for the customer.") % number
    if action == "complete":
        code = validated(CompleteForm(data))["pickup_code"]
        services.complete_order(tenant=tenant, order=order, by=user, pickup_code=code)
        return _("Order %(number)s completed.") % number
    if action == "cancel":
        reason = validated(CancelForm(data))["reason"]
        as_store = policies.cancels_as_store(actor, order)
        services.cancel_order(tenant=tenant, order=order, by=user, as_staff=as_store, reason=reason)
        return _("Order %(number)s cancelled.") % number
    refund_form = RefundForm(data, lines=selectors.list_order_lines(tenant=tenant, order=order))
    reason = validated(refund_form)["reason"]
    refund = services.refund_order(tenant=tenant, order=order, lines=refund_form.lines(), by=user, reason=reason)
    return _("Refunded %(amount)s of order %(number)s.") % {"amount": refund.amount, **number}


def now() -> dt.datetime:
    return timezone.now()
