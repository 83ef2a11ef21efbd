"""HQ's store pages (HQ admin and staff): the store list with its filters, a new store, the store
editor (its fields, its contract terms and its staff, one form each) and the store's stock with
its counts set in place.

A refused form comes back bound to what was typed, the error at its field (`show_error`), with the
other forms of the page fresh, and nothing written (the pages' error boundary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from o2o.choices import HQ_ROLES
from o2o.errors import AppError, InvalidInput
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores import policies, selectors, services
from stores.choices import Capability, StoreKind
from stores.forms import ContractForm, StaffForm, StockForm, StoreForm
from stores.models import Store
from stores.qr import store_page_url
from stores.views.common import card, out_of_reach, stock_row, stock_row_refused, stock_rows

HQ = tuple(sorted(HQ_ROLES))
PAGE_SIZE = 25
FILTERS = ("kind", "city", "capability", "active", "q")


# --- the store list -------------------------------------------------------------------------------


def _filters(request: SignedInPortalRequest) -> dict[str, str]:
    return {key: value for key in FILTERS if (value := request.GET.get(key, "").strip())}


def _store_list(
    request: SignedInPortalRequest, stores: QuerySet[Store], *, error: AppError | None = None
) -> HttpResponse:
    filters = _filters(request)
    form = selectors.store_filter_form(filters)
    if error is not None:
        show_error(form, error)
    page = Paginator(stores, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "portal": "hq",
        "page": page,
        "cards": [card(store) for store in page.object_list],
        "filters": filters,
        "form": form,
        "error": error,
        "kinds": StoreKind.choices,
        "capabilities": Capability.choices,
        "cities": selectors.list_store_cities(tenant=request.tenant, active_only=False),
    }
    status = error.status_code if error is not None else 200
    return render(request, "hq/stores/list.html", context, status=status)


def _list_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    return _store_list(request, Store.objects.none(), error=error)


@portal_page(*HQ, on_error=_list_refused)
def hq_store_list(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's stores, filtered by kind, city, capability, active and a search, 25 a page. A bad
    filter is named on the list page (400), which then lists nothing."""
    filters = _filters(request)
    validated(selectors.store_filter_form(filters))
    return _store_list(request, selectors.list_stores(tenant=request.tenant, filters=filters))


# --- a new store ----------------------------------------------------------------------------------


def _new_store_page(request: SignedInPortalRequest, form: StoreForm, error: AppError | None = None) -> HttpResponse:
    status = error.status_code if error is not None else 200
    return render(request, "hq/stores/create.html", {"portal": "hq", "form": form, "error": error}, status=status)


def _create_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    form = StoreForm(request.POST)
    show_error(form, error)
    return _new_store_page(request, form, error)


@portal_page(*HQ, on_error=_create_refused)
def hq_store_create(request: SignedInPortalRequest) -> HttpResponse:
    """A new store; its contract starts with the defaults of its kind (rules.md 5.2)."""
    policies.authorize_create_store(request.actor)
    if request.method != "POST":
        return _new_store_page(request, StoreForm())
    form = StoreForm(request.POST)
    validated(form)
    store = services.create_store(tenant=request.tenant, data=form.to_input())
    messages.success(request, _("Store %(code)s created.") % {"code": store.code})
    return redirect("hq-store-edit", store_id=store.pk)


# --- the store editor -----------------------------------------------------------------------------


def _editor(
    request: SignedInPortalRequest, store: Store, *, posted: str | None = None, error: AppError | None = None
) -> HttpResponse:
    """The editor of `store`: its three forms fresh, but the one `posted` (when refused) bound to
    what was typed, with the error."""
    tenant, actor = request.tenant, request.actor
    today = selectors.tenant_today(tenant=tenant)
    forms: dict[str, Any] = {
        "store": StoreForm(initial=StoreForm.initial_for(store)),
        "contract": ContractForm(initial={"valid_from": today + dt.timedelta(days=1)}),
        "staff": StaffForm(),
    }
    if error is not None and posted in forms:
        forms[posted] = type(forms[posted])(request.POST)
        show_error(forms[posted], error)
    context: dict[str, Any] = {
        "portal": "hq",
        "store": store,
        "error": error,
        "form": forms["store"],
        "contract_form": forms["contract"],
        "staff_form": forms["staff"],
        "qr_url": store_page_url(request=request, tenant=tenant, store_id=store.pk),
    }
    if policies.can_see_contract(actor, store):
        context["contract"] = selectors.contract_on(tenant=tenant, store=store, on=today)
        context["contracts"] = selectors.list_contracts(tenant=tenant, store=store)
    if policies.can_see_staff(actor, store):
        context["staff"] = selectors.list_staff(tenant=tenant, store=store)
    status = error.status_code if error is not None else 200
    return render(request, "hq/stores/edit.html", context, status=status)


