"""The store manager's guides page (issue 12 item 7): each guide of their store with their bound
customers, visits and orders of the last 30 days and their commission (this month, pending)
(`guides.selectors.performance`, which says what each figure counts); and re-binding a customer
by hand: found by phone or member code, their binding in force and history shown, re-bound to one
of the store's guides with a reason (`members.binding.rebind`, allowed by
`members.policies.authorize_rebind`).

The store is always the reader's own post: no URL names a store. Under the pages' error boundary:
a refused search or re-binding is shown on the page again, next to its field, nothing saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guides.forms_manage import FindCustomerForm, RebindForm
from guides.selectors.performance import DAYS, store_guide_performance
from members import policies as member_policies
from members.binding import find_member, rebind
from members.models import Member
from members.selectors import binding_history, get_current_binding, get_member, member_view
from o2o.choices import Role
from o2o.errors import AppError, Forbidden, NotFound
from o2o.fields import MAX_ID
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores.choices import StaffRole
from stores.models import StoreStaff
from stores.policies import managed_store_id


@portal_page(Role.STORE_MANAGER)
def store_guides(request: SignedInPortalRequest) -> HttpResponse:
    """The manager's store's guides with their figures, and the form finding a customer to re-bind."""
    store_id = managed_store_id(request.actor)
    rows = store_guide_performance(tenant=request.tenant, store_id=store_id) if store_id is not None else []
    context = {"portal": "store", "has_store": store_id is not None, "rows": rows, "days": DAYS}
    context["find_form"] = FindCustomerForm()
    return render(request, "store/guides/list.html", context)


def _store_guides(request: SignedInPortalRequest, store_id: int) -> list[tuple[int, str]]:
    posts = StoreStaff.objects.filter(
        tenant=request.tenant, store_id=store_id, role=StaffRole.GUIDE, is_active=True
    ).select_related("user")
    return [(post.pk, post.user.name or post.user.username) for post in posts.order_by("user__name", "pk")]


def _rebind_page(
    request: SignedInPortalRequest,
    *,
    find_form: FindCustomerForm | None = None,
    member: Member | None = None,
    rebind_form: RebindForm | None = None,
    error: AppError | None = None,
) -> HttpResponse:
    store_id = managed_store_id(request.actor)
    context: dict[str, Any] = {
        "portal": "store",
        "has_store": store_id is not None,
        "find_form": find_form or FindCustomerForm(),
        "error": error,
    }
    if member is not None and store_id is not None:
        guides = _store_guides(request, store_id)
        context["member"] = member_view(member)
        context["current"] = get_current_binding(tenant=request.tenant, member=member)
        context["history"] = list(binding_history(tenant=request.tenant, member=member))
        context["rebind_form"] = rebind_form or RebindForm(initial={"member": member.pk}, guides=guides)
    status = error.status_code if error is not None else 200
    return render(request, "store/guides/rebind.html", context, status=status)


def _member(request: SignedInPortalRequest, member_id: int) -> Member:
    """The member as the manager may see them (masked as `members.policies` says)."""
    return get_member(tenant=request.tenant, actor=request.actor, member_id=member_id)


def _rebind_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    """The page again: a refused search under the search form, a refused re-binding under its form
    bound to what was typed (the customer still shown); nothing saved."""
    if isinstance(error, NotFound | Forbidden):
        return error_page(request, error)
    store_id = managed_store_id(request.actor)
    if request.method != "POST" or store_id is None:
        find_form = FindCustomerForm(request.GET)
        show_error(find_form, error)
        return _rebind_page(request, find_form=find_form, error=error)
    form = RebindForm(request.POST, guides=_store_guides(request, store_id))
    form.is_valid()
    member_id = form.cleaned_data.get("member")
    show_error(form, error)
    member = _member(request, member_id) if member_id else None
    return _rebind_page(request, member=member, rebind_form=form, error=error)


@portal_page(Role.STORE_MANAGER, on_error=_rebind_refused)
def store_guide_rebind(request: SignedInPortalRequest) -> HttpResponse:
    """GET: find a customer (`?phone=` or `?member_code=`, or `?member=` their id) and show their
    binding in force, their history and the re-binding form. POST `{member, guide, reason}`:
    re-bind them to one of the store's guides, then their page again."""
    store_id = managed_store_id(request.actor)
    if request.method == "POST":
        if store_id is None:
            raise NotFound(_("You manage no store."))
        form = RebindForm(request.POST, guides=_store_guides(request, store_id))
        values = validated(form)
        member = _member(request, values["member"])
        guide = StoreStaff.objects.get(tenant=request.tenant, pk=values["guide"])  # one of the choices
        member_policies.authorize_rebind(request.actor, guide.store_id)
        rebind(tenant=request.tenant, member=member, guide=guide, by=request.user, reason=values["reason"])
        messages.success(
            request, _("Customer re-bound to %(guide)s.") % {"guide": guide.user.name or guide.user.username}
        )
        return redirect(f"{reverse('store-guide-rebind')}?member={member.pk}")
    member_id = request.GET.get("member", "")
    if member_id:
        if not member_id.isascii() or not member_id.isdigit() or not 1 <= int(member_id) <= MAX_ID:
            raise NotFound(_("No such member."))
        return _rebind_page(request, member=_member(request, int(member_id)))
    if not request.GET.get("phone") and not request.GET.get("member_code"):
        return _rebind_page(request)
    find_form = FindCustomerForm(request.GET)
    values = validated(find_form)
    found = find_member(tenant=request.tenant, phone=values["phone"], member_code=values["member_code"])
    return _rebind_page(request, find_form=find_form, member=_member(request, found.pk))
