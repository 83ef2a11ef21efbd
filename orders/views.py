"""Portal pages of the orders app, thin: parse the request, call a selector or a service, render.

- Consumers (anyone may check out; a signed-in consumer orders as their membership, anyone else
  gives a name and a phone): checkout with a store picker (each store's distance, whether it has
  every item, the total at its prices, the store routing would pick), the confirmation and
  tracking page of an order, and a consumer's own orders.
- The store dashboard (store managers act; guides see): the incoming queue with the time left
  to accept each order (re-rendered by htmx every few seconds), accept / reject with a reason,
  then ready and complete.
- HQ: every order with filters, one order with its routing record and audit trail, and the queue
  of unroutable orders with assignment to a store by hand.

A service's refusal (409 illegal transition, 422 store cannot serve) is shown on the page, with
its status code, and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from catalog.selectors import list_services, list_skus, prices_for
from o2o.api.permissions import PUBLIC
from o2o.choices import HQ_ROLES, STORE_ROLES, Role
from o2o.errors import AppError, NotFound, Unprocessable
from o2o.models import Tenant
from o2o.money import round_money
from o2o.portals.access import portal_page
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest
from orders import selectors, services
from orders.choices import Channel, Exclusion, Fulfilment, OrderStatus, RoutingRule
from orders.forms import AssignForm, CheckoutForm, HqOrderFilterForm, RejectForm, show_service_error
from orders.models import Order, OrderEvent
from orders.routing import REACH_REQUIRED, Detail, choose_store, detail_text
from orders.services.common import unavailable_for_service
from stores.access import staff_post
from stores.models import Store
from stores.selectors import list_stores

HQ = (Role.HQ_ADMIN, Role.HQ_STAFF)
HQ_PAGE_SIZE = 25
SHOP_PAGE_SIZE = 20
PICKER_SIZE = 8  # stores shown in the checkout's store picker, nearest first
PLACED_KEY = "orders.placed"  # the ids of the orders placed in this browser session (no account needed)
PLACED_KEPT = 20
QUEUE_POLL_SECONDS = 5
QUEUE_STATUSES = (OrderStatus.ROUTED, OrderStatus.ACCEPTED, OrderStatus.READY)
URGENT_SECONDS = 5 * 60
EXCLUSION_LABELS = dict(Exclusion.choices)
RULE_LABELS = dict(RoutingRule.choices)
STATUS_LABELS = dict(OrderStatus.choices)


# --- shared helpers ---------------------------------------------------------------------------


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


def _order_or_404(request: SignedInPortalRequest, order_id: int, *, roles: Iterable[str] | None = None) -> Order:
    try:
        return selectors.get_order(
            tenant=request.tenant,
            user=request.user,
            roles=request.roles.names if roles is None else roles,
            order_id=order_id,
        )
    except NotFound as error:
        raise Http404(error.detail) from error


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    status: str
    status_label: str
    store: Store | None
    note: str
    by: str


def timeline(tenant: Tenant, events: Iterable[OrderEvent]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=local_time(tenant, event.at),
            status=event.to_status,
            status_label=str(STATUS_LABELS.get(event.to_status, event.to_status)),
            store=event.store,
            note=event.note,
            by=str(event.by) if event.by_id else "",
        )
        for event in events
    ]


# --- consumers: checkout ----------------------------------------------------------------------


def _is_consumer(request: PortalRequest) -> bool:
    return request.user.is_authenticated and Role.CONSUMER in request.roles.names


@dataclass(frozen=True)
class PickerRow:
    """A store as the checkout's picker shows it."""

    store: Store
    distance_km: float | None
    can_serve: bool
    why: str  # why it cannot serve this cart ("" when it can)
    total: Decimal | None  # the cart at the store's prices
    recommended: bool


@dataclass(frozen=True)
class SlotChoice:
    value: str  # the start, ISO 8601 with its offset
    label: str  # the start on the store's clock
    remaining: int


