"""Portal pages of the stores app, thin: parse the request, call a selector or a service, render.

- HQ (admin and staff): the store list with filters, the store editor (with its contract terms and
  its staff).
- The store dashboard (store managers): its stock with inline edit, its staff, its QR code. The
  store is always the manager's own post: no URL names a store, so none can name another one.
- Consumers (anyone): "stores near me" and the store page, and every store's QR code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from catalog.models import Sku
from o2o.api.permissions import PUBLIC
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.models import Tenant
from o2o.portals.access import portal_page
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest
from stores import selectors, services
from stores.access import staff_post
from stores.choices import WEEKDAYS, Capability, StoreKind
from stores.forms import DAY_LABELS, ContractForm, NearForm, StaffForm, StockForm, StoreForm, show_service_error
from stores.models import Stock, Store
from stores.qr import qr_png, qr_svg, store_page_url

HQ = (Role.HQ_ADMIN, Role.HQ_STAFF)
HQ_PAGE_SIZE = 25
NEAR_PAGE_SIZE = 10
HQ_FILTERS = ("kind", "city", "capability", "active", "q")


# --- what the templates show --------------------------------------------------------------------


@dataclass(frozen=True)
class StoreCard:
    """A store as a list shows it: with its distance when there is one, and today's hours."""

    store: Store
    distance_km: float | None
    hours_today: list[str]
    capability_labels: list[str]


@dataclass(frozen=True)
class DayHours:
    label: str
    ranges: list[str]
    is_today: bool


def store_today(store: Store) -> dt.date:
    """Today's date in the store's own time zone."""
    return timezone.localtime(timezone.now(), ZoneInfo(store.timezone)).date()


def day_ranges(store: Store, day: str) -> list[str]:
    """`["10:00–22:00"]` for a day the store opens; `[]` when it is closed."""
    return [f"{start}–{end}" for start, end in store.opening_hours.get(day, [])]


def week_hours(store: Store) -> list[DayHours]:
    today = WEEKDAYS[store_today(store).weekday()]
    return [DayHours(str(DAY_LABELS[day]), day_ranges(store, day), day == today) for day in WEEKDAYS]


def capability_labels(store: Store) -> list[str]:
    return [str(Capability(value).label) for value in store.capabilities]


def card(store: Store, distance_km: float | None = None) -> StoreCard:
    today = WEEKDAYS[store_today(store).weekday()]
    return StoreCard(store, distance_km, day_ranges(store, today), capability_labels(store))


def _store_or_404(*, tenant: Tenant, store_id: int) -> Store:
    try:
        return selectors.get_store(tenant=tenant, store_id=store_id)
    except NotFound as error:
        raise Http404(error.detail) from error


def _cities(*, tenant: Tenant, active_only: bool) -> list[str]:
    """The distinct cities of the brand's stores, for the city pickers."""
    stores = selectors.list_stores(tenant=tenant, filters={"active": "true"} if active_only else {})
    return sorted({city for city in stores.values_list("city", flat=True) if city})


# --- HQ -----------------------------------------------------------------------------------------


