"""HQ's admin of memberships (unmasked: only HQ gets in) and the guide-binding records (read only)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from members import policies
from members.models import GuideBinding, Member, ServedBy
from members.services import MembershipChanges, update_membership
from o2o.admin_site import TenantAdmin, TenantInline
from o2o.tenancy.request import AdminRequest
from stores.selectors import list_active_stores


class ServedByInline(TenantInline):
    """The stores that served the member (they see the member's data): recorded by bookings and orders."""

    model = ServedBy
    fields = ("store", "first_served_at")
    readonly_fields = ("store", "first_served_at")
    extra = 0
    read_only = True
    can_delete = False
    verbose_name = _("served by store")
    verbose_name_plural = _("served by stores")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(TenantAdmin):
    """The brand's members with their data. Members join by themselves (sign-up, booking, order);
    HQ may move a member to another home store (through the service). Consent is the member's own.
    """

    list_display = (
        "phone",
        "name",
        "home_store",
        "consent_marketing",
        "consent_recorded_at",
        "has_account",
        "joined_at",
    )
    list_filter = (("home_store", admin.RelatedOnlyFieldListFilter), "consent_marketing")
    search_fields = ("phone", "name")
    list_select_related = ("home_store",)
    ordering = ("-joined_at", "-pk")
    fields = ("phone", "name", "user", "home_store", "consent_marketing", "consent_recorded_at", "joined_at")
    readonly_fields = ("phone", "name", "user", "consent_marketing", "consent_recorded_at", "joined_at")
    inlines = (ServedByInline,)

    @admin.display(description=_("account"), boolean=True)
    def has_account(self, obj: Member) -> bool:
        return obj.user_id is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "home_store" and field is not None:
            field.queryset = list_active_stores(tenant=cast(AdminRequest, request).tenant)
        return field

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        """Only the home store is editable here, and it changes through the service."""
        assert isinstance(obj, Member)
        if "home_store" in form.changed_data:
            admin_request = cast(AdminRequest, request)
            changes = MembershipChanges(home_store_id=obj.home_store_id)
            policies.authorize_changes(admin_request.actor, obj, changes.fields())  # HQ may move a member
            update_membership(tenant=admin_request.tenant, member=obj, changes=changes)


@admin.register(GuideBinding)
class GuideBindingAdmin(TenantAdmin):
    """Which guide a customer is bound to, and until when (rules.md 4.1): the record, read only."""

    list_display = ("member", "guide", "guide_code", "store", "source", "bound_at", "bound_until", "reason")
    list_filter = ("source", ("store", admin.RelatedOnlyFieldListFilter))
    search_fields = ("member__phone", "member__name", "guide__code", "guide__user__name")
    list_select_related = ("member", "guide__user", "store")
    ordering = ("-bound_at", "-pk")

    @admin.display(description=_("guide code"), ordering="guide__code")
    def guide_code(self, obj: GuideBinding) -> str:
        return obj.guide.code

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