def _save_store(request: SignedInPortalRequest, store: Store) -> str:
    policies.authorize("edit_store", request.actor, store)
    form = StoreForm(request.POST)
    validated(form)
    services.update_store(tenant=request.tenant, store=store, data=form.to_input())
    return _("Store %(code)s saved.") % {"code": store.code}


def _change_contract(request: SignedInPortalRequest, store: Store) -> str:
    policies.authorize("edit_store", request.actor, store)
    form = ContractForm(request.POST)
    valid_from = validated(form)["valid_from"]
    services.change_contract(tenant=request.tenant, store=store, terms=form.terms(), valid_from=valid_from)
    return _("New terms from %(date)s saved.") % {"date": valid_from.isoformat()}


def _create_staff(request: SignedInPortalRequest, store: Store) -> str:
    policies.authorize("create_staff", request.actor, store)
    form = StaffForm(request.POST)
    username = validated(form)["username"]
    services.create_staff(tenant=request.tenant, store=store, **form.account())
    return _("Account %(username)s created.") % {"username": username}


# the editor's forms, by the `action` each posts: each does its part and says what it did
EDITOR_ACTIONS: dict[str, Callable[[SignedInPortalRequest, Store], str]] = {
    "store": _save_store,
    "contract": _change_contract,
    "staff": _create_staff,
}


def _edit_refused(request: SignedInPortalRequest, error: AppError, store_id: int) -> HttpResponse:
    if out_of_reach(error):
        return error_page(request, error)
    store = selectors.get_store(tenant=request.tenant, store_id=store_id)
    return _editor(request, store, posted=request.POST.get("action"), error=error)


@portal_page(*HQ, on_error=_edit_refused)
def hq_store_edit(request: SignedInPortalRequest, store_id: int) -> HttpResponse:
    """One store: its fields, its contract terms and its staff, each with its own form.

    A POST names the form it submits in `action` (`store`, `contract` or `staff`); a valid one
    redirects back here, a refused one shows this page again with the errors next to the fields.
    """
    store = selectors.get_store(tenant=request.tenant, store_id=store_id)
    if request.method != "POST":
        return _editor(request, store)
    act = EDITOR_ACTIONS.get(request.POST.get("action", ""))
    if act is None:
        raise InvalidInput("action", _("Unknown form."))
    messages.success(request, act(request, store))
    return redirect("hq-store-edit", store_id=store.pk)


hq_store_edit.resource_model = Store  # type: ignore[attr-defined]


# --- the store's stock ----------------------------------------------------------------------------


def _row_url(store: Store) -> Callable[[int], str]:
    return lambda sku_id: reverse("hq-store-stock-row", args=[store.pk, sku_id])


def _stock_page(
    request: SignedInPortalRequest,
    store: Store,
    *,
    bound: StockForm | None = None,
    sku_id: int = 0,
    error: AppError | None = None,
) -> HttpResponse:
    policies.authorize("see_stock", request.actor, store)
    rows = stock_rows(request, store, _row_url(store), bound=bound, sku_id=sku_id)
    context = {"portal": "hq", "store": store, "rows": rows, "error": error}
    status = error.status_code if error is not None else 200
    return render(request, "hq/stores/stock.html", context, status=status)


@portal_page(*HQ)
def hq_store_stock(request: SignedInPortalRequest, store_id: int) -> HttpResponse:
    """The store's stock: every row with what is reserved and available, the counts set in place."""
    store = selectors.get_store(tenant=request.tenant, store_id=store_id)
    return _stock_page(request, store)


hq_store_stock.resource_model = Store  # type: ignore[attr-defined]


def _stock_refused(request: SignedInPortalRequest, error: AppError, store_id: int, sku_id: int) -> HttpResponse:
    if out_of_reach(error):
        return error_page(request, error)
    store = selectors.get_store(tenant=request.tenant, store_id=store_id)

    def page(form: StockForm) -> HttpResponse:
        return _stock_page(request, store, bound=form, sku_id=sku_id, error=error)

    return stock_row_refused(request, error, store, sku_id, _row_url(store), page)


@portal_page(*HQ, on_error=_stock_refused)
def hq_store_stock_row(request: SignedInPortalRequest, store_id: int, sku_id: int) -> HttpResponse:
    """One row of the store's stock (htmx): GET shows it, POST sets its on-hand count; refused as on
    the store dashboard (`stores.views.store.store_stock_row`)."""
    store = selectors.get_store(tenant=request.tenant, store_id=store_id)
    return stock_row(request, store, sku_id, _row_url(store), back=reverse("hq-store-stock", args=[store.pk]))


hq_store_stock_row.resource_model = Store  # type: ignore[attr-defined]
