from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from o2o.admin_site import TenantAdmin
from o2o.choices import HQ_ROLES, Role
from o2o.errors import Conflict
from o2o.events.models import Delivery
from o2o.events.services import replay_deliveries
from o2o.invitations import find_member, not_a_member_message
from o2o.models import Tenant, TenantRole, User
from o2o.services import grant_role, revoke_role
from o2o.tenancy.request import AdminRequest


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users are global (one person, roles in several brands): superusers only."""

    # The stubs declare `fieldsets` optional on every admin; Django's UserAdmin sets a tuple.
    fieldsets = (*cast(tuple[Any, ...], DjangoUserAdmin.fieldsets), ("O2O", {"fields": ("name", "phone")}))
    list_display = ("username", "name", "phone", "is_active")


class GrantRoleForm(forms.ModelForm):
    """Grant an HQ role to someone of the brand named by username, as the API does."""

    username = forms.CharField(label=_("Username"), max_length=150)

    class Meta:
        model = TenantRole
        fields = ("role",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in Role if role in HQ_ROLES]

    tenant: Tenant  # set by TenantRoleAdmin.get_form for the request's brand

    def clean_username(self) -> User:
        # only someone of the brand: others are invited (o2o.invitations), nothing of their accounts shown
        user = find_member(tenant=self.tenant, username=self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(not_a_member_message())
        return user


@admin.register(TenantRole)
class TenantRoleAdmin(TenantAdmin):
    """The roles of the brand. HQ admins grant HQ roles and revoke roles; roles are never edited."""

    list_display = ("username", "user_name", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__name")
    list_select_related = ("user",)
    ordering = ("role", "user__username")
    write_roles = frozenset({Role.HQ_ADMIN})

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, obj: TenantRole) -> str:
        return obj.user.username

    @admin.display(description=_("name"), ordering="user__name")
    def user_name(self, obj: TenantRole) -> str:
        return obj.user.name

    def get_form(self, request: HttpRequest, obj: TenantRole | None = None, change: bool = False, **kwargs: Any):
        if obj is None:
            kwargs["form"] = type("GrantRoleForm", (GrantRoleForm,), {"tenant": cast(AdminRequest, request).tenant})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return ("username", "role") if obj is None else ("user", "role", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return () if obj is None else ("user", "role", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: TenantRole, form: Any, change: bool) -> None:  # type: ignore[override]
        granted = grant_role(
            tenant=cast(AdminRequest, request).tenant, user=form.cleaned_data["username"], role=obj.role
        )
        obj.pk, obj.tenant, obj.user, obj.created_at = granted.pk, granted.tenant, granted.user, granted.created_at

    def delete_model(self, request: HttpRequest, obj: TenantRole) -> None:
        self._revoke(request, [obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TenantRole]) -> None:
        self._revoke(request, list(queryset))

    def _revoke(self, request: HttpRequest, tenant_roles: list[TenantRole]) -> None:
        admin_request = cast(AdminRequest, request)
        try:
            for tenant_role in tenant_roles:
                revoke_role(tenant=admin_request.tenant, tenant_role=tenant_role, by=admin_request.user)
        except Conflict as exc:  # the whole delete is one transaction: nothing is revoked
            raise PermissionDenied(exc.detail) from exc


@admin.register(Delivery)
class DeliveryAdmin(TenantAdmin):
    """The deliveries of the brand's domain events to their handlers (o2o.events), read-only: a
    failed one is shown with its error, and HQ admins replay it (a fresh round of attempts)."""

    list_display = ("pk", "event_name", "handler", "status", "attempts", "next_attempt_at", "created_at", "done_at")
    list_filter = ("status",)  # on the partial indexes of pending and failed deliveries
    list_select_related = ("event",)
    ordering = ("-pk",)
    show_full_result_count = False  # the brand's deliveries grow with its orders: no COUNT(*) per page
    fields = ("event_name", "payload", "recorded_at", "handler", "status", "attempts", "next_attempt_at", "error")
    readonly_fields = fields
    actions = ["replay"]
    write_roles = frozenset({Role.HQ_ADMIN})

    @admin.display(description=_("event"), ordering="event__name")
    def event_name(self, obj: Delivery) -> str:
        return obj.event.name

    @admin.display(description=_("payload"))
    def payload(self, obj: Delivery) -> str:
        return json.dumps(obj.event.payload, sort_keys=True)

    @admin.display(description=_("recorded at"))
    def recorded_at(self, obj: Delivery) -> Any:
        return obj.event.recorded_at

    @admin.display(description=_("last error"))
    def error(self, obj: Delivery) -> str:
        return format_html("<pre>{}</pre>", obj.last_error) if obj.last_error else "-"

    @admin.action(description=_("Replay the selected deliveries"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        tenant = cast(AdminRequest, request).tenant
        count = replay_deliveries(tenant=tenant, delivery_ids=queryset.values_list("pk", flat=True))
        message = ngettext("%(count)d delivery replayed.", "%(count)d deliveries replayed.", count)
        self.message_user(request, message % {"count": count})

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
