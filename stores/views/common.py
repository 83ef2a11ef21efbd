"""What the store pages of the three portals share: a store as a card (its hours today, its
capabilities), its week of hours, and the stock table with its rows edited in place (HQ's page of a
store's stock and the store dashboard)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.errors import AppError, Forbidden, NotFound
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores import policies, selectors, services
from stores.choices import WEEKDAYS, Capability
from stores.forms import DAY_LABELS, StockForm
from stores.models import Stock, Store

# --- a store as the lists and its page show it ----------------------------------------------------


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


# --- the stock table ------------------------------------------------------------------------------


@dataclass
class StockRow:
    """A row of the stock table: its form when the reader may set the count (else it is shown)."""

    stock: Stock
    form: StockForm | None
    url: str
    saved: bool = False


# the URL of a row's form, from its SKU id
RowUrl = Callable[[int], str]


def stock_rows(
    request: SignedInPortalRequest, store: Store, row_url: RowUrl, *, bound: StockForm | None = None, sku_id: int = 0
) -> list[StockRow]:
    """The store's stock table for the reader: editable when the policy lets them set the counts;
    the row of `sku_id` with the `bound` form (what was typed, and the error) when given."""
    editable = policies.can_edit_stock(request.actor, store)
    rows = []
    for stock in selectors.list_stock(tenant=request.tenant, store=store):
        form = None
        if editable and bound is not None and stock.sku_id == sku_id:
            form = bound
        elif editable:
            form = StockForm(initial={"on_hand": stock.on_hand})
        rows.append(StockRow(stock, form, row_url(stock.sku_id)))
    return rows


def stock_row(request: SignedInPortalRequest, store: Store, sku_id: int, row_url: RowUrl, back: str) -> HttpResponse:
    """One row of `store`'s stock table (htmx): GET shows it, POST sets its on-hand count (HQ and
    the store's manager: `stores.policies`). A POST without htmx goes back to the page `back`
    names, with a message. A refusal is `stock_row_refused`'s."""
    policies.authorize("edit_stock", request.actor, store)
    stock = selectors.get_stock(tenant=request.tenant, store=store, sku_id=sku_id)
    saved = False
    if request.method == "POST":
        on_hand = validated(StockForm(request.POST))["on_hand"]
        level = services.StockLevel(sku_id=sku_id, on_hand=on_hand)
        (written,) = services.set_stock(tenant=request.tenant, store=store, levels=[level])
        stock.on_hand, stock.reserved = written.on_hand, written.reserved
        if not request.htmx:
            messages.success(request, _("Stock of %(sku)s saved.") % {"sku": stock.sku.code})
            return redirect(back)
        saved = True
    form = StockForm(initial={"on_hand": stock.on_hand})
    row = StockRow(stock, form, row_url(sku_id), saved)
    return render(request, "store/_stock_row.html", {"row": row})


def stock_row_refused(
    request: SignedInPortalRequest,
    error: AppError,
    store: Store,
    sku_id: int,
    row_url: RowUrl,
    page: Callable[[StockForm], HttpResponse],
) -> HttpResponse:
    """A refused stock edit of a row in the reader's reach: the row again with what was typed and
    why (htmx), or the whole page the row is on (`page`, given the row's bound form)."""
    form = StockForm(request.POST)
    show_error(form, error)
    if not request.htmx:
        return page(form)
    stock = selectors.get_stock(tenant=request.tenant, store=store, sku_id=sku_id)
    return render(request, "store/_stock_row.html", {"row": StockRow(stock, form, row_url(sku_id))})


def out_of_reach(error: AppError) -> bool:
    """The refusal concerns the row or the store itself (missing, foreign, or not the reader's):
    there is no row to show again, the error has a page of its own."""
    return isinstance(error, NotFound | Forbidden)
