"""HQ pages of the catalog, thin: parse with a form, call a selector or a service, render.

- the product list with filters, and the product editor with its SKUs;
- the price-list editor: the SKUs against the regions, each regional price edited in place (htmx).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import selectors, services
from catalog.forms import (
    CategoryChoiceField,
    ImportForm,
    PriceCellForm,
    ProductFilterForm,
    ProductForm,
    RegionForm,
    SkuFormSet,
)
from catalog.models import Product, Sku
from catalog.resources import COLUMNS, CONTENT_TYPES, export_products
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.models import Tenant
from o2o.portals.access import portal_page
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest

HQ = (Role.HQ_ADMIN, Role.HQ_STAFF)
PRODUCTS_PER_PAGE = 25
SKUS_PER_PAGE = 50
MAX_REGIONS = 12


# --- products -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    product: Product
    category: str  # its path


@portal_page(*HQ)
def hq_product_list(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's products with their SKUs, filtered by a search, a category and the status."""
    tenant = request.tenant
    form = ProductFilterForm(request.GET or None, tenant=tenant)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"q": data["q"], "category": data["category"].pk if data["category"] else None}
        if data["is_active"] is not None:
            filters["is_active"] = data["is_active"]
        filters = {key: value for key, value in filters.items() if value not in (None, "")}
    try:
        products = selectors.list_products(tenant=tenant, filters=filters, include_inactive=True)
    except ValidationError:
        products = Product.objects.none()
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    paths = cast(CategoryChoiceField, form.fields["category"]).paths
    context = {
        "portal": "hq",
        "form": form,
        "page": page,
        "rows": [ProductRow(product=product, category=paths.get(product.category_id, "")) for product in page],
    }
    return render(request, "hq/catalog/product_list.html", context)


def _show_service_error(error: AppError, form: ProductForm, sku_forms: list[Any]) -> None:
    """Put a service's 400 next to the fields it names; anything else above the form."""
    errors = error.extra.get("errors") if error.status_code == 400 else None
    if not errors:
        form.add_error(None, error.detail)
        return
    for field, problems in errors.items():
        if field == "skus" and isinstance(problems, list) and problems and isinstance(problems[0], dict):
            for sku_form, row in zip(sku_forms, problems, strict=False):
                for name, messages_ in row.items():
                    sku_form.add_error(name if name in sku_form.fields else None, messages_)
        elif field in form.fields:
            form.add_error(field, problems)
        else:
            form.add_error(None, problems)


def _editor(request: PortalRequest, product: Product | None) -> HttpResponse:
    tenant = request.tenant
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST, tenant=tenant)
        formset = SkuFormSet(request.POST, prefix="skus")
        if form.is_valid() and formset.is_valid():
            sku_forms = [f for f in formset.forms if not f.is_blank()]
            data = services.ProductInput(**form.cleaned_data)
            skus = [
                services.SkuInput(
                    id=f.cleaned_data["id"],
                    code=f.cleaned_data["code"],
                    name=f.cleaned_data["name"],
                    price=f.cleaned_data["price"],
                    is_active=f.cleaned_data["is_active"],
                )
                for f in sku_forms
            ]
            try:
                if product is None:
                    saved = services.create_product(tenant=tenant, data=data, skus=skus)
                else:
                    saved = services.update_product(tenant=tenant, product=product, data=data, skus=skus)
            except AppError as error:
                _show_service_error(error, form, sku_forms)
            else:
                messages.success(request, _("Product %(name)s saved.") % {"name": saved.name})
                return redirect("hq-product", product_id=saved.pk)
        status = 400
    elif product is None:
        form = ProductForm(tenant=tenant)
        formset = SkuFormSet(prefix="skus")
    else:
        form = ProductForm(
            tenant=tenant,
            initial={
                "name": product.name,
                "category": product.category_id,
                "description": product.description,
                "is_active": product.is_active,
            },
        )
        initial = [
            {"id": sku.pk, "code": sku.code, "name": sku.name, "price": sku.price, "is_active": sku.is_active}
            for sku in product.skus.all()
        ]
        formset = SkuFormSet(prefix="skus", initial=initial)
    context = {"portal": "hq", "product": product, "form": form, "formset": formset}
    return render(request, "hq/catalog/product_form.html", context, status=status)


@portal_page(*HQ)
def hq_product_new(request: SignedInPortalRequest) -> HttpResponse:
    """A new product with its SKUs."""
    return _editor(request, None)


@portal_page(*HQ)
def hq_product_edit(request: SignedInPortalRequest, product_id: int) -> HttpResponse:
    """One product and its SKUs. A SKU is switched off by unticking "Active", never deleted."""
    try:
        product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=True)
    except NotFound:
        raise Http404(_("No such product."))
    return _editor(request, product)


hq_product_edit.resource_model = Product  # type: ignore[attr-defined]