@dataclass
class Picker:
    rows: list[PickerRow] = field(default_factory=list)
    recommended: PickerRow | None = None
    rule_label: str = ""
    prompt: str = ""  # what the consumer must give first (items, a location)
    slot_store: Store | None = None
    slots: list[SlotChoice] = field(default_factory=list)
    slot_problem: str = ""


def _cart_totals(*, tenant: Tenant, stores: Iterable[Store], quantities: dict[int, int]) -> dict[int, Decimal]:
    """The cart's total at each store's regional prices (rules.md 1.7), one query per region."""
    by_region: dict[str, dict[int, Decimal]] = {}
    totals = {}
    for store in stores:
        if store.region not in by_region:
            by_region[store.region] = prices_for(tenant=tenant, sku_ids=list(quantities), region=store.region)
        prices = by_region[store.region]
        totals[store.pk] = sum(
            (round_money(prices[sku] * qty) for sku, qty in quantities.items() if sku in prices), Decimal("0.00")
        )
    return totals


def _slots(*, tenant: Tenant, form: CheckoutForm, store: Store) -> tuple[list[SlotChoice], str]:
    """The bookable times of the chosen service at `store` on the chosen day, or why none."""
    from bookings.slots import list_slots  # the bookings app (a lower layer) computes slots

    data = form.cleaned_data
    service, day = data.get("service"), data.get("visit_date")
    if service is None or day is None:
        return [], _("Choose a service and a day to see the visit times.")
    try:
        slots = list_slots(tenant=tenant, store=store, service=service, day=day, now=timezone.now())
    except AppError as error:
        return [], error.detail
    zone = ZoneInfo(store.timezone)
    choices = [
        SlotChoice(slot.start.isoformat(), slot.start.astimezone(zone).strftime("%H:%M"), slot.remaining)
        for slot in slots
    ]
    if not choices:
        return [], _("No visit times left that day at %(store)s.") % {"store": store.name}
    return choices, ""


def _picker_fields(form: CheckoutForm) -> list[str]:
    """The fields the picker reads (an error elsewhere, a missing phone, does not hide it)."""
    return ["fulfilment", "store", "lat", "lng", "district", "service", "visit_date", *form.quantity_names]


def store_picker(*, tenant: Tenant, form: CheckoutForm) -> Picker:
    """The stores that could serve the cart, nearest first, with the one routing would pick.

    Uses the routing rule itself (rules.md 1.1-1.3), so that what the picker recommends is where
    the order goes when the consumer leaves the choice to us.
    """
    if not form.is_bound or any(name in form.errors for name in _picker_fields(form)):
        return Picker(prompt=_("Choose your items to see the stores that have them."))
    quantities = form.quantities()
    if not quantities:
        return Picker(prompt=_("Choose your items to see the stores that have them."))
    data = form.cleaned_data
    fulfilment = data["fulfilment"]
    location = form.location()
    if fulfilment in REACH_REQUIRED and not (location.has_point or location.district):
        return Picker(prompt=_("Share your location or give your district to see the stores that reach you."))
    unavailable: dict[int, tuple[str, Detail]] = {}
    service = data.get("service")
    if fulfilment == Fulfilment.EXPERIENCE and service is not None:
        unavailable = unavailable_for_service(tenant=tenant, service_id=service.pk, service_name=service.name)
    decision = choose_store(
        tenant=tenant,
        fulfilment=fulfilment,
        quantities=quantities,
        sku_codes={sku.pk: sku.code for sku in form.skus},
        location=location,
        unavailable=unavailable,
    )
    stores = {store.pk: store for store in list_stores(tenant=tenant, filters={"active": "true"})}
    chosen_id = data.get("store")
    shown = [c for c in decision.considered if c.store in stores]
    first = shown[:PICKER_SIZE]
    first += [c for c in shown[PICKER_SIZE:] if c.store in {chosen_id, decision.store_id}]
    totals = _cart_totals(tenant=tenant, stores=[stores[c.store] for c in first], quantities=quantities)
    rows = []
    for considered in first:
        rows.append(
            PickerRow(
                store=stores[considered.store],
                distance_km=considered.distance_km,
                can_serve=considered.excluded is None,
                why=considered.why(),
                total=totals.get(considered.store),
                recommended=considered.store == decision.store_id,
            )
        )
    picker = Picker(rows=rows)
    picker.recommended = next((row for row in rows if row.recommended), None)
    picker.rule_label = str(RULE_LABELS.get(decision.rule, "")) if decision.store_id else ""
    if fulfilment == Fulfilment.EXPERIENCE:
        slot_store = stores.get(chosen_id) if chosen_id else None
        slot_store = slot_store or (picker.recommended.store if picker.recommended else None)
        if slot_store is not None:
            picker.slot_store = slot_store
            picker.slots, picker.slot_problem = _slots(tenant=tenant, form=form, store=slot_store)
    return picker


