"""HQ's category page: the brand's category tree, a new category, deleting an empty one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import selectors, services
from catalog.forms import CategoryForm
from catalog.models import Category
from catalog.policies import CATALOG_EDITORS
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest


def _page(
    request: SignedInPortalRequest, form: CategoryForm, *, error: AppError | None = None, refused: int | None = None
) -> HttpResponse:
    context = {
        "portal": "hq",
        "form": form,
        "rows": selectors.list_category_rows(tenant=request.tenant),
        "error": error,
        "refused": refused,  # the category whose deletion was just refused
    }
    return render(request, "hq/catalog/categories.html", context)


def _add_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The page again, the new category's form keeping what was typed, with why."""
    form = CategoryForm(request.POST, tenant=request.tenant)
    show_error(form, error)
    return _page(request, form, error=error)


@portal_page(*CATALOG_EDITORS, on_error=_add_refused)
def hq_categories(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's categories by path, with what each holds; POST `name`, `parent` adds one
    (`catalog.services.create_category`)."""
    tenant = request.tenant
    if request.method != "POST":
        return _page(request, CategoryForm(tenant=tenant))
    data = validated(CategoryForm(request.POST, tenant=tenant))
    category = services.create_category(
        tenant=tenant, data=services.CategoryInput(name=data["name"], parent=data["parent"])
    )
    messages.success(request, _("Category %(name)s added.") % {"name": category.name})
    return redirect("hq-categories")


def _delete_refused(request: SignedInPortalRequest, error: AppError, category_id: int) -> HttpResponse:
    """The category page again, saying why the category stays (409 while it holds products)."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    return _page(request, CategoryForm(tenant=request.tenant), error=error, refused=category_id)


@portal_page(*CATALOG_EDITORS, on_error=_delete_refused)
def hq_category_delete(request: SignedInPortalRequest, category_id: int) -> HttpResponse:
    """POST: delete an empty category (`catalog.services.delete_category`), then back to the list;
    one holding products or subcategories stays (409, said on the list)."""
    category = selectors.get_category(tenant=request.tenant, category_id=category_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.delete_category(tenant=request.tenant, category=category)
    messages.success(request, _("Category %(name)s deleted.") % {"name": category.name})
    return redirect("hq-categories")


hq_category_delete.resource_model = Category  # type: ignore[attr-defined]
