"""The tenant and role gate of every API view.

A tenant-scoped view declares `allowed_roles`: for each HTTP method, the roles that may call it
(`PUBLIC` lets anyone in, signed in or not). The cross-tenant and role harness of the test suite
reads the same declaration and proves it is enforced.
"""

from __future__ import annotations

from typing import Any, cast

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from o2o.tenancy.request import TenantApiRequest

PUBLIC = "public"


class TenantNotFound(exceptions.NotFound):
    default_code = "tenant_not_found"
    default_detail = "Name the brand in the X-Tenant header or the host prefix."


class NoRoleInTenant(exceptions.PermissionDenied):
    default_code = "no_role"
    default_detail = "You hold no role in this brand."


def allowed_roles_for(view: Any, method: str) -> frozenset[str]:
    method = "GET" if method == "HEAD" else method
    return frozenset(getattr(view, "allowed_roles", {}).get(method, frozenset()))


class HasTenantRole(BasePermission):
    """Tenant views: the tenant must be known, the user signed in and holding an allowed role."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not getattr(view, "tenant_scoped", True):
            return True
        if request.method == "OPTIONS":
            return True
        if getattr(request, "tenant", None) is None:
            raise TenantNotFound()
        method = (request.method or "GET").lower()
        if method not in view.http_method_names or not hasattr(view, method):
            return True  # no handler for this method: let the view answer 405, not a role error
        allowed = allowed_roles_for(view, request.method or "GET")
        if PUBLIC in allowed:
            return True
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        held = cast(TenantApiRequest, request).actor.roles  # the actor is set by TenantMiddleware on every request
        if not held:
            raise NoRoleInTenant()
        if not held & allowed:
            raise exceptions.PermissionDenied("Your role in this brand may not do this.")
        return True
