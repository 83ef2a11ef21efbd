"""The store's member list: the brand's members, masked exactly as the API masks them for the store."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from members.views.common import member_list, member_list_refused
from o2o.choices import Role
from o2o.errors import AppError
from o2o.portals.access import portal_page
from o2o.tenancy.request import SignedInPortalRequest
from stores.policies import staff_post

TEMPLATE = "store/members/list.html"


def _extra(request: SignedInPortalRequest) -> dict[str, Any]:
    post = staff_post(request.actor)  # the actor's, loaded once for the page and the list
    return {"portal": "store", "store": post.store if post is not None else None}


def _refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    return member_list_refused(request, error, TEMPLATE, **_extra(request))


@portal_page(Role.STORE_MANAGER, Role.GUIDE, on_error=_refused)
def store_member_list(request: SignedInPortalRequest) -> HttpResponse:
    """A store's manager and guides: the brand's members, unmasked only those the store serves."""
    return member_list(request, TEMPLATE, **_extra(request))
