"""The gate of every portal page: a tenant, a signed-in user, one of the page's roles."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from o2o.api.permissions import PUBLIC
from o2o.portals.errors import ErrorPage, call_view
from o2o.tenancy.request import TenantRequest


def portal_page(
    *roles: str, without_tenant: bool = False, on_error: ErrorPage | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a portal view with the roles that may see it (`PUBLIC` for anyone).

    No tenant known yet: anonymous visitors go to the login page (or, on a page declared
    `without_tenant`, see the page itself, which then handles `request.tenant is None`), signed-in
    users to the brand picker. Anonymous on a non-public page: to the login page. A user without a
    role in the brand, or without one of `roles`: 403. The harness reads `view.portal_roles`.

    The view runs inside the pages' error boundary (`o2o.portals.errors`): an application error it
    raises is answered with its status, rolls back what the view wrote, and is shown by `on_error`
    (the page or form it came from, re-rendered with the error) or on a page of its own.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def gate(request: TenantRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.tenant is None:
                if request.user.is_authenticated:
                    return redirect("choose-tenant")
                if without_tenant:
                    return call_view(view, request, args, kwargs, on_error=on_error)
                return redirect_to_login(request.get_full_path())
            if PUBLIC not in roles:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not request.actor.roles & set(roles):
                    raise PermissionDenied(_("Your role in this brand may not see this page."))
            return call_view(view, request, args, kwargs, on_error=on_error)

        gate.portal_roles = frozenset(roles)  # type: ignore[attr-defined]
        return gate

    return decorate
