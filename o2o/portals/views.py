"""The portal landing pages, login, consumer sign-up and the brand picker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from phonenumber_field.formfields import PhoneNumberField

from o2o.api.permissions import PUBLIC
from o2o.choices import HQ_ROLES, Role
from o2o.errors import AppError
from o2o.invitations import accept_invitation, find_invitation
from o2o.portals.access import portal_page
from o2o.portals.errors import call_view
from o2o.portals.forms import show_error, validated
from o2o.portals.lockout import count_sign_up_attempt, lockout_response
from o2o.portals.panels import shown_panels
from o2o.services import SignUp, join_brand_as_consumer, sign_up_consumer
from o2o.tenancy import tenant_scope
from o2o.tenancy.middleware import SESSION_TENANT_KEY
from o2o.tenancy.request import PortalRequest, SignedInPortalRequest, SignedInRequest, TenantRequest
from o2o.tenancy.selectors import get_active_tenant, list_tenant_roles, list_tenants_of_user
from o2o.visitors import visitor_id


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


# --- consumer sign-up ---------------------------------------------------------------------------

MEMBERSHIP_PAGE = "shop-membership"  # where a consumer lands after signing up (the members app)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _lengths(*, min_length: int | None = None, max_length: int) -> dict[str, Any]:
    """A text field's bounds with the API's words for them (DRF's, translated alike)."""
    messages = {"max_length": format_lazy(gettext_lazy(API_MAX_LENGTH), max_length=max_length)}
    if min_length is not None:
        messages["min_length"] = format_lazy(gettext_lazy(API_MIN_LENGTH), min_length=min_length)
    return {"min_length": min_length, "max_length": max_length, "error_messages": messages}


API_MIN_LENGTH = "Ensure this field has at least {min_length} characters."
API_MAX_LENGTH = "Ensure this field has no more than {max_length} characters."


class SignUpForm(forms.Form):
    """What `POST /api/v1/auth/signup/` takes, with the same bounds and messages."""

    phone = PhoneNumberField(
        label=gettext_lazy("Mobile number"),
        region="CN",
        error_messages={"invalid": gettext_lazy("Enter a valid phone number.")},
    )
    name = forms.CharField(label=gettext_lazy("Your name"), **_lengths(max_length=150))
    password = forms.CharField(label=gettext_lazy("Password"), strip=False, **_lengths(min_length=8, max_length=128))


def _sign_up_page(request: PortalRequest, form: SignUpForm, *, status: int = 200) -> HttpResponse:
    joined = request.user.is_authenticated and Role.CONSUMER in request.actor.roles
    if joined and status == 200:
        return redirect(MEMBERSHIP_PAGE)
    return render(request, "registration/signup.html", {"portal": "shop", "form": form}, status=status)


def _sign_up_refused(request: PortalRequest, error: AppError) -> HttpResponse:
    """The form again with what was typed (never the password) and the error next to its field."""
    form = SignUpForm(request.POST)
    show_error(form, error)
    return _sign_up_page(request, form, status=error.status_code)


@portal_page(PUBLIC, on_error=_sign_up_refused)
def sign_up(request: PortalRequest) -> HttpResponse:
    """A consumer joins the brand: the web twin of `POST /api/v1/auth/signup/` (the same service,
    the same lockout). A signed-in person joins with their account instead (`POST /auth/join/`).

    The answer tells nothing about whether the phone has an account: a weak password is refused
    before the phone is looked up; then every attempt is counted by the log-in lockout (the one that
    locks the phone from this address, and those after it, do nothing and get the lockout page);
    then new and known phones alike are sent on to the membership page with the same "check your
    phone" message and fresh cookies. A new phone is signed in by then; a known one is not (its
    owner is told by SMS, at most once an hour, that someone tried), so the membership page sends
    it to the login page.
    """
    if request.method != "POST":
        return _sign_up_page(request, SignUpForm())
    if request.user.is_authenticated:
        join_brand_as_consumer(tenant=request.tenant, user=request.user, visitor_id=visitor_id(request))
        return redirect(MEMBERSHIP_PAGE)
    values = validated(SignUpForm(request.POST))
    phone = values["phone"].as_e164
    if count_sign_up_attempt(request, phone) is not None:
        return lockout_response(request)  # answered, not raised: a rollback would take the count
    user = sign_up_consumer(
        tenant=request.tenant,
        data=SignUp(phone=phone, password=values["password"], name=values["name"], visitor_id=visitor_id(request)),
    )
    if user is not None:
        login(request, user, backend=MODEL_BACKEND)
    else:
        rotate_token(request)  # the same new CSRF cookie as a sign-in sets
    request.session[SESSION_TENANT_KEY] = request.tenant.slug
    messages.info(
        request,
        _(
            "Thank you. If %(phone)s had an account with us already, we have sent it a text message: "
            "sign in with your password."
        )
        % {"phone": values["phone"].as_international},
    )
    return redirect(MEMBERSHIP_PAGE)


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
    return redirect(landing_for(request.actor.roles))


@portal_page(Role.HQ_ADMIN, Role.HQ_STAFF)
def hq_home(request: SignedInPortalRequest) -> HttpResponse:
    """The brand, its HQ team, and the panels the higher apps register (o2o.portals.panels)."""
    team = list_tenant_roles(tenant=request.tenant, roles=HQ_ROLES)
    context = {"portal": "hq", "team": team, "panels": shown_panels("hq", request)}
    return render(request, "hq/home.html", context)


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
    the brand and role offered and takes it; then they work in that brand. An unknown, used or
    expired code is answered by the pages' error boundary (400, the page saying so)."""
    return call_view(_accept_invitation, request, (), {}, on_error=_invitation_refused)


def _accept_invitation(request: SignedInRequest) -> HttpResponse:
    tenant = get_active_tenant(slug=request.GET.get("brand", ""))
    code = request.GET.get("code", "")
    if tenant is None:
        return render(request, "invitation_accept.html", {"tenant": None, "code": code}, status=404)
    with tenant_scope(tenant):
        if request.method == "POST":
            accept_invitation(tenant=tenant, code=code, user=request.user)
            request.session[SESSION_TENANT_KEY] = tenant.slug
            messages.success(request, _("Welcome to %(brand)s.") % {"brand": tenant.name})
            return redirect("portal-home")
        invitation = find_invitation(tenant=tenant, code=code)
    return render(request, "invitation_accept.html", {"tenant": tenant, "code": code, "invitation": invitation})


def _invitation_refused(request: SignedInRequest, error: AppError) -> HttpResponse:
    context = {"tenant": get_active_tenant(slug=request.GET.get("brand", "")), "error": error.detail}
    return render(request, "invitation_accept.html", context)
