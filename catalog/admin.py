"""The catalog in the HQ admin, scoped to the brand: categories, products with their SKUs inline
(with the CSV/XLSX export of catalog/resources.py; the admin's Import opens HQ's import page, which
writes through the catalog's services), SKUs, regional prices, services.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from catalog.resources import ProductRowResource
from catalog.selectors import category_parents, descendant_ids
from o2o import spreadsheets
from o2o.admin_site import TenantAdmin, TenantInline, TenantModelForm
from o2o.tenancy.request import AdminRequest


class CategoryForm(TenantModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent"]

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        category = self.instance
        if parent is not None and category.pk:
            below = descendant_ids(parents=category_parents(tenant=category.tenant), category_id=category.pk)
            if parent.pk in below:
                raise forms.ValidationError(_("A category cannot be placed under itself or one of its subcategories."))
        return parent


@admin.register(Category)
class CategoryAdmin(TenantAdmin):
    form = CategoryForm
    list_display = ("name", "parent")
    search_fields = ("name",)
    list_select_related = ("parent",)


class SkuInline(TenantInline):
    """The product's SKUs. They are deactivated, never deleted (orders and stock refer to them)."""

    model = Sku
    fields = ("code", "name", "price", "is_active")
    extra = 1
    can_delete = False


class _TenantHistoryAdmin(SimpleHistoryAdmin, TenantAdmin):
    def get_history_queryset(self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: Any) -> Any:
        # History outlives its row: keep a deleted row's history to its own brand as well.
        qs = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return qs.filter(tenant=cast(AdminRequest, request).tenant)


@admin.register(Product)
class ProductAdmin(ImportExportModelAdmin, TenantAdmin):
    """Products with their SKUs; Import and Export take the product file of the API (one row per SKU).

    Import opens HQ's import page (`hq-product-import`): the file goes through
    `catalog.services.import_products`, as over the API, never through import-export's own writes.
    """

    list_display = ("name", "category", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "skus__code")
    list_select_related = ("category",)
    inlines = (SkuInline,)
    resource_classes = (ProductRowResource,)
    import_formats = (base_formats.CSV, base_formats.XLSX)
    export_formats = (spreadsheets.CSV, spreadsheets.XLSX)  # no cell runs as a formula

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"tenant": cast(AdminRequest, request).tenant}

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect("hq-product-import")

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return redirect("hq-product-import")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for sku in formset.save(commit=False):
            sku.tenant = cast(AdminRequest, request).tenant
            sku.save()
        formset.save_m2m()


@admin.register(Sku)
class SkuAdmin(_TenantHistoryAdmin):
    list_display = ("code", "name", "product", "price", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "product__name")
    list_select_related = ("product",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate a SKU instead: orders and stock refer to it


@admin.register(RegionalPrice)
class RegionalPriceAdmin(_TenantHistoryAdmin):
    list_display = ("region", "sku", "price")
    list_filter = ("region",)
    search_fields = ("sku__code", "sku__name", "region")
    list_select_related = ("sku",)
    raw_id_fields = ("sku",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegionalPrice]:
        return super().get_queryset(request).select_related("sku")


@admin.register(Service)
class ServiceAdmin(TenantAdmin):
    list_display = ("name", "duration_minutes", "price", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