def _remember(request: PortalRequest, order: Order) -> None:
    """Let this browser see the order it just placed, with or without an account."""
    placed = [order.pk, *[pk for pk in request.session.get(PLACED_KEY, []) if pk != order.pk]]
    request.session[PLACED_KEY] = placed[:PLACED_KEPT]


def _checkout_form(request: PortalRequest, data: Any) -> CheckoutForm:
    tenant = request.tenant
    return CheckoutForm(
        data,
        skus=list_skus(tenant=tenant, include_inactive=False),
        services=list_services(tenant=tenant, filters={}, include_inactive=False),
    )


@portal_page(PUBLIC)
def shop_checkout(request: PortalRequest) -> HttpResponse:
    """Checkout. GET (or an htmx refresh) shows the form with the store picker for the cart so far;
    POST places the order (`orders.services.checkout`) and goes to its confirmation page.

    A refusal stays on this page: a chosen store that cannot serve (422) says why and offers the
    nearest stores that could (`pick_store` re-submits with one of them); no store at all (422);
    a full visit slot (409); a field the service names (400).
    """
    tenant = request.tenant
    needs_contact = not _is_consumer(request)
    refusal: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("pick_store"):  # one of the alternatives offered after a refusal
            data["store"] = cast(str, data["pick_store"])  # the stubs allow a list for a key without values
        form = _checkout_form(request, data)
        if form.validate_for_order(needs_contact=needs_contact):
            values = form.cleaned_data
            chosen_id = values.get("store")
            if not chosen_id and form.slot() is not None:  # the visit picked is at the picker's store
                chosen_id = values.get("slot_store")
            try:
                order = services.checkout(
                    tenant=tenant,
                    user=request.user if request.user.is_authenticated else None,
                    as_consumer=not needs_contact,
                    customer=form.customer(),
                    lines=form.lines(),
                    fulfilment=values["fulfilment"],
                    location=form.location(),
                    chosen_store_id=chosen_id,
                    slot=form.slot(),
                    guide_code=values.get("guide_code", ""),
                    channel=Channel.O2O,
                )
            except Unprocessable as error:
                refusal = _refusal(tenant=tenant, error=error)
                status = error.status_code
            except AppError as error:
                show_service_error(form, error)
                status = error.status_code
            else:
                _remember(request, order)
                messages.success(request, _("Thank you! Your order %(number)s is placed.") % {"number": order.number})
                return redirect("shop-order-detail", order_id=order.pk)
        else:
            status = 400
    else:
        form = _checkout_form(request, request.GET or None)
    context = {
        "portal": "shop",
        "form": form,
        "picker": store_picker(tenant=tenant, form=form),
        "chosen_store_id": getattr(form, "cleaned_data", {}).get("store"),
        "chosen_slot": form.data.get("slot_start", "") if form.is_bound else "",
        "needs_contact": needs_contact,
        "refusal": refusal,
        "fulfilments": Fulfilment,
    }
    if request.htmx and request.method == "GET":
        response = render(request, "shop/orders/_store_picker.html", context)
    else:
        response = render(request, "shop/orders/checkout.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refusal(*, tenant: Tenant, error: Unprocessable) -> dict[str, Any]:
    """What the page shows of a 422: the message, and the stores offered instead (with names)."""
    alternatives = error.extra.get("alternatives") or []
    stores = {store.pk: store for store in list_stores(tenant=tenant, filters={"active": "true"})}
    return {
        "code": error.code,
        "detail": error.detail,
        "alternatives": [
            {"store": stores[item["store"]], "distance_km": item.get("distance_km")}
            for item in alternatives
            if item.get("store") in stores
        ],
    }


# --- consumers: their orders ------------------------------------------------------------------


def _shop_order(request: PortalRequest, order_id: int) -> Order | None:
    """The order if this browser placed it or it is the signed-in consumer's own; None when the
    visitor should sign in first; Http404 when it is not theirs (or not this brand's)."""
    if order_id in request.session.get(PLACED_KEY, []):
        try:
            return selectors.order_details(tenant=request.tenant, order_id=order_id)
        except NotFound as error:
            raise Http404(error.detail) from error
    if not request.user.is_authenticated:
        return None
    signed_in = cast(SignedInPortalRequest, request)  # checked just above
    return _order_or_404(signed_in, order_id, roles={Role.CONSUMER} & request.roles.names)


@portal_page(PUBLIC)
def shop_order_detail(request: PortalRequest, order_id: int) -> HttpResponse:
    """The confirmation and tracking page of an order: number, store, lines, total, and every
    step so far (its audit trail), re-read every few seconds while the order is open."""
    order = _shop_order(request, order_id)
    if order is None:
        return redirect_to_login(request.get_full_path())
    events = selectors.list_order_events(tenant=request.tenant, order=order)
    context = {
        "portal": "shop",
        "order": order,
        "timeline": timeline(request.tenant, events),
        "placed_at": local_time(request.tenant, order.created_at),
        "is_open": order.status in (OrderStatus.ROUTED, OrderStatus.ACCEPTED, OrderStatus.READY),
        "poll_seconds": QUEUE_POLL_SECONDS * 2,
    }
    template = "shop/orders/_tracking.html" if request.htmx else "shop/orders/detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


shop_order_detail.resource_model = Order  # type: ignore[attr-defined]


@portal_page(Role.CONSUMER)
def shop_order_list(request: SignedInPortalRequest) -> HttpResponse:
    """The signed-in consumer's own orders, newest first (as a consumer, whatever other roles)."""
    orders = selectors.list_orders(tenant=request.tenant, user=request.user, roles={Role.CONSUMER}, filters={})
    page = Paginator(orders, SHOP_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"order": order, "placed_at": local_time(request.tenant, order.created_at)} for order in page]
    return render(request, "shop/orders/list.html", {"portal": "shop", "page": page, "rows": rows})


