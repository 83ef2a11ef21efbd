"""HQ's order pages: every order with filters, one order with its routing record, its audit trail
and HQ's actions on it, and the queue of unroutable orders with assignment to a store by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.forms import validated
from o2o.tenancy.request import SignedInPortalRequest
from orders import policies, selectors, services
from orders.choices import Exclusion, OrderStatus
from orders.forms import AssignForm, HqOrderFilterForm
from orders.models import Order
from orders.routing import detail_text
from orders.views.common import RULE_LABELS, local_time, order_page, perform, refused_order_page
from stores.models import Store

HQ = (Role.HQ_ADMIN, Role.HQ_STAFF)
PAGE_SIZE = 25
EXCLUSION_LABELS = dict(Exclusion.choices)


@portal_page(*HQ)
def hq_order_list(request: SignedInPortalRequest) -> HttpResponse:
    """Every order of the brand, newest first, filtered by status, store, the days placed, channel
    and fulfilment; 25 a page. A bad filter is named on the form (400)."""
    tenant = request.tenant
    form = HqOrderFilterForm(request.GET or None, stores=selectors.list_order_stores(tenant=tenant))
    orders, status = Order.objects.none(), 400
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        orders = selectors.list_orders(tenant=tenant, actor=request.actor, filters=filters, details=False)
        status = 200
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"order": order, "placed_at": local_time(tenant, order.created_at)} for order in page]
    context = {"portal": "hq", "form": form, "page": page, "rows": rows}
    return render(request, "hq/orders/list.html", context, status=status)


@dataclass(frozen=True)
class RoutingRow:
    store_id: int
    code: str
    name: str
    distance_km: float | None
    excluded: str
    detail: str
    chosen: bool


def routing_rows(order: Order, stores: dict[int, Store]) -> list[RoutingRow]:
    record = order.routing or {}
    rows = []
    for candidate in record.get("candidates", []):
        store = stores.get(candidate.get("store"))
        excluded = candidate.get("excluded")
        rows.append(
            RoutingRow(
                store_id=candidate.get("store"),
                code=candidate.get("code", ""),
                name=store.name if store else "",
                distance_km=candidate.get("distance_km"),
                excluded=str(EXCLUSION_LABELS.get(excluded, excluded)) if excluded else "",
                detail=detail_text(candidate),
                chosen=candidate.get("store") == record.get("store") and not excluded,
            )
        )
    return rows


def _order_extra(request: SignedInPortalRequest, order: Order, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """What HQ's order page adds: the routing record with the stores' names, the stores that
    declined, the accept deadline, and the form assigning an unroutable order to a store."""
    tenant = request.tenant
    record = order.routing or {}
    named = {c.get("store") for c in record.get("candidates", [])} | set(order.declined_store_ids)
    stores = selectors.stores_by_id(tenant=tenant, ids=named)
    assign_form = None
    if order.status == OrderStatus.UNROUTABLE and policies.can_assign_order(request.actor, order):
        choices = selectors.list_order_stores(tenant=tenant, active_only=True)
        posted = data if data is not None and data.get("action") == "assign" else None
        assign_form = AssignForm(posted, stores=choices, prefix=f"o{order.pk}")
    return {
        "accept_by": local_time(tenant, order.accept_by),
        "routing_reason": str(RULE_LABELS.get(record.get("reason", ""), record.get("reason", ""))),
        "routing_rows": routing_rows(order, stores),
        "declined": [stores[pk] for pk in order.declined_store_ids if pk in stores],
        "assign_form": assign_form,
    }


@portal_page(*HQ)
def hq_order_detail(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """One order: its customer, a delivery's recipient and address or a pick-up code, its lines,
    where it is, its routing record (every store considered, its distance, why it was excluded,
    the rule that chose), its audit trail, and HQ's actions on it."""
    order = selectors.get_order(tenant=request.tenant, actor=request.actor, order_id=order_id)
    return order_page(request, order, portal="hq", extra=_order_extra)


hq_order_detail.resource_model = Order  # type: ignore[attr-defined]


def _action_refused(request: SignedInPortalRequest, error: AppError, order_id: int) -> HttpResponse:
    """The order's page again, with why, its forms keeping what was typed."""
    return refused_order_page(request, error, order_id, portal="hq", extra=_order_extra)


@portal_page(*HQ, on_error=_action_refused)
def hq_order_action(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """POST `action` (accept, reject with `reason`, ready, complete, cancel with `reason`, refund
    with `qty_<line id>`) on an order, then back to its page; a refusal is shown there (403, 409,
    400) with nothing changed."""
    order = selectors.get_order(tenant=request.tenant, actor=request.actor, order_id=order_id, details=False)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    messages.success(request, perform(request, order, request.POST))
    return redirect("hq-order-detail", order_id=order.pk)


hq_order_action.resource_model = Order  # type: ignore[attr-defined]


def _unroutable_page(
    request: SignedInPortalRequest, *, error: AppError | None = None, posted: int | None = None
) -> HttpResponse:
    tenant = request.tenant
    stores = selectors.list_order_stores(tenant=tenant, active_only=True)
    orders = selectors.list_unroutable_orders(tenant=tenant, actor=request.actor)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "order": order,
            "placed_at": local_time(tenant, order.created_at),
            "declined": len(order.declined_store_ids),
            # the form just refused keeps what was chosen
            "form": AssignForm(request.POST if order.pk == posted else None, stores=stores, prefix=f"o{order.pk}"),
        }
        for order in page
    ]
    context = {"portal": "hq", "page": page, "rows": rows, "error": error}
    return render(request, "hq/orders/unroutable.html", context, status=error.status_code if error else 200)


@portal_page(*HQ)
def hq_unroutable_orders(request: SignedInPortalRequest) -> HttpResponse:
    """The orders no store would take (every candidate declined or let them expire), newest
    first, each with a choice of the stores HQ may assign it to."""
    return _unroutable_page(request)


def _assign_refused(request: SignedInPortalRequest, error: AppError, order_id: int) -> HttpResponse:
    """The unroutable queue again, with why; the refused order's form keeps the store chosen."""
    if request.POST.get("page") == "detail" and not isinstance(error, NotFound):
        return _action_refused(request, error, order_id)
    return _unroutable_page(request, error=error, posted=order_id)


@portal_page(*HQ, on_error=_assign_refused)
def hq_order_assign(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """POST `o<id>-store`: assign the unroutable order to that store (`orders.services.assign_store`),
    then back to the unroutable queue; a refusal (409: not unroutable any more, closed store, no
    stock there; 400: no store chosen) is shown there with nothing changed."""
    tenant, actor = request.tenant, request.actor
    order = selectors.get_order(tenant=tenant, actor=actor, order_id=order_id, details=False)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    policies.authorize("assign", actor, order)
    form = AssignForm(
        request.POST, stores=selectors.list_order_stores(tenant=tenant, active_only=True), prefix=f"o{order.pk}"
    )
    validated(form, detail=_("Choose the store for order %(number)s.") % {"number": order.number})
    store = form.chosen_store()
    order = services.assign_store(tenant=tenant, order=order, store=store, by=request.user)
    messages.success(
        request,
        _("Order %(number)s assigned to %(store)s: it waits for the store to accept it.")
        % {"number": order.number, "store": f"{store.code} {store.name}"},
    )
    return redirect("hq-order-unroutable")


hq_order_assign.resource_model = Order  # type: ignore[attr-defined]
