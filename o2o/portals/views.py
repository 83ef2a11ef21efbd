"""The portal landing pages, login and the brand picker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from o2o.api.permissions import PUBLIC
from o2o.choices import HQ_ROLES, Role
from o2o.errors import InvalidInput
from o2o.invitations import accept_invitation, find_invitation
from o2o.portals.access import portal_page
from o2o.tenancy import tenant_scope
from o2o.tenancy.middleware import SESSION_TENANT_KEY
from o2o.tenancy.request import SignedInPortalRequest, SignedInRequest, TenantRequest
from o2o.tenancy.selectors import get_active_tenant, list_tenant_roles, list_tenants_of_user


def landing_for(roles: frozenset[str]) -> str:
    """The portal a user lands on: HQ first, then the store, the guide portal, else the shop."""
    if roles & HQ_ROLES:
        return "hq-home"
    if Role.STORE_MANAGER in roles:
        return "store-home"
    if Role.GUIDE in roles:
        return "guide-home"
    return "shop-home"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def choose_tenant(request: SignedInRequest) -> HttpResponse:
    """Pick the brand to work in (a person may hold roles in several); one brand is picked at once."""
    tenants = list_tenants_of_user(user=request.user)
    if len(tenants) == 1 and not request.GET.get("all"):
        request.session[SESSION_TENANT_KEY] = tenants[0].slug
        return redirect("portal-home")
    current = request.session.get(SESSION_TENANT_KEY)
    return render(request, "choose_tenant.html", {"tenants": tenants, "current_slug": current})


@login_required
@require_POST
def switch_tenant(request: SignedInRequest) -> HttpResponse:
    """Work in another of the user's brands; a brand where they hold no role is refused."""
    slug = request.POST.get("tenant", "")
    if slug in {tenant.slug for tenant in list_tenants_of_user(user=request.user)}:
        request.session[SESSION_TENANT_KEY] = slug
        return redirect("portal-home")
    messages.error(request, _("You hold no role in that brand."))
    return redirect(reverse("choose-tenant") + "?all=1")


def portal_home(request: TenantRequest) -> HttpResponse:
    """After login: the landing page of the user's main role in the current brand."""
    if request.tenant is None:
        return redirect("choose-tenant") if request.user.is_authenticated else redirect("shop-home")
    return redirect(landing_for(request.roles.names))


@portal_page(Role.HQ_ADMIN, Role.HQ_STAFF)
def hq_home(request: SignedInPortalRequest) -> HttpResponse:
    team = list_tenant_roles(tenant=request.tenant, roles=HQ_ROLES)
    return render(request, "hq/home.html", {"portal": "hq", "team": team})


@portal_page(Role.STORE_MANAGER)
def store_home(request: SignedInPortalRequest) -> HttpResponse:
    return render(request, "store/home.html", {"portal": "store"})


@portal_page(Role.GUIDE)
def guide_home(request: SignedInPortalRequest) -> HttpResponse:
    return render(request, "guide/home.html", {"portal": "guide"})


@portal_page(PUBLIC, without_tenant=True)
def shop_home(request: TenantRequest) -> HttpResponse:
    """The brand's shop front, open to anyone; with no brand known, a welcome and the way to log in."""
    if request.tenant is None:
        return render(request, "welcome.html", {"portal": "shop"})
    return render(request, "shop/home.html", {"portal": "shop"})


@login_required
def accept_invitation_page(request: SignedInRequest) -> HttpResponse:
    """The link of an invitation (`/invitations/accept/?brand=&code=`): the signed-in person sees
    the brand and role offered and takes it; then they work in that brand."""
    tenant = get_active_tenant(slug=request.GET.get("brand", ""))
    code = request.GET.get("code", "")
    context: dict[str, object] = {"tenant": tenant, "code": code, "invitation": None}
    if tenant is not None:
        with tenant_scope(tenant):
            try:
                if request.method == "POST":
                    accept_invitation(tenant=tenant, code=code, user=request.user)
                    request.session[SESSION_TENANT_KEY] = tenant.slug
                    messages.success(request, _("Welcome to %(brand)s.") % {"brand": tenant.name})
                    return redirect("portal-home")
                context["invitation"] = find_invitation(tenant=tenant, code=code)
            except InvalidInput as exc:
                context["error"] = exc.detail
    status = 200 if context["invitation"] else 404
    return render(request, "invitation_accept.html", context, status=status)