@portal_page(*HQ)
def hq_store_list(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's stores, filtered by kind, city, capability, active and a search, 25 a page."""
    filters = {key: value for key in HQ_FILTERS if (value := request.GET.get(key, "").strip())}
    try:
        stores = selectors.list_stores(tenant=request.tenant, filters=filters)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            messages.error(request, f"{field}: {' '.join(problems)}")
        stores = Store.objects.none()
    page = Paginator(stores, HQ_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "portal": "hq",
        "page": page,
        "cards": [card(store) for store in page.object_list],
        "filters": filters,
        "kinds": StoreKind.choices,
        "capabilities": Capability.choices,
        "cities": _cities(tenant=request.tenant, active_only=False),
    }
    return render(request, "hq/stores/list.html", context)


@portal_page(*HQ)
def hq_store_create(request: SignedInPortalRequest) -> HttpResponse:
    """A new store; its contract starts with the defaults of its kind (rules.md 5.2)."""
    form = StoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            store = services.create_store(tenant=request.tenant, data=form.to_input())
        except AppError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Store %(code)s created.") % {"code": store.code})
            return redirect("hq-store-edit", store_id=store.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "hq/stores/create.html", {"portal": "hq", "form": form}, status=status)


@portal_page(*HQ)
def hq_store_edit(request: SignedInPortalRequest, store_id: int) -> HttpResponse:
    """One store: its fields, its contract terms and its staff, each with its own form.

    A POST names the form it submits in `action` (`store`, `contract` or `staff`); a valid one
    redirects back here, an invalid one shows this page again with the errors next to the fields.
    """
    tenant = request.tenant
    store = _store_or_404(tenant=tenant, store_id=store_id)
    today = timezone.localdate(timezone=ZoneInfo(tenant.timezone))
    store_form = StoreForm(initial=StoreForm.initial_for(store))
    contract_form = ContractForm(initial={"valid_from": today + dt.timedelta(days=1)})
    staff_form = StaffForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "store":
            store_form = StoreForm(request.POST)
            if store_form.is_valid():
                try:
                    services.update_store(tenant=tenant, store=store, data=store_form.to_input())
                except AppError as error:
                    show_service_error(store_form, error)
                else:
                    messages.success(request, _("Store %(code)s saved.") % {"code": store.code})
                    return redirect("hq-store-edit", store_id=store.pk)
        elif action == "contract":
            contract_form = ContractForm(request.POST)
            if contract_form.is_valid():
                valid_from = contract_form.cleaned_data["valid_from"]
                try:
                    services.change_contract(
                        tenant=tenant, store=store, terms=contract_form.terms(), valid_from=valid_from
                    )
                except AppError as error:
                    show_service_error(contract_form, error)
                else:
                    messages.success(request, _("New terms from %(date)s saved.") % {"date": valid_from.isoformat()})
                    return redirect("hq-store-edit", store_id=store.pk)
        elif action == "staff":
            staff_form = StaffForm(request.POST)
            if staff_form.is_valid():
                try:
                    services.create_staff(tenant=tenant, store=store, **staff_form.account())
                except AppError as error:
                    show_service_error(staff_form, error)
                else:
                    username = staff_form.cleaned_data["username"]
                    messages.success(request, _("Account %(username)s created.") % {"username": username})
                    return redirect("hq-store-edit", store_id=store.pk)
        else:
            messages.error(request, _("Unknown form."))
        status = 400
    try:
        contract = selectors.current_contract(tenant=tenant, store=store, on=today)
    except NotFound:
        contract = None
    context = {
        "portal": "hq",
        "store": store,
        "form": store_form,
        "contract": contract,
        "contract_form": contract_form,
        "contracts": selectors.list_contracts(tenant=tenant, store=store),
        "staff": selectors.list_staff(tenant=tenant, store=store),
        "staff_form": staff_form,
        "qr_url": store_page_url(request=request, tenant=tenant, store_id=store.pk),
    }
    return render(request, "hq/stores/edit.html", context, status=status)


hq_store_edit.resource_model = Store  # type: ignore[attr-defined]


# --- the store dashboard ------------------------------------------------------------------------


def _managed_store(request: PortalRequest) -> Store | None:
    """The store whose manager is signing in, or None when they hold no active manager post."""
    post = staff_post(tenant=request.tenant, user=request.user)
    return post.store if post is not None and post.role == Role.STORE_MANAGER else None


@dataclass
class StockRow:
    stock: Stock
    form: StockForm
    saved: bool = False


def _stock_row(*, tenant: Tenant, store: Store, sku_id: int) -> Stock:
    """The store's row of SKU `sku_id` (a manager edits the rows their store holds), else 404."""
    stock = selectors.list_stock(tenant=tenant, store=store).filter(sku_id=sku_id).first()
    if stock is None:
        raise Http404(_("This store holds no stock row of that SKU."))
    return stock


@portal_page(Role.STORE_MANAGER)
def store_dashboard(request: SignedInPortalRequest) -> HttpResponse:
    """The manager's store: its stock (on hand editable in place), its staff and its QR code."""
    store = _managed_store(request)
    context: dict[str, object] = {"portal": "store", "store": store}
    if store is not None:
        stock = selectors.list_stock(tenant=request.tenant, store=store)
        context["rows"] = [StockRow(row, StockForm(initial={"on_hand": row.on_hand})) for row in stock]
        context["staff"] = selectors.list_staff(tenant=request.tenant, store=store)
    return render(request, "store/dashboard.html", context)


@portal_page(Role.STORE_MANAGER)
def store_stock_row(request: SignedInPortalRequest, sku_id: int) -> HttpResponse:
    """One row of the manager's stock table (htmx): GET shows it, POST sets its on-hand count.

    An invalid count or one below what is reserved shows the error in the row and changes
    nothing. Without htmx, a POST goes back to the dashboard with a message.
    """
    store = _managed_store(request)
    if store is None:
        raise Http404(_("You manage no store."))
    stock = _stock_row(tenant=request.tenant, store=store, sku_id=sku_id)
    form = StockForm(initial={"on_hand": stock.on_hand})
    saved = False
    if request.method == "POST":
        form = StockForm(request.POST)
        if form.is_valid():
            level = services.StockLevel(sku_id=sku_id, on_hand=form.cleaned_data["on_hand"])
            try:
                services.set_stock(tenant=request.tenant, store=store, levels=[level])
            except AppError as error:
                form.add_error("on_hand", error.detail)
            else:
                stock = _stock_row(tenant=request.tenant, store=store, sku_id=sku_id)
                form, saved = StockForm(initial={"on_hand": stock.on_hand}), True
        if not request.htmx:
            if saved:
                messages.success(request, _("Stock of %(sku)s saved.") % {"sku": stock.sku.code})
            else:
                for problem in form.errors.get("on_hand", []):
                    messages.error(request, f"{stock.sku.code}: {problem}")
            return redirect("store-dashboard")
    return render(request, "store/_stock_row.html", {"row": StockRow(stock, form, saved)})


store_stock_row.resource_model = Sku  # type: ignore[attr-defined]


@portal_page(Role.STORE_MANAGER)
def store_qr_print(request: SignedInPortalRequest) -> HttpResponse:
    """A printable page with the store's name, address and a big QR code of its public page."""
    store = _managed_store(request)
    context: dict[str, object] = {"portal": "store", "store": store}
    if store is not None:
        context["qr_url"] = store_page_url(request=request, tenant=request.tenant, store_id=store.pk)
    return render(request, "store/qr_print.html", context)


# --- consumers ----------------------------------------------------------------------------------


@portal_page(PUBLIC)
def shop_store_list(request: PortalRequest) -> HttpResponse:
    """Stores near me: by the browser's position (`?lat=&lng=`, nearest first with the distance),
    or by a city picked from the list; optionally only those with a capability. An htmx request
    gets the results only."""
    tenant = request.tenant
    form = NearForm(request.GET or None, cities=_cities(tenant=tenant, active_only=True))
    cards: list[StoreCard] = []
    total, searched = 0, False
    if form.is_bound and form.is_valid() and form.has_search():
        searched = True
        data = form.cleaned_data
        offset = (data["page"] - 1) * NEAR_PAGE_SIZE
        capability = data["capability"] or None
        if data["lat"] is not None:
            found, total = selectors.nearest_stores(
                tenant=tenant,
                lat=data["lat"],
                lng=data["lng"],
                limit=NEAR_PAGE_SIZE,
                offset=offset,
                capability=capability,
                city=data["city"] or None,
            )
            cards = [card(store, distance) for store, distance in found]
        else:
            filters = {"city": data["city"], "active": "true"} | ({"capability": capability} if capability else {})
            stores = selectors.list_stores(tenant=tenant, filters=filters)
            total = stores.count()
            cards = [card(store) for store in stores[offset : offset + NEAR_PAGE_SIZE]]
    page = form.cleaned_data.get("page", 1) if form.is_bound and form.is_valid() else 1
    context = {
        "portal": "shop",
        "form": form,
        "cards": cards,
        "searched": searched,
        "total": total,
        "page_number": page,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page * NEAR_PAGE_SIZE < total else None,
    }
    template = "shop/stores/_results.html" if request.htmx else "shop/stores/near_me.html"
    response = render(request, template, context, status=400 if form.is_bound and not form.is_valid() else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@portal_page(PUBLIC)
def shop_store_detail(request: PortalRequest, store_id: int) -> HttpResponse:
    """A store's public page: address, the week's hours, its services, what is in stock, its QR code."""
    store = _store_or_404(tenant=request.tenant, store_id=store_id)
    in_stock = [
        row
        for row in selectors.list_stock(tenant=request.tenant, store=store)
        if row.available > 0 and row.sku.is_active
    ]
    context = {
        "portal": "shop",
        "store": store,
        "card": card(store),
        "week": week_hours(store),
        "services": [
            offer
            for offer in selectors.list_store_services(tenant=request.tenant, store=store)
            if offer.service.is_active
        ],
        "in_stock": in_stock,
    }
    return render(request, "shop/stores/detail.html", context)


shop_store_detail.resource_model = Store  # type: ignore[attr-defined]


def _qr_response(request: PortalRequest, store_id: int, *, kind: str) -> HttpResponse:
    store = _store_or_404(tenant=request.tenant, store_id=store_id)
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
