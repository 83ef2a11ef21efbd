"""The store dashboard's order pages: the queue of the store's open orders with the time left to
accept each (re-rendered by htmx every few seconds), one order of the store, and the store's
actions on an order (accept, reject with a reason, ready, complete, cancel; refund for the
manager), each allowed by `orders.policies` exactly as through the API. Each order shows its
customer (the phone masked), a delivery's recipient and address, a pick-up order's code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.tenancy.request import SignedInPortalRequest
from orders import policies, selectors
from orders.choices import OrderStatus
from orders.models import Order
from orders.views.common import (
    CustomerView,
    countdown,
    customer_view,
    local_time,
    now,
    order_page,
    perform,
    refused_order_page,
)
from stores.policies import staff_post

QUEUE_POLL_SECONDS = 5
STORE_ROLES = (Role.STORE_MANAGER, Role.GUIDE)


@dataclass(frozen=True)
class QueueRow:
    order: Order  # with what the reader may read of it (`selectors.as_seen_by`)
    placed_at: str
    actions: frozenset[str]  # what the reader may do to it (`orders.policies`)
    customer: CustomerView
    countdown: str = ""
    urgent: bool = False
    overdue: bool = False


def _queue_context(request: SignedInPortalRequest) -> dict[str, Any]:
    """The staff member's store, its routed orders (soonest deadline first) and those in progress
    (ready first), each with the actions the reader may take."""
    tenant, actor = request.tenant, request.actor
    post = staff_post(actor)
    context: dict[str, Any] = {"portal": "store", "store": None, "poll_seconds": QUEUE_POLL_SECONDS}
    if post is None:
        return context
    at = now()
    incoming, in_progress = [], []
    queue = selectors.list_store_queue(tenant=tenant, actor=actor, store_id=post.store_id)
    for order in selectors.as_seen_by(actor, queue):
        placed_at, actions = local_time(tenant, order.created_at), policies.allowed_actions(actor, order)
        customer = customer_view(order, masked=not actor.is_hq)
        if order.status == OrderStatus.ROUTED:
            incoming.append(QueueRow(order, placed_at, actions, customer, *countdown(order.accept_by, at)))
        else:
            in_progress.append(QueueRow(order, placed_at, actions, customer))
    incoming.sort(key=lambda row: (row.order.accept_by or at, row.order.pk))
    in_progress.sort(key=lambda row: (row.order.status != OrderStatus.READY, row.order.created_at, row.order.pk))
    context |= {
        "store": post.store,
        "incoming": incoming,
        "in_progress": in_progress,
        "can_act": any(row.actions for row in incoming + in_progress),
        "now": local_time(tenant, at),
    }
    return context


def _render_queue(request: SignedInPortalRequest, *, error: AppError | None = None) -> HttpResponse:
    context = _queue_context(request) | {"error": error}
    status = error.status_code if error is not None else 200
    if request.htmx:
        response = render(request, "store/orders/_queue.html", context, status=status)
    else:
        response = render(request, "store/orders/queue.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@portal_page(*STORE_ROLES)
def store_order_queue(request: SignedInPortalRequest) -> HttpResponse:
    """The store's incoming orders with the time left to accept each, and those in progress.

    The queue re-renders itself every few seconds (htmx polling gets the partial only). The
    store's staff act on it: its manager and its guides (`orders.policies`).
    """
    return _render_queue(request)


@portal_page(*STORE_ROLES)
def store_order_detail(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """One order of the store: its customer, a delivery's recipient and address or a pick-up
    code, its lines, its audit trail and the actions the reader may take."""
    order = selectors.get_order(tenant=request.tenant, actor=request.actor, order_id=order_id)
    return order_page(request, order, portal="store")


store_order_detail.resource_model = Order  # type: ignore[attr-defined]


def _action_refused(request: SignedInPortalRequest, error: AppError, order_id: int) -> HttpResponse:
    """The page the refused action came from, with why: the order's page (its forms keeping what
    was typed), else the queue."""
    if request.POST.get("page") == "detail" and not isinstance(error, NotFound):
        return refused_order_page(request, error, order_id, portal="store")
    return _render_queue(request, error=error)


@portal_page(*STORE_ROLES, on_error=_action_refused)
def store_order_action(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """POST `action` (accept, reject with `reason`, ready, complete, cancel with `reason`, refund
    with `qty_<line id>`) on an order of the store; then back to the page it came from (`page`:
    the queue, or `detail` for the order's page). A refusal is shown there with its status, and
    nothing changed: 403 (the policy), 404 (not the store's order), 409 (its status), 400 (a
    missing reason, a pick-up code that is not the order's)."""
    order = selectors.get_order(tenant=request.tenant, actor=request.actor, order_id=order_id, details=False)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    messages.success(request, perform(request, order, request.POST))
    if request.POST.get("page") == "detail" and request.POST.get("action") != "reject":  # a rejected one left
        return redirect("store-order-detail", order_id=order.pk)
    if request.htmx:
        return _render_queue(request)
    return redirect("store-order-queue")


store_order_action.resource_model = Order  # type: ignore[attr-defined]
