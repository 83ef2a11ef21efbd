"""HQ's member list: every member of the brand with their personal data."""

from __future__ import annotations

from django.http import HttpResponse

from members.views.common import member_list, member_list_refused
from o2o.choices import Role
from o2o.errors import AppError
from o2o.portals.access import portal_page
from o2o.tenancy.request import SignedInPortalRequest

TEMPLATE = "hq/members/list.html"


def _refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    return member_list_refused(request, error, TEMPLATE, portal="hq")


@portal_page(Role.HQ_ADMIN, Role.HQ_STAFF, on_error=_refused)
def hq_member_list(request: SignedInPortalRequest) -> HttpResponse:
    """HQ: every member of the brand with their personal data, filterable, 50 a page."""
    return member_list(request, TEMPLATE, portal="hq")
