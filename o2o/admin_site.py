"""The Django admin for HQ, scoped to the request's brand.

HQ admins and HQ staff of the current brand get in (they need not be Django `is_staff`); every
`TenantAdmin` shows and writes only that brand's rows. Models without a tenant (users, schedules)
stay with superusers. Signing in happens on the portal login page; a signed-in user the admin does
not let in gets a 403 rather than the admin's own login form (which only knows `is_staff`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from o2o.choices import HQ_ROLES

if TYPE_CHECKING:
    from o2o.tenancy.request import AdminRequest, TenantRequest

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def redirect_to_login(next_url: str) -> HttpResponse:
    # Imported here: this module is named in INSTALLED_APPS, loaded before the auth app is ready.
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(next_url)


def is_hq(request: HttpRequest) -> bool:
    """Whether the request's user works at the HQ of the request's brand."""
    return getattr(request, "tenant", None) is not None and bool(cast("TenantRequest", request).actor.roles & HQ_ROLES)


class TenantAdminSite(admin.AdminSite):
    site_header = _("O2O HQ")
    site_title = _("O2O HQ")
    index_title = _("Master data")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and (request.user.is_superuser or is_hq(request))

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def gate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied(gettext("Only the HQ of this brand may use the admin."))
            return inner(request, *args, **kwargs)

        return cast(_View, gate)  # `wraps` gives it the name and attributes of `view`

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Send everyone to the portal login (HQ users are not `is_staff`)."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if not self.has_permission(request):
            raise PermissionDenied(gettext("Only the HQ of this brand may use the admin."))
        return redirect(next_url)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["site_url"] = reverse("portal-home")
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = gettext("%(brand)s · HQ") % {"brand": tenant.name}
        return context


class O2OAdminConfig(AdminConfig):
    default_site = "o2o.admin_site.TenantAdminSite"


class TenantModelForm(forms.ModelForm):
    """A model form that checks the brand's unique constraints. The admin leaves `tenant` off its
    forms, which would make Django skip every constraint that includes it and let a duplicate reach
    the database as a 500; the form puts the brand on the instance and validates with it."""

    tenant: Any = None  # set per request by TenantAdmin.get_form

    def _post_clean(self) -> None:
        if self.tenant is not None and not self.instance.tenant_id:
            self.instance.tenant = self.tenant
        super()._post_clean()  # type: ignore[misc]

    def _get_validation_exclusions(self) -> set[str]:
        excluded = set(super()._get_validation_exclusions())  # type: ignore[misc]
        if self.instance.tenant_id:
            excluded.discard("tenant")
        return excluded


class TenantAdmin(admin.ModelAdmin):
    """ModelAdmin of a tenant-owned model: the brand's rows only; new rows get the brand; the
    brand's unique constraints are checked on the form (see TenantModelForm).

    HQ (admins and staff) may view; `write_roles` may add, change and delete (HQ by default).
    """

    exclude = ("tenant",)
    form = TenantModelForm
    write_roles: ClassVar[frozenset[str]] = HQ_ROLES

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # A class made for this request by modelform_factory; TenantModelForm reads `tenant`, a form
        # class of its own (GrantRoleForm) ignores it. The stubs type it as a plain ModelForm.
        form.tenant = getattr(request, "tenant", None)  # type: ignore[attr-defined]
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(tenant=cast("AdminRequest", request).tenant)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if not change:
            obj.tenant = request.tenant  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if any(f.name == "tenant" for f in related._meta.fields) and getattr(request, "tenant", None):
            kwargs["queryset"] = related._default_manager.filter(tenant=cast("AdminRequest", request).tenant)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may_write(self, request: HttpRequest) -> bool:
        return is_hq(request) and bool(cast("TenantRequest", request).actor.roles & self.write_roles)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_hq(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_hq(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)


class TenantInline(admin.TabularInline):
    """An inline of a tenant-owned model on a TenantAdmin page.

    HQ users hold roles in the brand, not Django model permissions, so the inline asks the roles:
    HQ may view; `write_roles` may add, change and delete, unless `read_only` (history such as
    contract versions). Its forms get the brand and check its unique constraints (TenantModelForm).
    """

    form: type[forms.ModelForm[Any]] = TenantModelForm
    write_roles: ClassVar[frozenset[str]] = HQ_ROLES
    read_only: ClassVar[bool] = False

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # As in TenantAdmin.get_form: an inline's own plain ModelForm (TerritoryInline) ignores it.
        formset.form.tenant = getattr(request, "tenant", None)  # type: ignore[attr-defined]
        return formset

    def _may_write(self, request: HttpRequest) -> bool:
        return (
            not self.read_only
            and is_hq(request)
            and bool(cast("TenantRequest", request).actor.roles & self.write_roles)
        )

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_hq(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may_write(request)
