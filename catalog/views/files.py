"""HQ's product file pages: the bulk import (`catalog.services.import_products`) and the export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalog import services
from catalog.forms import ImportForm
from catalog.policies import CATALOG_EDITORS
from catalog.productfile import COLUMNS
from catalog.resources import CONTENT_TYPES, export_products
from o2o.errors import AppError
from o2o.portals.access import portal_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest


def _import_page(request: SignedInPortalRequest, form: ImportForm, rows: list[dict[str, Any]]) -> HttpResponse:
    context = {"portal": "hq", "form": form, "rows": rows, "columns": COLUMNS}
    return render(request, "hq/catalog/product_import.html", context)


def _import_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The import page again: why the file was refused, every bad row listed; nothing was imported."""
    form = ImportForm(request.POST, request.FILES)
    rows: list[dict[str, Any]] = (error.extra.get("errors") or {}).get("rows", [])
    if rows:
        form.add_error(None, error.detail)
    else:
        show_error(form, error)
    return _import_page(request, form, rows)


@portal_page(*CATALOG_EDITORS, on_error=_import_refused)
def hq_product_import(request: SignedInPortalRequest) -> HttpResponse:
    """Upload a CSV or XLSX product file: all of it is imported, or nothing and every bad row listed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form, [])
    upload = validated(form)["file"]
    summary = services.import_products(tenant=request.tenant, file_name=upload.name or "", content=upload.read())
    messages.success(
        request,
        _("Imported: %(created)d SKUs created, %(updated)d updated.")
        % {"created": summary.created, "updated": summary.updated},
    )
    return redirect("hq-products")


@portal_page(*CATALOG_EDITORS)
def hq_product_export(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's products as a file in the import's columns: `?format=xlsx`, else CSV."""
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    content = export_products(tenant=request.tenant, file_format=file_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="products-{request.tenant.slug}.{file_format}"'
    return response
