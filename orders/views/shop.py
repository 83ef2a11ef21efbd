"""The consumers' order pages: checkout with a store picker (each store's distance, whether it has
every item, the total at its prices, the store routing would pick), the confirmation and tracking
page of an order, a consumer's own orders, and cancelling one.

Anyone may check out: a signed-in consumer orders as their membership, anyone else gives a name and
a phone. The browser that placed an order sees its page without an account.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from catalog.selectors import list_services, list_skus
from o2o.api.permissions import PUBLIC
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.models import Tenant
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.actor import Actor
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest
from orders import policies, selectors, services
from orders.choices import Channel, Fulfilment, OrderStatus, RoutingRule
from orders.forms import CHECKOUT_FIELDS, CancelForm, CheckoutForm
from orders.models import Order
from orders.routing import REACH_REQUIRED
from orders.services.fulfilment import CONSUMER_CANCELLABLE
from orders.views.common import local_time, timeline

PAGE_SIZE = 20
PLACED_KEY = "orders.placed"  # the ids of the orders placed in this browser session (no account needed)
PLACED_KEPT = 20
POLL_SECONDS = 10
RULE_LABELS = dict(RoutingRule.choices)


# --- checkout ---------------------------------------------------------------------------------


def _checkout_form(request: PortalRequest, data: Any, *, for_order: bool = False) -> CheckoutForm:
    tenant = request.tenant
    return CheckoutForm(
        data,
        skus=list_skus(tenant=tenant, include_inactive=False),
        services=list_services(tenant=tenant, filters={}, include_inactive=False),
        for_order=for_order,
        needs_contact=not request.actor.is_consumer,
    )


def _order_form(request: PortalRequest) -> CheckoutForm:
    """The order as submitted; `pick_store` is one of the stores offered after a refusal."""
    data = request.POST.copy()
    if data.get("pick_store"):
        data["store"] = cast(str, data["pick_store"])  # the stubs allow a list for a key without values
    return _checkout_form(request, data, for_order=True)


def _picker(tenant: Tenant, form: CheckoutForm) -> selectors.Picker:
    """The store picker of the cart so far, or what the consumer must give first."""
    cart = form.cart()
    if cart is None:
        return selectors.Picker(prompt=_("Choose your items to see the stores that have them."))
    if cart.fulfilment in REACH_REQUIRED and not (cart.location.has_point or cart.location.district):
        return selectors.Picker(prompt=_("Share your location or give your district to see the stores that reach you."))
    return selectors.store_picker(tenant=tenant, cart=cart)


def _checkout_page(
    request: PortalRequest, form: CheckoutForm, *, refusal: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    picker = _picker(request.tenant, form)
    context = {
        "portal": "shop",
        "form": form,
        "picker": picker,
        "rule_label": str(RULE_LABELS.get(picker.rule, "")),
        "chosen_store_id": getattr(form, "cleaned_data", {}).get("store"),
        "chosen_slot": form.data.get("slot_start", "") if form.is_bound else "",
        "needs_contact": form.needs_contact,
        "refusal": refusal,
        "fulfilments": Fulfilment,
    }
    if request.htmx and request.method == "GET":
        response = render(request, "shop/orders/_store_picker.html", context)
    else:
        response = render(request, "shop/orders/checkout.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refusal(*, tenant: Tenant, error: AppError) -> dict[str, Any]:
    """What the page shows of a 422: the message, and the stores offered instead (with names)."""
    alternatives = error.extra.get("alternatives") or []
    stores = selectors.stores_by_id(tenant=tenant, ids=[item.get("store") for item in alternatives])
    return {
        "code": error.code,
        "detail": error.detail,
        "alternatives": [
            {"store": stores[item["store"]], "distance_km": item.get("distance_km")}
            for item in alternatives
            if item.get("store") in stores and stores[item["store"]].is_active
        ],
    }


def _checkout_refused(request: PortalRequest, error: AppError) -> HttpResponse:
    """The checkout again with the consumer's input: a 422 says why above the form, offering the
    nearest stores that could serve; another refusal goes next to the field it names."""
    form = _order_form(request)
    refusal = None
    if error.status_code == 422:
        form.full_clean()
        refusal = _refusal(tenant=request.tenant, error=error)
    else:
        show_error(form, error, fields=CHECKOUT_FIELDS)
    return _checkout_page(request, form, refusal=refusal, status=error.status_code)


def _remember(request: PortalRequest, order: Order) -> None:
    """Let this browser see the order it just placed, with or without an account."""
    placed = [order.pk, *[pk for pk in request.session.get(PLACED_KEY, []) if pk != order.pk]]
    request.session[PLACED_KEY] = placed[:PLACED_KEPT]


@portal_page(PUBLIC, on_error=_checkout_refused)
def shop_checkout(request: PortalRequest) -> HttpResponse:
    """Checkout. GET (or an htmx refresh) shows the form with the store picker for the cart so far;
    POST places the order (`orders.services.checkout`) and goes to its confirmation page.

    A refusal stays on this page, with what was typed: a chosen store that cannot serve (422) says
    why and offers the nearest stores that could (`pick_store` re-submits with one of them); no
    store at all (422); a full visit slot (409); a field the form or the service names (400).
    """
    if request.method != "POST":
        return _checkout_page(request, _checkout_form(request, request.GET or None))
    form = _order_form(request)
    values = validated(form)
    chosen_id = values.get("store")
    if not chosen_id and form.slot() is not None:  # the visit picked is at the picker's store
        chosen_id = values.get("slot_store")
    order = services.checkout(
        tenant=request.tenant,
        user=request.user if request.user.is_authenticated else None,
        as_consumer=not form.needs_contact,
        customer=form.customer(),
        lines=form.lines(),
        fulfilment=values["fulfilment"],
        location=form.location(),
        chosen_store_id=chosen_id,
        slot=form.slot(),
        delivery=form.delivery(),
        guide_code=values.get("guide_code", ""),
        channel=Channel.O2O,
    )
    _remember(request, order)
    messages.success(request, _("Thank you! Your order %(number)s is placed.") % {"number": order.number})
    return redirect("shop-order-detail", order_id=order.pk)


# --- their orders -----------------------------------------------------------------------------


def _as_consumer(request: PortalRequest) -> Actor:
    """The reader as a consumer, whatever other roles they hold: the shop shows their own orders."""
    return request.actor.acting_as({Role.CONSUMER})


def _shop_order(request: PortalRequest, order_id: int) -> Order | None:
    """The order if this browser placed it or it is the signed-in consumer's own, with what they
    read of it (`selectors.as_seen_by`: its delivery and pick-up code, the rule and its store's
    routing entry only); None when the visitor should sign in first; NotFound when it is not
    theirs (or not this brand's)."""
    consumer = _as_consumer(request)
    if order_id in request.session.get(PLACED_KEY, []):
        order = selectors.order_details(tenant=request.tenant, order_id=order_id)
        return selectors.as_seen_by(consumer, [order], placed_by_reader=True)[0]
    if not request.user.is_authenticated:
        return None
    order = selectors.get_order(tenant=request.tenant, actor=consumer, order_id=order_id)
    return selectors.as_seen_by(consumer, [order])[0]


def _render_order(request: PortalRequest, order: Order, *, error: AppError | None = None) -> HttpResponse:
    tenant = request.tenant
    consumer = _as_consumer(request)
    # the cancel button exactly when the service would let the consumer cancel (until accepted)
    may_cancel = order.status in CONSUMER_CANCELLABLE and policies.can_cancel_order(consumer, order)
    context = {
        "portal": "shop",
        "order": order,
        "timeline": timeline(tenant, selectors.list_order_events(tenant=tenant, order=order)),
        "placed_at": local_time(tenant, order.created_at),
        "is_open": order.status in (OrderStatus.ROUTED, OrderStatus.ACCEPTED, OrderStatus.READY),
        "poll_seconds": POLL_SECONDS,
        "cancel_form": CancelForm(request.POST if error is not None else None) if may_cancel else None,
        "error": error,
    }
    template = "shop/orders/_tracking.html" if request.htmx else "shop/orders/detail.html"
    response = render(request, template, context, status=error.status_code if error else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@portal_page(PUBLIC)
def shop_order_detail(request: PortalRequest, order_id: int) -> HttpResponse:
    """The confirmation and tracking page of an order: number, store, lines, total, and every
    step so far (its audit trail), re-read every few seconds while the order is open; the
    consumer who placed it may cancel it from here."""
    order = _shop_order(request, order_id)
    if order is None:
        return redirect_to_login(request.get_full_path())
    return _render_order(request, order)


shop_order_detail.resource_model = Order  # type: ignore[attr-defined]


@portal_page(Role.CONSUMER)
def shop_order_list(request: SignedInPortalRequest) -> HttpResponse:
    """The signed-in consumer's own orders, newest first (as a consumer, whatever other roles)."""
    orders = selectors.list_orders(tenant=request.tenant, actor=_as_consumer(request), filters={}, details=False)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"order": order, "placed_at": local_time(request.tenant, order.created_at)} for order in page]
    return render(request, "shop/orders/list.html", {"portal": "shop", "page": page, "rows": rows})


