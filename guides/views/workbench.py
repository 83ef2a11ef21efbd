"""The guide workbench (`/guide/`, issue 12 item 7): one phone-sized page, in sections reached by a
bottom tab bar: my QR codes and links (show, copy, download, make one to a product or a service),
my customers with their binding's end, recording serving a customer in store, my orders, my
commissions by status and by month (a chart and its table), claiming an order and my claims.

A guide sees and does only their own (`guides.policies.own_guide_post`); a user with the guide
role but no active post sees the page saying so. The forms post to their own URL and run inside
the pages' error boundary: a refusal shows the page again with what was typed and the error next
to its field, nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attribution.models import TrackingLink
from attribution.services.links import link_url
from catalog.models import Product, Service
from guides import policies
from guides.choices import CommissionStatus
from guides.forms import ClaimForm, LinkForm, ServedForm
from guides.models import GuideLink
from guides.selectors import workbench as selectors
from guides.selectors.guides import list_guide_customers
from guides.services import claims as claim_services
from guides.services.links import guide_link, store_links
from members.binding import BindOutcome, record_served
from members.masking import mask_phone
from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores.models import StoreService, StoreStaff

FORMS = ("link_form", "served_form", "claim_form")


@dataclass(frozen=True)
class LinkRow:
    link: TrackingLink
    label: str
    url: str
    qr_svg: str
    qr_png: str


def _post(request: SignedInPortalRequest) -> StoreStaff | None:
    try:
        return policies.own_guide_post(request.actor)
    except NotFound:
        return None


def _link_rows(request: SignedInPortalRequest, guide: StoreStaff) -> list[LinkRow]:
    tenant = request.tenant
    store_link = store_links(tenant=tenant, guides=[guide])[guide.pk]
    others = (
        GuideLink.objects.filter(tenant=tenant, guide=guide)
        .exclude(link=store_link)
        .select_related("link__product", "link__service")
        .order_by("pk")
    )
    rows = []
    for link in [store_link, *(share.link for share in others)]:
        if link.product is not None:
            label = _("Product: %(name)s") % {"name": link.product.name}
        elif link.service is not None:
            label = _("Book: %(name)s") % {"name": link.service.name}
        else:
            label = _("My store: %(name)s") % {"name": guide.store.name}
        rows.append(
            LinkRow(
                link=link,
                label=label,
                url=link_url(tenant, link.code),
                # relative: the image shows on whatever host the page was opened on
                qr_svg=reverse("tracking-link-qr-svg", args=[link.code]),
                qr_png=reverse("tracking-link-qr-png", args=[link.code]),
            )
        )
    return rows


def _link_form(request: SignedInPortalRequest, guide: StoreStaff, data: Any = None) -> LinkForm:
    tenant = request.tenant
    products = Product.objects.filter(tenant=tenant, is_active=True).order_by("name", "pk")
    offered = StoreService.objects.filter(tenant=tenant, store_id=guide.store_id).values("service_id")
    services = Service.objects.filter(tenant=tenant, is_active=True, pk__in=offered).order_by("name", "pk")
    return LinkForm(data, products=products, services=services)


def _chart(totals: selectors.CommissionTotals) -> dict[str, Any]:
    months = [row.month for row in reversed(totals.months)]
    series = [
        {"name": label, "data": [str(row.by_status.get(status, "0.00")) for row in reversed(totals.months)]}
        for status, label, _amount in totals.by_status
    ]
    return {"months": months, "series": series}


def _workbench(request: SignedInPortalRequest, *, error: AppError | None = None, **forms: Any) -> HttpResponse:
    guide = _post(request)
    context: dict[str, Any] = {"portal": "guide", "guide": guide, "error": error}
    if guide is not None:
        tenant, now = request.tenant, timezone.now()
        customers = []
        for member in list_guide_customers(tenant=tenant, guide=guide, at=now):
            left = selectors.days_left(member.bound_until, now)  # type: ignore[attr-defined]
            customers.append(
                {
                    "member": member,
                    "phone": mask_phone(str(member.phone)),
                    "days_left": left,
                    "soon": left <= selectors.SOON_DAYS,
                }
            )
        totals = selectors.commission_totals(tenant=tenant, guide=guide)
        context.update(
            {
                "links": _link_rows(request, guide),
                "customers": customers,
                "orders": list(selectors.guide_orders(tenant=tenant, guide=guide)),
                "totals": totals,
                "chart": _chart(totals),
                "statuses": list(CommissionStatus),
                "claims": selectors.guide_claims(tenant=tenant, actor=request.actor, guide=guide),
                "claim_window_days": tenant.claim_window_days,
                "link_form": forms.get("link_form") or _link_form(request, guide),
                "served_form": forms.get("served_form") or ServedForm(),
                "claim_form": forms.get("claim_form") or ClaimForm(),
            }
        )
    status = error.status_code if error is not None else 200
    return render(request, "guide/workbench.html", context, status=status)


@portal_page(Role.GUIDE)
def guide_workbench(request: SignedInPortalRequest) -> HttpResponse:
    """The guide's workbench (see the module)."""
    return _workbench(request)


