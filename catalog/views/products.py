"""HQ's product pages: the brand's products with filters, and the editor of a product with its SKUs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import selectors, services
from catalog.forms import CategoryChoiceField, ProductFilterForm, ProductForm, SkuFormSet
from catalog.models import Product
from catalog.policies import CATALOG_EDITORS
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import InvalidForm, show_error, validated
from o2o.tenancy.request import SignedInPortalRequest

PRODUCTS_PER_PAGE = 25


@dataclass(frozen=True)
class ProductRow:
    product: Product
    category: str  # its path


def _product_list(
    request: SignedInPortalRequest, form: ProductFilterForm, filters: dict[str, Any] | None
) -> HttpResponse:
    """The list page; `filters` None: the form is refused, no product is listed."""
    products = selectors.list_products(tenant=request.tenant, filters=filters or {}, include_inactive=True)
    if filters is None:
        products = products.none()
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    paths = cast(CategoryChoiceField, form.fields["category"]).paths
    context = {
        "portal": "hq",
        "form": form,
        "page": page,
        "rows": [ProductRow(product=product, category=paths.get(product.category_id, "")) for product in page],
    }
    return render(request, "hq/catalog/product_list.html", context)


def _filters_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The list again with the filters as typed, each bad one named (400), and no product."""
    form = ProductFilterForm(request.GET, tenant=request.tenant)
    show_error(form, error)
    return _product_list(request, form, None)


@portal_page(*CATALOG_EDITORS, on_error=_filters_refused)
def hq_product_list(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's products with their SKUs, filtered by a search, a category and the status; 25 a
    page. A bad filter is named on the form (400)."""
    form = ProductFilterForm(request.GET or None, tenant=request.tenant)
    filters: dict[str, Any] = {}
    if form.is_bound:
        validated(form)
        filters = form.filters()
    return _product_list(request, form, filters)


# --- the editor ---------------------------------------------------------------------------------


def _editor(
    request: SignedInPortalRequest,
    product: Product | None,
    form: ProductForm,
    formset: Any,
    error: AppError | None = None,
) -> HttpResponse:
    context = {"portal": "hq", "product": product, "form": form, "formset": formset, "error": error}
    return render(request, "hq/catalog/product_form.html", context)


def _blank_editor(request: SignedInPortalRequest, product: Product | None) -> HttpResponse:
    if product is None:
        return _editor(request, None, ProductForm(tenant=request.tenant), SkuFormSet(prefix="skus"))
    form = ProductForm(
        tenant=request.tenant,
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
    return _editor(request, product, form, SkuFormSet(prefix="skus", initial=initial))


def _posted(request: SignedInPortalRequest) -> tuple[services.ProductInput, list[services.SkuInput]]:
    """The product and its SKUs as typed; InvalidForm (400) when a field is wrong. A SKU row left
    empty is no SKU."""
    form = ProductForm(request.POST, tenant=request.tenant)
    formset = SkuFormSet(request.POST, prefix="skus")
    skus_valid = formset.is_valid()
    data = services.ProductInput(**validated(form))
    if not skus_valid:
        raise InvalidForm(form, _("Check the SKUs marked below."))
    skus = [
        services.SkuInput(
            id=sku.cleaned_data["id"],
            code=sku.cleaned_data["code"],
            name=sku.cleaned_data["name"],
            price=sku.cleaned_data["price"],
            is_active=sku.cleaned_data["is_active"],
        )
        for sku in formset.forms
        if not sku.is_blank()
    ]
    return data, skus


def _show_product_error(form: ProductForm, formset: Any, error: AppError) -> None:
    """Put the error next to the fields it names: the product's, and each SKU's in its row."""
    named = error.extra.get("errors") or {}
    rows = named.get("skus")
    if not (isinstance(rows, list) and rows and isinstance(rows[0], dict)):
        show_error(form, error, fields={"skus": None})
        return
    # a service names the SKUs in the order they were listed: the rows that were not left empty
    listed = [sku for sku in formset.forms if sku.is_valid() and not sku.is_blank()]
    for sku_form, problems in zip(listed, rows, strict=False):
        if problems:
            show_error(sku_form, services.InvalidFields(problems))
    rest = {field: problems for field, problems in named.items() if field != "skus"}
    if rest:
        show_error(form, services.InvalidFields(rest))


def _editor_refused(request: SignedInPortalRequest, error: AppError, product_id: int | None = None) -> HttpResponse:
    """The editor again, bound to what was typed, each error next to its field; nothing was saved."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    product = None
    if product_id is not None:
        product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=True)
    form = ProductForm(request.POST, tenant=request.tenant)
    formset = SkuFormSet(request.POST, prefix="skus")
    formset.is_valid()  # its own errors, next to each SKU's fields
    _show_product_error(form, formset, error)
    return _editor(request, product, form, formset, error=error)


def _saved(request: SignedInPortalRequest, product: Product) -> HttpResponse:
    messages.success(request, _("Product %(name)s saved.") % {"name": product.name})
    return redirect("hq-product", product_id=product.pk)


@portal_page(*CATALOG_EDITORS, on_error=_editor_refused)
def hq_product_new(request: SignedInPortalRequest) -> HttpResponse:
    """A new product with its SKUs (`catalog.services.create_product`)."""
    if request.method != "POST":
        return _blank_editor(request, None)
    data, skus = _posted(request)
    return _saved(request, services.create_product(tenant=request.tenant, data=data, skus=skus))


@portal_page(*CATALOG_EDITORS, on_error=_editor_refused)
def hq_product_edit(request: SignedInPortalRequest, product_id: int) -> HttpResponse:
    """One product and its SKUs (`catalog.services.update_product`). A SKU is switched off by
    unticking "Active", never deleted."""
    product = selectors.get_product(tenant=request.tenant, product_id=product_id, include_inactive=True)
    if request.method != "POST":
        return _blank_editor(request, product)
    data, skus = _posted(request)
    return _saved(request, services.update_product(tenant=request.tenant, product=product, data=data, skus=skus))


hq_product_edit.resource_model = Product  # type: ignore[attr-defined]
