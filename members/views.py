"""Portal pages of the members app: HQ's member list, and the store's (masked exactly as the API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from members.models import Member
from members.selectors import list_members, member_view
from o2o.choices import Role
from o2o.portals.access import portal_page
from o2o.tenancy.request import SignedInPortalRequest
from stores.access import staff_post
from stores.selectors import list_active_stores

PAGE_SIZE = 50


def _member_list_context(request: SignedInPortalRequest) -> dict[str, Any]:
    """The page of members the user may see, with the filters of the query string applied."""
    errors: dict[str, list[str]] = {}
    try:
        members = list_members(tenant=request.tenant, user=request.user, roles=request.roles.names, filters=request.GET)
    except ValidationError as exc:
        errors = exc.message_dict
        members = Member.objects.none()
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "rows": [{"member": member_view(member), "home_store": member.home_store} for member in page],
        "errors": errors,
        "stores": list_active_stores(tenant=request.tenant),
        "filters": {key: request.GET.get(key, "") for key in ("q", "home_store", "served")},
    }


@portal_page(Role.HQ_ADMIN, Role.HQ_STAFF)
def hq_member_list(request: SignedInPortalRequest) -> HttpResponse:
    """HQ: every member of the brand with their personal data, filterable and paginated."""
    return render(request, "hq/members/list.html", {"portal": "hq", **_member_list_context(request)})


@portal_page(Role.STORE_MANAGER, Role.GUIDE)
def store_member_list(request: SignedInPortalRequest) -> HttpResponse:
    """A store's manager and guides: the brand's members, unmasked only those the store serves."""
    post = staff_post(tenant=request.tenant, user=request.user)
    context = {"portal": "store", "store": post.store if post else None, **_member_list_context(request)}
    return render(request, "store/members/list.html", context)