def _refused(make_form: Any, name: str, fields: dict[str, str | None] | None = None) -> Any:
    def refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
        guide = _post(request)
        if guide is None:
            return error_page(request, error)
        form = make_form(request, guide)
        show_error(form, error, fields=fields)
        return _workbench(request, error=error, **{name: form})

    return refused


def _bound_link_form(request: SignedInPortalRequest, guide: StoreStaff) -> LinkForm:
    return _link_form(request, guide, request.POST)


@portal_page(Role.GUIDE, on_error=_refused(_bound_link_form, "link_form"))
def guide_link_new(request: SignedInPortalRequest) -> HttpResponse:
    """POST: the guide's share link to their store, a product or booking a service (`guide_link`:
    the same link every time), then the links section."""
    if request.method != "POST":
        return _workbench(request)  # the form's page
    guide = policies.own_guide_post(request.actor)
    data = validated(_link_form(request, guide, request.POST))
    guide_link(
        tenant=request.tenant,
        guide=guide,
        target=data["target"],
        product_id=data["product"] if data["target"] == "product" else None,
        service_id=data["service"] if data["target"] == "booking" else None,
    )
    messages.success(request, _("Your link is ready."))
    return redirect(reverse("guide-workbench") + "#links")


OUTCOMES = {
    BindOutcome.BOUND: gettext_lazy("%(name)s (%(phone)s) is now your customer for %(days)d days."),
    BindOutcome.RENEWED: gettext_lazy(
        "%(name)s (%(phone)s) stays your customer: protection renewed for %(days)d days."
    ),
    BindOutcome.UNCHANGED: gettext_lazy("%(name)s (%(phone)s) is already your customer."),
    BindOutcome.KEPT_BY_OTHER: gettext_lazy(
        "%(name)s (%(phone)s) is another guide's customer while their protection lasts: no re-binding."
    ),
}


@portal_page(Role.GUIDE, on_error=_refused(lambda request, guide: ServedForm(request.POST), "served_form"))
def guide_served(request: SignedInPortalRequest) -> HttpResponse:
    """POST: the guide served this customer in the store (`members.binding.record_served`); what it
    did is said in words (bound, renewed, already yours, another guide's)."""
    if request.method != "POST":
        return _workbench(request)  # the form's page
    guide = policies.own_guide_post(request.actor)
    data = validated(ServedForm(request.POST))
    served = record_served(tenant=request.tenant, guide=guide, phone=data["phone"], member_code=data["member_code"])
    outcome = served.result.outcome
    words = {
        "name": served.member.name,
        "phone": mask_phone(str(served.member.phone)),
        "days": request.tenant.protection_days,
    }
    text = str(OUTCOMES.get(outcome, outcome.label)) % words
    if outcome == BindOutcome.KEPT_BY_OTHER:
        messages.warning(request, text)
    else:
        messages.success(request, text)
    return redirect(reverse("guide-workbench") + "#customers")


@portal_page(Role.GUIDE, on_error=_refused(lambda request, guide: ClaimForm(request.POST), "claim_form"))
def guide_claim_new(request: SignedInPortalRequest) -> HttpResponse:
    """POST: the guide claims an order of their store's customers (`submit_claim`), named by its
    number (or id), with a note."""
    if request.method != "POST":
        return _workbench(request)  # the form's page
    guide = policies.own_guide_post(request.actor)
    data = validated(ClaimForm(request.POST))
    order_id = selectors.order_id_named(tenant=request.tenant, value=data["order"])
    claim = claim_services.submit_claim(tenant=request.tenant, guide=guide, order_id=order_id, note=data["note"])
    messages.success(request, _("Claim on order %(number)s sent to your manager.") % {"number": claim.order.number})
    return redirect(reverse("guide-workbench") + "#claims")
