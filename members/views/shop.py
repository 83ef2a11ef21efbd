"""The consumer's own membership ("my membership", `/me/`): the member card (number and QR code for a
guide to scan), their data as the brand holds it, their guide, links to their bookings and orders,
and changing their name. Consumers only (signed in); a consumer whose membership is still being made
(just signed up: it follows the sign-up event) sees a page that refreshes until it is there."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from members import policies
from members.cards import card_qr_svg, member_number
from members.forms import NameForm
from members.masking import mask_phone
from members.models import Member
from members.selectors import get_current_binding, get_own_membership
from members.services import MembershipChanges, update_membership
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.actor import Actor
from o2o.tenancy.request import SignedInPortalRequest

POLL_SECONDS = 3  # how often the page looks again for a membership still being made


def _as_consumer(request: SignedInPortalRequest) -> Actor:
    """The reader as a consumer, whatever other roles they hold: the page shows their own membership."""
    return request.actor.acting_as({Role.CONSUMER})


def _card(request: SignedInPortalRequest, member: Member) -> dict[str, Any]:
    tenant = request.tenant
    zone = ZoneInfo(tenant.timezone)
    binding = get_current_binding(tenant=tenant, member=member)
    return {
        "member": member,
        "number": member_number(member),
        "qr": card_qr_svg(tenant=tenant, member=member),
        "phone": mask_phone(str(member.phone)),
        "joined_on": member.joined_at.astimezone(zone).date(),
        "binding": binding,
        "bound_until": binding.bound_until.astimezone(zone).date() if binding is not None else None,
    }


def _page(request: SignedInPortalRequest, form: NameForm | None = None, *, status: int = 200) -> HttpResponse:
    member = _as_consumer(request).membership
    context: dict[str, Any] = {"portal": "shop", "poll_seconds": POLL_SECONDS}
    if member is not None:
        assert isinstance(member, Member)
        context |= _card(request, member)
        context["form"] = form or NameForm(initial={"name": member.name})
    response = render(request, "shop/members/membership.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The page again with the name as typed and why it was refused; no membership: its own page."""
    if isinstance(error, NotFound):
        return error_page(request, error)
    form = NameForm(request.POST)
    show_error(form, error)
    return _page(request, form, status=error.status_code)


@portal_page(Role.CONSUMER, on_error=_refused)
def my_membership(request: SignedInPortalRequest) -> HttpResponse:
    """GET: the consumer's membership of this brand. POST `name`: change their name (the same rule
    and service as `PATCH /api/v1/members/me/`), then back here."""
    if request.method != "POST":
        return _page(request)
    actor = _as_consumer(request)
    member = get_own_membership(tenant=request.tenant, actor=actor)  # 404 before the form
    changes = MembershipChanges(name=validated(NameForm(request.POST))["name"])
    policies.authorize_changes(actor, member, changes.fields())
    update_membership(tenant=request.tenant, member=member, changes=changes)
    messages.success(request, _("Your name is saved."))
    return redirect("shop-membership")
