"""Resolve the tenant of a request once, and run the request inside its tenant scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from o2o.tenancy import tenant_scope
from o2o.tenancy.actor import RequestActor
from o2o.tenancy.selectors import get_active_tenant

if TYPE_CHECKING:
    from o2o.tenancy.request import TenantRequest

SESSION_TENANT_KEY = "o2o_tenant"


def tenant_slug_from_request(request: HttpRequest) -> str | None:
    """The slug named by the `X-Tenant` header, else by the host prefix `<slug>.<base domain>`."""
    header = request.headers.get("X-Tenant")
    if header:
        return header.strip().lower()
    host = request.get_host().split(":", 1)[0].lower()
    base = settings.O2O_BASE_DOMAIN.lower()
    if host.endswith("." + base):
        prefix = host[: -len(base) - 1]
        if prefix and "." not in prefix:
            return prefix
    return None


class TenantMiddleware:
    """Sets `request.tenant` (or None) and `request.actor` (who calls, `o2o.tenancy.actor`); an
    unknown tenant is a 404.

    The tenant comes from `X-Tenant`, else the host prefix, else (portal pages only) the brand the
    user picked after logging in. A tenant request runs inside `tenant_scope`, one transaction.
    The check that the user holds a role there is made by the API permission and the portal views,
    after authentication.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: TenantRequest) -> HttpResponse:
        slug = tenant_slug_from_request(request)
        from_session = False
        if slug is None and not request.path.startswith("/api/") and hasattr(request, "session"):
            slug = request.session.get(SESSION_TENANT_KEY)
            from_session = slug is not None
        request.tenant = None
        request.actor = RequestActor(request)
        if slug is None:
            return self.get_response(request)
        tenant = get_active_tenant(slug=slug)
        if tenant is None:
            if from_session:
                del request.session[SESSION_TENANT_KEY]
                return self.get_response(request)
            return _tenant_not_found(request, slug)
        request.tenant = tenant
        with tenant_scope(tenant):
            return self.get_response(request)


def _tenant_not_found(request: HttpRequest, slug: str) -> HttpResponse:
    detail = f"No brand named '{slug}'."
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "tenant_not_found", "detail": detail}, status=404)
    return render(request, "404.html", {"detail": detail}, status=404)
