"""The store portal's store pages: the dashboard of the store's manager (the store, its stock with
the counts set in place, its staff, its contract, its QR code), the store's stock for all its staff
(its guides read it, as through the API), and the QR code to print.

The store is always the reader's own post: no URL names a store, so none can name another one.
What each reader sees and does is `stores.policies`, asked as the API asks it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.models import Sku
from o2o.choices import STORE_ROLES, Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.panels import shown_panels
from o2o.tenancy.request import SignedInPortalRequest
from stores import policies, selectors
from stores.forms import StockForm
from stores.models import Store
from stores.qr import store_page_url
from stores.views.common import out_of_reach, stock_row, stock_row_refused, stock_rows


def _row_url(sku_id: int) -> str:
    return reverse("store-stock-row", args=[sku_id])


def _own_store(request: SignedInPortalRequest) -> Store | None:
    """The store of the reader's post (loaded with the actor, once per request), or None."""
    post = policies.staff_post(request.actor)
    return post.store if post is not None else None


def _dashboard(
    request: SignedInPortalRequest, *, bound: StockForm | None = None, sku_id: int = 0, error: AppError | None = None
) -> HttpResponse:
    actor, store = request.actor, _own_store(request)
    context: dict[str, Any] = {"portal": "store", "store": store, "error": error}
    if store is not None:
        tenant = request.tenant
        context["rows"] = stock_rows(request, store, _row_url, bound=bound, sku_id=sku_id)
        if policies.can_see_staff(actor, store):
            context["staff"] = selectors.list_staff(tenant=tenant, store=store)
        if policies.can_see_contract(actor, store):
            context["shows_contract"] = True
            today = selectors.tenant_today(tenant=tenant)
            context["contract"] = selectors.contract_on(tenant=tenant, store=store, on=today)
        context["panels"] = shown_panels("store", request)
    status = error.status_code if error is not None else 200
    return render(request, "store/dashboard.html", context, status=status)


@portal_page(Role.STORE_MANAGER)
def store_dashboard(request: SignedInPortalRequest) -> HttpResponse:
    """The manager's store: its stock (on hand editable in place), its staff, its contract in force,
    its QR code, and the panels the higher apps register (o2o.portals.panels: its funnel)."""
    return _dashboard(request)


@portal_page(*STORE_ROLES)
def store_stock(request: SignedInPortalRequest) -> HttpResponse:
    """The stock of the reader's store, for its staff: what is on hand, reserved and available of
    each SKU (its manager sets the counts in place, its guides read them)."""
    store = _own_store(request)
    context: dict[str, Any] = {"portal": "store", "store": store}
    if store is not None:
        policies.authorize("see_stock", request.actor, store)
        context["rows"] = stock_rows(request, store, _row_url)
    return render(request, "store/stock.html", context)


def _stock_refused(request: SignedInPortalRequest, error: AppError, sku_id: int) -> HttpResponse:
    def page(form: StockForm) -> HttpResponse:
        return _dashboard(request, bound=form, sku_id=sku_id, error=error)

    store = _own_store(request)
    if store is None or out_of_reach(error):
        return error_page(request, error)
    return stock_row_refused(request, error, store, sku_id, _row_url, page)


@portal_page(Role.STORE_MANAGER, on_error=_stock_refused)
def store_stock_row(request: SignedInPortalRequest, sku_id: int) -> HttpResponse:
    """One row of the manager's stock table (htmx): GET shows it, POST sets its on-hand count.

    A refusal changes nothing and shows why in the row, keeping what was typed: 400 (a count out of
    the API's bounds), 409 (below what open orders reserved). Without htmx, the dashboard again. A
    SKU the store holds no row of is a 404.
    """
    store = _own_store(request)
    if store is None:
        raise NotFound(_("You manage no store."))
    return stock_row(request, store, sku_id, _row_url, back="store-dashboard")


store_stock_row.resource_model = Sku  # type: ignore[attr-defined]


@portal_page(*STORE_ROLES)
def store_qr_print(request: SignedInPortalRequest) -> HttpResponse:
    """A printable page with the store's name, address and a big QR code of its public page."""
    store = _own_store(request)
    context: dict[str, object] = {"portal": "store", "store": store}
    if store is not None:
        context["qr_url"] = store_page_url(request=request, tenant=request.tenant, store_id=store.pk)
    return render(request, "store/qr_print.html", context)
