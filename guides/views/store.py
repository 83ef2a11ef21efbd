"""The store manager's claims page (`/store/claims/`, rules.md 4.3): the pending claims of the
store's guides, each with its order, lines and amounts, its guide and note, to approve, or reject
with a reason; the latest decided ones below. Who decides is `guides.policies.authorize_decision`,
as in the API; a claim of another store's guide does not exist for the reader (404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guides import policies
from guides.forms import RejectForm
from guides.models import CommissionClaim
from guides.selectors import workbench as selectors
from guides.selectors.commissions import get_claim
from guides.services import claims as claim_services
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest


def _page(
    request: SignedInPortalRequest,
    *,
    error: AppError | None = None,
    rejecting: int | None = None,
    reject_form: RejectForm | None = None,
) -> HttpResponse:
    pending, decided = selectors.claims_to_decide(tenant=request.tenant, actor=request.actor)
    context: dict[str, Any] = {
        "portal": "store",
        "pending": pending,
        "decided": decided,
        "error": error,
        "rejecting": rejecting,
        "reject_form": reject_form,
    }
    return render(request, "store/guides/claims.html", context, status=error.status_code if error else 200)


@portal_page(Role.STORE_MANAGER)
def store_claims(request: SignedInPortalRequest) -> HttpResponse:
    """The claims of the store's guides to decide, and the latest decided ones."""
    return _page(request)


def _decision_refused(request: SignedInPortalRequest, error: AppError, claim_id: int) -> HttpResponse:
    if isinstance(error, NotFound):
        return error_page(request, error)
    form = RejectForm(request.POST)
    show_error(form, error)
    return _page(request, error=error, rejecting=claim_id, reject_form=form)


def _claim(request: SignedInPortalRequest, claim_id: int) -> CommissionClaim:
    claim = get_claim(tenant=request.tenant, actor=request.actor, claim_id=claim_id)
    policies.authorize_decision(request.actor, claim, guide_store_id=claim.guide.store_id)
    return claim


@portal_page(Role.STORE_MANAGER, on_error=_decision_refused)
def store_claim_approve(request: SignedInPortalRequest, claim_id: int) -> HttpResponse:
    """POST: approve the claim (`approve_claim`): its guide becomes the order's lines' beneficiary."""
    claim = _claim(request, claim_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    claim_services.approve_claim(tenant=request.tenant, claim=claim, by=request.user)
    messages.success(request, _("Claim on order %(number)s approved.") % {"number": claim.order.number})
    return redirect("store-claims")


store_claim_approve.resource_model = CommissionClaim  # type: ignore[attr-defined]


@portal_page(Role.STORE_MANAGER, on_error=_decision_refused)
def store_claim_reject(request: SignedInPortalRequest, claim_id: int) -> HttpResponse:
    """POST `reason` (required): reject the claim (`reject_claim`), the reason kept and shown to the guide."""
    claim = _claim(request, claim_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = validated(RejectForm(request.POST))
    claim_services.reject_claim(tenant=request.tenant, claim=claim, reason=data["reason"], by=request.user)
    messages.success(request, _("Claim on order %(number)s rejected.") % {"number": claim.order.number})
    return redirect("store-claims")


store_claim_reject.resource_model = CommissionClaim  # type: ignore[attr-defined]
