"""HQ's regional price lists: the brand's SKUs against its regions, each price edited in its cell.

A cell is saved on its own, when it is left (htmx) or by its Save button (a plain form without
JavaScript): `catalog.services.set_regional_price`, or `clear_regional_price` for an emptied cell.
A refused cell comes back where it was typed, keeping what was typed with the reason next to it;
nothing of it is saved. Through htmx the cell alone comes back (the page error boundary marks the
400 so that the browser swaps it in); without JavaScript the whole grid comes back, that cell
included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import selectors, services
from catalog.forms import PriceCellForm, RegionForm
from catalog.models import Sku
from catalog.policies import CATALOG_EDITORS
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import InvalidForm, show_error, validated
from o2o.tenancy.request import SignedInPortalRequest

SKUS_PER_PAGE = 50
MAX_REGIONS = 12


@dataclass(frozen=True)
class PriceCell:
    sku: Sku
    region: str
    price: Decimal | None  # the regional price, None where the SKU's own price applies
    form: PriceCellForm | None = None  # bound to what was typed, when it was refused
    saved: bool = False


@dataclass(frozen=True)
class PriceRow:
    sku: Sku
    cells: list[PriceCell]


def _regions(request: SignedInPortalRequest, form: RegionForm, also: str | None) -> list[str]:
    """The brand's regions, then the ones asked for (`?regions=`, `?region=`) and `also`."""
    regions = selectors.list_regions(tenant=request.tenant)
    shown = [region.strip() for region in request.GET.getlist("regions") if region.strip()]
    if form.is_valid() and form.cleaned_data["region"]:
        shown.append(form.cleaned_data["region"].strip())
    for region in [*shown, also]:
        if region and region not in regions:
            regions.append(region)
    return regions[:MAX_REGIONS]


def _grid(request: SignedInPortalRequest, refused: PriceCell | None = None) -> HttpResponse:
    """The grid of `request.GET`'s page; `refused`, a cell just refused, shown in it as typed."""
    tenant = request.tenant
    region_form = RegionForm(request.GET or None)
    regions = _regions(request, region_form, refused.region if refused else None)
    if refused is not None and refused.region not in regions:
        regions[-1] = refused.region  # the refused cell's column is shown, whatever else is
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.list_skus(tenant=tenant, q=q), SKUS_PER_PAGE).get_page(request.GET.get("page"))
    skus = list(page.object_list)
    if refused is not None and refused.sku.pk not in {sku.pk for sku in skus}:
        skus.insert(0, refused.sku)  # its row is shown, on whatever page
    grid = selectors.regional_price_grid(tenant=tenant, sku_ids=[sku.pk for sku in skus], regions=regions)
    rows = []
    for sku in skus:
        cells = [PriceCell(sku=sku, region=region, price=grid.get((sku.pk, region))) for region in regions]
        if refused is not None and sku.pk == refused.sku.pk:
            cells = [replace(refused, price=cell.price) if cell.region == refused.region else cell for cell in cells]
        rows.append(PriceRow(sku=sku, cells=cells))
    context = {"portal": "hq", "rows": rows, "regions": regions, "page": page, "q": q, "region_form": region_form}
    return render(request, "hq/catalog/price_list.html", context)


def _cell(request: SignedInPortalRequest, cell: PriceCell) -> HttpResponse:
    return render(request, "hq/catalog/_price_cell.html", {"cell": cell})


def _cell_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The refused cell as typed, with why: alone for htmx, else in the whole grid."""
    form = PriceCellForm(request.POST)
    if isinstance(error, NotFound) or (not form.is_valid() and ("sku" in form.errors or "region" in form.errors)):
        return error_page(request, error)  # no cell of the grid to show it in
    sku = selectors.get_sku(tenant=request.tenant, sku_id=form.cleaned_data["sku"])
    show_error(form, error)
    cell = PriceCell(sku=sku, region=form.cleaned_data["region"], price=None, form=form)
    return _cell(request, cell) if request.htmx else _grid(request, refused=cell)


def _save_cell(request: SignedInPortalRequest) -> HttpResponse:
    tenant = request.tenant
    form = PriceCellForm(request.POST)
    if not form.is_valid() and ("sku" in form.errors or "region" in form.errors):
        raise InvalidForm(form, _("This price cell names no SKU or region of the brand; reload the page."))
    sku = selectors.get_sku(tenant=tenant, sku_id=form.cleaned_data["sku"])  # another brand's: 404
    data = validated(form)
    region, price = data["region"], data["price"]
    if price is None:
        services.clear_regional_price(tenant=tenant, sku=sku, region=region)
    else:
        services.set_regional_price(tenant=tenant, sku=sku, region=region, price=price)
    if request.htmx:
        return _cell(request, PriceCell(sku=sku, region=region, price=price, saved=True))
    messages.success(request, _("Price of %(code)s in %(region)s saved.") % {"code": sku.code, "region": region})
    return redirect(request.get_full_path())  # the grid it was typed in


@portal_page(*CATALOG_EDITORS, on_error=_cell_refused)
def hq_price_lists(request: SignedInPortalRequest) -> HttpResponse:
    """The regional price lists: the brand's SKUs against its regions, 50 a page, each price edited
    in place.

    An empty cell means the SKU's own price applies in that region (rules.md 1.7); a POST of one
    cell (`sku`, `region`, `price`) sets or, when empty, removes that regional price.
    """
    if request.method == "POST":
        return _save_cell(request)
    return _grid(request)