@portal_page(*HQ)
def hq_product_import(request: SignedInPortalRequest) -> HttpResponse:
    """Upload a CSV or XLSX product file: all of it is imported, or nothing and every bad row listed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    rows: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = services.import_products(
                    tenant=request.tenant, file_name=upload.name or "", content=upload.read()
                )
            except AppError as error:
                rows = error.extra.get("errors", {}).get("rows", [])
                if not rows:
                    form.add_error("file", error.detail)
                else:
                    form.add_error(None, error.detail)
            else:
                messages.success(
                    request,
                    _("Imported: %(created)d SKUs created, %(updated)d updated.")
                    % {"created": summary.created, "updated": summary.updated},
                )
                return redirect("hq-products")
    context = {"portal": "hq", "form": form, "rows": rows, "columns": COLUMNS}
    return render(request, "hq/catalog/product_import.html", context, status=status)


@portal_page(*HQ)
def hq_product_export(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's products as a file in the import's columns: `?format=xlsx`, else CSV."""
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    content = export_products(tenant=request.tenant, file_format=file_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="products-{request.tenant.slug}.{file_format}"'
    return response


# --- price lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceCell:
    sku: Sku
    region: str
    price: Decimal | None  # the regional price, None where the SKU's own price applies
    form: PriceCellForm | None = None
    saved: bool = False


@dataclass(frozen=True)
class PriceRow:
    sku: Sku
    cells: list[PriceCell]


def _regions(request: PortalRequest, tenant: Tenant, form: RegionForm) -> list[str]:
    regions = selectors.list_regions(tenant=tenant)
    shown = [region.strip() for region in request.GET.getlist("regions") if region.strip()]
    if form.is_valid() and form.cleaned_data["region"]:
        shown.append(form.cleaned_data["region"].strip())
    for region in shown:
        if region not in regions:
            regions.append(region)
    return regions[:MAX_REGIONS]


def _cell_response(request: PortalRequest, cell: PriceCell, status: int = 200) -> HttpResponse:
    return render(request, "hq/catalog/_price_cell.html", {"cell": cell}, status=status)


def _save_cell(request: PortalRequest) -> HttpResponse:
    tenant = request.tenant
    form = PriceCellForm(request.POST)
    if not form.is_valid() and ("sku" in form.errors or "region" in form.errors):
        return HttpResponse(_("Invalid request."), status=400)
    sku_id = form.cleaned_data["sku"]
    try:
        sku = selectors.get_sku(tenant=tenant, sku_id=sku_id)
    except NotFound:
        raise Http404(_("No such SKU."))
    region = form.cleaned_data["region"]
    current = selectors.regional_price_grid(tenant=tenant, sku_ids=[sku.pk], regions=[region]).get((sku.pk, region))
    if form.is_valid():
        price = form.cleaned_data["price"]
        try:
            if price is None:
                services.clear_regional_price(tenant=tenant, sku=sku, region=region)
            else:
                services.set_regional_price(tenant=tenant, sku=sku, region=region, price=price)
        except AppError as error:
            form.add_error("price" if "price" in error.extra.get("errors", {}) else None, error.detail)
        else:
            cell = PriceCell(sku=sku, region=region, price=price, saved=True)
            if request.htmx:
                return _cell_response(request, cell)
            messages.success(
                request, _("Price of %(code)s in %(region)s saved.") % {"code": sku.code, "region": region}
            )
            return redirect("hq-price-lists")
    cell = PriceCell(sku=sku, region=region, price=current, form=form)
    if request.htmx:
        return _cell_response(request, cell, status=400)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("hq-price-lists")


@portal_page(*HQ)
def hq_price_lists(request: SignedInPortalRequest) -> HttpResponse:
    """The regional price lists: the brand's SKUs against its regions, each price edited in place.

    An empty cell means the SKU's own price applies in that region (rules.md 1.7); a POST of one
    cell (htmx, or a plain form) sets or, when empty, removes that regional price.
    """
    if request.method == "POST":
        return _save_cell(request)
    tenant = request.tenant
    region_form = RegionForm(request.GET or None)
    regions = _regions(request, tenant, region_form)
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.list_skus(tenant=tenant, q=q), SKUS_PER_PAGE).get_page(request.GET.get("page"))
    skus = list(page.object_list)
    grid = selectors.regional_price_grid(tenant=tenant, sku_ids=[sku.pk for sku in skus], regions=regions)
    rows = [
        PriceRow(
            sku=sku, cells=[PriceCell(sku=sku, region=region, price=grid.get((sku.pk, region))) for region in regions]
        )
        for sku in skus
    ]
    context = {"portal": "hq", "rows": rows, "regions": regions, "page": page, "q": q, "region_form": region_form}
    return render(request, "hq/catalog/price_list.html", context)
