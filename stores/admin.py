"""Stores in the HQ admin, scoped to the brand: stores (territory inline, contract history read only,
bulk CSV/XLSX import and export through stores/imports.py), store staff, stock.

Every write goes through the services, so the admin keeps the rules of the API: a new store gets its
kind's opening contract, opening hours are checked, stock is never set below what is reserved.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from o2o import spreadsheets
from o2o.admin_site import TenantAdmin, TenantInline, TenantModelForm, is_hq
from o2o.errors import InvalidInput
from o2o.tenancy.request import AdminRequest
from stores import services
from stores.imports import StoreResource
from stores.models import Stock, Store, StoreContract, StoreStaff, TerritoryDistrict
from stores.selectors import CAPABILITY_FIELDS


class TerritoryFormSet(forms.BaseInlineFormSet):
    """Each district once, in the service's format (the tenant-wide unique constraint is not on the form)."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            district = form.cleaned_data.get("district")
            if not district:
                continue
            if not services.DISTRICT_CODE.match(district):
                form.add_error("district", _("Not a district code."))
            if district in seen:
                form.add_error("district", _("This district is listed twice."))
            seen.add(district)


class TerritoryInline(TenantInline):
    """The districts where a franchisee is protected (rules.md 1.3b)."""

    model = TerritoryDistrict
    form = forms.ModelForm  # TerritoryFormSet checks repeated districts and names them itself
    formset = TerritoryFormSet
    fields = ("district",)
    extra = 1


class ContractInline(TenantInline):
    """The contract versions, newest first; never edited here (HQ changes terms in the store editor)."""

    model = StoreContract
    fields = ("valid_from", "sales_share_rate", "tac_chargeable", "commission_borne_by_store", "created_at")
    readonly_fields = fields
    ordering = ("-valid_from",)
    extra = 0
    read_only = True
    can_delete = False
    verbose_name = _("contract version")
    verbose_name_plural = _("contract history")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class StoreForm(TenantModelForm):
    """The store's own fields, checked by the service's rules before anything is saved (and the
    brand's unique code by TenantModelForm)."""

    class Meta:
        model = Store
        fields = (
            "code",
            "name",
            "kind",
            "region",
            "city",
            "district",
            "address",
            "phone",
            "lat",
            "lng",
            "service_radius_km",
            "timezone",
            "opening_hours",
            "offers_pickup",
            "offers_delivery",
            "offers_services",
            "is_active",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            services.check_store_input(_store_input(self.instance, cleaned))
        except InvalidInput as exc:
            for field, messages in exc.extra["errors"].items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


def _store_input(store: Store, values: dict[str, Any]) -> services.StoreInput:
    def value(name: str) -> Any:
        return values.get(name, getattr(store, name))

    capabilities = [c for c, flag in CAPABILITY_FIELDS.items() if value(flag)]
    return services.StoreInput(
        code=value("code"),
        name=value("name"),
        kind=value("kind"),
        region=value("region"),
        city=value("city"),
        district=value("district") or "",
        address=value("address"),
        phone=value("phone") or "",
        lat=value("lat"),
        lng=value("lng"),
        service_radius_km=value("service_radius_km"),
        timezone=value("timezone"),
        opening_hours=value("opening_hours"),
        capabilities=[str(c) for c in capabilities],
        territory=[t.district for t in store.territory.all()] if store.pk else [],
        active=value("is_active"),
    )


@admin.register(Store)
class StoreAdmin(ImportExportModelAdmin, TenantAdmin):
    """The brand's stores. Import/export: the columns of the API's /imports/stores/, all or nothing."""

    form = StoreForm
    resource_classes = [StoreResource]
    import_formats = (base_formats.CSV, base_formats.XLSX)
    export_formats = (spreadsheets.CSV, spreadsheets.XLSX)  # no cell runs as a formula
    list_display = (
        "code",
        "name",
        "kind",
        "city",
        "region",
        "offers_pickup",
        "offers_delivery",
        "offers_services",
        "is_active",
    )
    list_filter = ("kind", "region", "city", "is_active", "offers_pickup", "offers_delivery", "offers_services")
    search_fields = ("code", "name", "address")
    ordering = ("code",)
    inlines = (TerritoryInline, ContractInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Store]:
        return super().get_queryset(request).prefetch_related("territory")

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_resource_kwargs(request, **kwargs), "tenant": cast(AdminRequest, request).tenant}

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_export_resource_kwargs(request, **kwargs), "tenant": cast(AdminRequest, request).tenant}

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return is_hq(request)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, Store)
        data = _store_input(obj, form.cleaned_data)
        if change:
            saved = services.update_store(tenant=cast(AdminRequest, request).tenant, store=obj, data=data)
        else:
            saved = services.create_store(tenant=cast(AdminRequest, request).tenant, data=data)
        obj.pk, obj.tenant = saved.pk, saved.tenant  # the inlines (territory) are saved against it next

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                inline_form.instance.tenant = cast(AdminRequest, request).tenant
        super().save_formset(request, form, formset, change)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a store with stock, staff or history is deactivated (untick "active"), not deleted


@admin.register(StoreStaff)
class StoreStaffAdmin(TenantAdmin):
    """Store managers and guides. Accounts are created by HQ through the store's staff (API or HQ pages),
    which creates the user and the role together; here a post is moved or deactivated."""

    list_display = ("user", "store", "role", "code", "is_active", "created_at")
    list_filter = ("role", "is_active", "store")
    search_fields = ("user__username", "user__name", "code", "store__code", "store__name")
    list_select_related = ("user", "store")
    fields = ("user", "store", "role", "code", "is_active")
    readonly_fields = ("user", "role", "code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # orders, bindings and commissions refer to the post: deactivate it


class StockForm(TenantModelForm):
    class Meta:
        model = Stock
        fields = ("store", "sku", "on_hand")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        on_hand = cleaned.get("on_hand")
        store = cleaned.get("store", self.instance.store if self.instance.pk else None)
        sku = cleaned.get("sku", self.instance.sku if self.instance.pk else None)
        if on_hand is None or store is None or sku is None:
            return cleaned
        if on_hand < 0:
            self.add_error("on_hand", _("On hand cannot be negative."))
        row = Stock.objects.filter(store=store, sku=sku).first()  # the service checks again under a lock
        if row is not None and on_hand < row.reserved:
            self.add_error("on_hand", _("%(reserved)s are reserved for open orders.") % {"reserved": row.reserved})
        return cleaned


@admin.register(Stock)
class StockAdmin(TenantAdmin):
    """Stock per store and SKU. Set through `set_stock`: never below what open orders reserved."""

    form = StockForm
    list_display = ("store", "sku", "on_hand", "reserved", "available", "updated_at")
    list_filter = ("store",)
    search_fields = ("sku__code", "sku__name", "store__code", "store__name")
    list_select_related = ("store", "sku")
    readonly_fields = ("reserved", "updated_at")

    @admin.display(description=_("available"))
    def available(self, stock: Stock) -> int:
        return stock.available

    def get_readonly_fields(self, request: HttpRequest, obj: Stock | None = None) -> Any:
        return ("store", "sku", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, Stock)
        (row,) = services.set_stock(
            tenant=cast(AdminRequest, request).tenant,
            store=obj.store,
            levels=[services.StockLevel(sku_id=obj.sku_id, on_hand=form.cleaned_data["on_hand"])],
        )
        obj.pk, obj.tenant, obj.reserved = row.pk, row.tenant, row.reserved

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # set on hand to 0 instead: orders reserve against the row
