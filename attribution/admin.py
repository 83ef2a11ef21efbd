"""Campaigns and tracking links in the HQ admin, scoped to the brand, read only: they are made and
changed on the campaign pages and through the API, whose services keep the rules (unique names,
random codes, what a link's target needs); touchpoints are an append-only record."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from attribution.models import Campaign, Touchpoint, TrackingLink
from o2o.admin_site import TenantAdmin


class ReadOnlyAdmin(TenantAdmin):
    """Looked at here, written elsewhere."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "channel", "starts", "ends", "budget")
    list_filter = ("channel",)
    search_fields = ("name",)


@admin.register(TrackingLink)
class TrackingLinkAdmin(ReadOnlyAdmin):
    list_display = ("code", "campaign", "store", "guide", "target", "label", "is_active")
    list_filter = ("target", "is_active")
    list_select_related = ("campaign", "store", "guide__user")
    search_fields = ("code", "label")


@admin.register(Touchpoint)
class TouchpointAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "visitor_id", "channel", "campaign", "store", "link")
    list_filter = ("kind", "channel")
    list_select_related = ("campaign", "store", "link")
    search_fields = ("visitor_id",)
    date_hierarchy = "at"
