"""The consumers' store pages (anyone): "stores near me", a store's page, and every store's QR code."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from o2o.api.permissions import PUBLIC
from o2o.errors import AppError
from o2o.portals.access import portal_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import PortalRequest
from stores import selectors
from stores.forms import NearForm
from stores.models import Store
from stores.qr import qr_png, qr_svg, store_page_url
from stores.views.common import StoreCard, card, week_hours

PAGE_SIZE = 10


def _near_page(
    request: PortalRequest,
    form: NearForm,
    *,
    cards: list[StoreCard] | None = None,
    total: int = 0,
    page: int = 1,
    error: AppError | None = None,
) -> HttpResponse:
    context = {
        "portal": "shop",
        "form": form,
        "cards": cards or [],
        "searched": cards is not None,
        "total": total,
        "page_number": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page * PAGE_SIZE < total else None,
    }
    template = "shop/stores/_results.html" if request.htmx else "shop/stores/near_me.html"
    response = render(request, template, context, status=error.status_code if error is not None else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _near_form(request: PortalRequest) -> NearForm:
    return NearForm(request.GET or None, cities=selectors.list_store_cities(tenant=request.tenant, active_only=True))


def _search_refused(request: PortalRequest, error: AppError) -> HttpResponse:
    form = _near_form(request)
    show_error(form, error)
    return _near_page(request, form, error=error)


@portal_page(PUBLIC, on_error=_search_refused)
def shop_store_list(request: PortalRequest) -> HttpResponse:
    """Stores near me: by the browser's position (`?lat=&lng=`, nearest first with the distance),
    or by a city picked from the list; optionally only those with a capability. An htmx request
    gets the results only. A position out of range is named on the form (400)."""
    form = _near_form(request)
    if form.is_bound:
        validated(form)
    if not form.is_bound or not form.has_search():
        return _near_page(request, form)
    data = form.cleaned_data
    page, capability = data["page"], data["capability"] or None
    offset = (page - 1) * PAGE_SIZE
    if data["lat"] is not None:
        found, total = selectors.nearest_stores(
            tenant=request.tenant,
            lat=data["lat"],
            lng=data["lng"],
            limit=PAGE_SIZE,
            offset=offset,
            capability=capability,
            city=data["city"] or None,
        )
        cards = [card(store, distance) for store, distance in found]
    else:
        stores, total = selectors.stores_in_city(
            tenant=request.tenant, city=data["city"], capability=capability, limit=PAGE_SIZE, offset=offset
        )
        cards = [card(store) for store in stores]
    return _near_page(request, form, cards=cards, total=total, page=page)


@portal_page(PUBLIC)
def shop_store_detail(request: PortalRequest, store_id: int) -> HttpResponse:
    """A store's public page: address, the week's hours, its services, what is in stock, its QR code."""
    tenant = request.tenant
    store = selectors.get_store(tenant=tenant, store_id=store_id)
    context = {
        "portal": "shop",
        "store": store,
        "card": card(store),
        "week": week_hours(store),
        "services": selectors.list_offered_services(tenant=tenant, store=store),
        "in_stock": selectors.list_in_stock(tenant=tenant, store=store),
    }
    return render(request, "shop/stores/detail.html", context)


shop_store_detail.resource_model = Store  # type: ignore[attr-defined]


def _qr_response(request: PortalRequest, store_id: int, *, kind: str) -> HttpResponse:
    store = selectors.get_store(tenant=request.tenant, store_id=store_id)
    url = store_page_url(request=request, tenant=request.tenant, store_id=store.pk)
    if kind == "svg":
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr_png(url), content_type="image/png")
    if request.GET.get("download"):
        safe_code = re.sub(r"[^A-Za-z0-9_-]", "_", store.code)
        response["Content-Disposition"] = f'attachment; filename="store-{safe_code}-qr.{kind}"'
    # the image depends on the host (and, on a bare host, on the brand picked in the session)
    patch_vary_headers(response, ["Host", "Cookie"])
    return response


@portal_page(PUBLIC)
def store_qr_svg(request: PortalRequest, store_id: int) -> HttpResponse:
    """The store's QR code as SVG: the absolute URL of its public page on the brand's host."""
    return _qr_response(request, store_id, kind="svg")


store_qr_svg.resource_model = Store  # type: ignore[attr-defined]


@portal_page(PUBLIC)
def store_qr_png(request: PortalRequest, store_id: int) -> HttpResponse:
    """The store's QR code as PNG (10 pixels a module)."""
    return _qr_response(request, store_id, kind="png")


store_qr_png.resource_model = Store  # type: ignore[attr-defined]