# --- the store dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    order: Order
    placed_at: str
    countdown: str = ""
    urgent: bool = False
    overdue: bool = False


def _queue_context(request: SignedInPortalRequest) -> dict[str, Any]:
    """The staff member's store, its routed orders (soonest deadline first) and those in progress."""
    tenant = request.tenant
    post = staff_post(tenant=tenant, user=request.user)
    context: dict[str, Any] = {"portal": "store", "store": None, "poll_seconds": QUEUE_POLL_SECONDS}
    if post is None:
        return context
    roles = request.roles.names & STORE_ROLES
    # one read for the three open states (the selector filters one status at a time)
    open_orders = selectors.list_orders(
        tenant=tenant, user=request.user, roles=roles, filters={"store": str(post.store_id)}
    ).filter(status__in=QUEUE_STATUSES)
    by_status: dict[str, list[Order]] = {status: [] for status in QUEUE_STATUSES}
    for order in open_orders:
        by_status[order.status].append(order)
    now = timezone.now()
    incoming = sorted(by_status[OrderStatus.ROUTED], key=lambda o: (o.accept_by or now, o.pk))
    context.update(
        {
            "store": post.store,
            "can_act": post.role == Role.STORE_MANAGER and Role.STORE_MANAGER in request.roles.names,
            "incoming": [
                QueueRow(order, local_time(tenant, order.created_at), *countdown(order.accept_by, now))
                for order in incoming
            ],
            "in_progress": [
                QueueRow(order, local_time(tenant, order.created_at))
                for status in (OrderStatus.READY, OrderStatus.ACCEPTED)
                for order in sorted(by_status[status], key=lambda o: (o.created_at, o.pk))
            ],
            "now": local_time(tenant, now),
        }
    )
    return context