def _cancel_refused(request: SignedInPortalRequest, error: AppError, order_id: int) -> HttpResponse:
    """The order's page again, with why (409: the store has accepted it already)."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    order = _shop_order(request, order_id)
    assert order is not None  # the cancel page is for signed-in consumers
    return _render_order(request, order, error=error)


@portal_page(Role.CONSUMER, on_error=_cancel_refused)
def shop_order_cancel(request: SignedInPortalRequest, order_id: int) -> HttpResponse:
    """POST: the consumer cancels their own order (`reason` optional), then back to its page. Too
    late (the store has accepted it) is a 409 shown there, with nothing changed."""
    actor = _as_consumer(request)
    order = selectors.get_order(tenant=request.tenant, actor=actor, order_id=order_id, details=False)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    policies.authorize("cancel", actor, order)
    reason = validated(CancelForm(request.POST))["reason"]
    # the consumer's own cancel: this actor is narrowed to the consumer role, never the store's
    services.cancel_order(tenant=request.tenant, order=order, by=request.user, as_staff=False, reason=reason)
    messages.success(request, _("Order %(number)s cancelled.") % {"number": order.number})
    return redirect("shop-order-detail", order_id=order.pk)


shop_order_cancel.resource_model = Order  # type: ignore[attr-defined]