def _render_queue(request: SignedInPortalRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    context = _queue_context(request) | {"error": error}
    if request.htmx:
        # htmx swaps only 2xx answers: the refusal is in the partial, the status says it too
        response = render(request, "store/orders/_queue.html", context)
        if status != 200:
            response["X-Order-Action-Status"] = str(status)
    else:
        response = render(request, "store/orders/queue.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@portal_page(Role.STORE_MANAGER, Role.GUIDE)
def store_order_queue(request: SignedInPortalRequest) -> HttpResponse:
    """The store's incoming orders with the time left to accept each, and those in progress.

    The queue re-renders itself every few seconds (htmx polling gets the partial only). Guides
    see it; the manager acts on it.
    """
    return _render_queue(request)


def _act(request: SignedInPortalRequest, order: Order, action: str) -> str:
    """Run the store's `action` on `order`; the success message. Raises AppError, or
    ValidationError for a missing reason."""
    tenant, user = request.tenant, request.user
    if action == "accept":
        order = services.accept_order(tenant=tenant, order=order, by=user)
        return _("Order %(number)s accepted: prepare it for the customer.") % {"number": order.number}
    if action == "reject":
        form = RejectForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Give the reason for rejecting order %(number)s.") % {"number": order.number})
        order = services.reject_order(tenant=tenant, order=order, by=user, reason=form.cleaned_data["reason"])
        if order.status == OrderStatus.UNROUTABLE:
            return _("Order %(number)s rejected: no other store can take it, HQ will assign it.") % {
                "number": order.number
            }
        return _("Order %(number)s rejected: it goes to another store.") % {"number": order.number}
    if action == "ready":
        order = services.mark_ready(tenant=tenant, order=order, by=user)
        return _("Order %(number)s is ready for the customer.") % {"number": order.number}
    if action == "complete":
        order = services.complete_order(tenant=tenant, order=order, by=user)
        return _("Order %(number)s completed.") % {"number": order.number}
    raise ValidationError(_("Unknown action."))


@portal_page(Role.STORE_MANAGER)
def store_order_action(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """POST `action` (accept, reject with `reason`, ready, complete) on an order of the manager's
    store, then the queue again: with the message of a 409 (nothing changed) when not allowed."""
    order = _order_or_404(request, order_id, roles=request.roles.names & STORE_ROLES)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    post = staff_post(tenant=request.tenant, user=request.user)
    if post is None or post.role != Role.STORE_MANAGER:
        raise PermissionDenied(_("Only the store's manager acts on its orders."))
    try:
        message = _act(request, order, request.POST.get("action", ""))
    except ValidationError as error:
        return _render_queue(request, error=" ".join(error.messages), status=400)
    except AppError as error:
        return _render_queue(request, error=error.detail, status=error.status_code)
    messages.success(request, message)
    if request.htmx:
        return _render_queue(request)
    return redirect("store-order-queue")


store_order_action.resource_model = Order  # type: ignore[attr-defined]


# --- HQ -----------------------------------------------------------------------------------------


def _hq_stores(tenant: Tenant, *, active_only: bool = False) -> list[Store]:
    return list(list_stores(tenant=tenant, filters={"active": "true"} if active_only else {}))


@portal_page(*HQ)
def hq_order_list(request: SignedInPortalRequest) -> HttpResponse:
    """Every order of the brand, newest first, filtered by status, store, the days placed, channel
    and fulfilment; 25 a page."""
    tenant = request.tenant
    form = HqOrderFilterForm(request.GET or None, stores=_hq_stores(tenant))
    orders = Order.objects.none()
    status = 200
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        try:
            orders = selectors.list_orders(
                tenant=tenant, user=request.user, roles=HQ_ROLES & request.roles.names, filters=filters
            )
        except ValidationError as error:
            for problem in error.messages:
                form.add_error(None, problem)
            status = 400
    else:
        status = 400
    page = Paginator(orders, HQ_PAGE_SIZE).get_page(request.GET.get("page"))
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


@portal_page(*HQ)
def hq_order_detail(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """One order: its lines, where it is, its routing record (every store considered, its distance,
    why it was excluded, the rule that chose) and its audit trail."""
    tenant = request.tenant
    order = _order_or_404(request, order_id, roles=HQ_ROLES & request.roles.names)
    stores = {store.pk: store for store in _hq_stores(tenant)}
    record = order.routing or {}
    context = {
        "portal": "hq",
        "order": order,
        "placed_at": local_time(tenant, order.created_at),
        "accept_by": local_time(tenant, order.accept_by),
        "routing_reason": str(RULE_LABELS.get(record.get("reason", ""), record.get("reason", ""))),
        "routing_rows": routing_rows(order, stores),
        "declined": [stores[pk] for pk in order.declined_store_ids if pk in stores],
        "timeline": timeline(tenant, selectors.list_order_events(tenant=tenant, order=order)),
        "assign_form": AssignForm(stores=[s for s in stores.values() if s.is_active], prefix=f"o{order.pk}")
        if order.status == OrderStatus.UNROUTABLE
        else None,
    }
    return render(request, "hq/orders/detail.html", context)


hq_order_detail.resource_model = Order  # type: ignore[attr-defined]


def _unroutable_page(
    request: SignedInPortalRequest, *, error: str = "", status: int = 200, form_for: Callable | None = None
) -> HttpResponse:
    tenant = request.tenant
    stores = _hq_stores(tenant, active_only=True)
    orders = selectors.list_orders(
        tenant=tenant,
        user=request.user,
        roles=HQ_ROLES & request.roles.names,
        filters={"status": OrderStatus.UNROUTABLE},
    )
    page = Paginator(orders, HQ_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "order": order,
            "placed_at": local_time(tenant, order.created_at),
            "declined": len(order.declined_store_ids),
            "form": (form_for(order) if form_for else None) or AssignForm(stores=stores, prefix=f"o{order.pk}"),
        }
        for order in page
    ]
    context = {"portal": "hq", "page": page, "rows": rows, "error": error}
    return render(request, "hq/orders/unroutable.html", context, status=status)


@portal_page(*HQ)
def hq_unroutable_orders(request: SignedInPortalRequest) -> HttpResponse:
    """The orders no store would take (every candidate declined or let them expire), newest
    first, each with a choice of the stores HQ may assign it to."""
    return _unroutable_page(request)


@portal_page(*HQ)
def hq_order_assign(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """POST `o<id>-store`: assign the unroutable order to that store (`orders.services.assign_store`),
    then back to the unroutable queue; a refusal (409: not unroutable any more, closed store, no
    stock there) is shown there with nothing changed."""
    tenant = request.tenant
    order = _order_or_404(request, order_id, roles=HQ_ROLES & request.roles.names)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stores = _hq_stores(tenant, active_only=True)
    form = AssignForm(request.POST, stores=stores, prefix=f"o{order.pk}")
    if not form.is_valid():
        return _unroutable_page(
            request,
            error=_("Choose the store for order %(number)s.") % {"number": order.number},
            status=400,
            form_for=lambda row: form if row.pk == order.pk else None,
        )
    store = form.cleaned_data["store"]
    try:
        order = services.assign_store(tenant=tenant, order=order, store=store, by=request.user)
    except AppError as error:
        return _unroutable_page(request, error=error.detail, status=error.status_code)
    messages.success(
        request,
        _("Order %(number)s assigned to %(store)s: it waits for the store to accept it.")
        % {"number": order.number, "store": f"{store.code} {store.name}"},
    )
    return redirect("hq-order-unroutable")


hq_order_assign.resource_model = Order  # type: ignore[attr-defined]
