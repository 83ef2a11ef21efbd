"""The request as our middleware leaves it, for the type checker.

`TenantMiddleware` sets `tenant`, `actor` and `roles` on every request (django-htmx's middleware sets
`htmx`), which the Django and DRF stubs do not declare. Views annotate their `request` with the
class below that states what their gate guarantees. These classes are never instantiated: at run
time the request is still Django's `HttpRequest` or DRF's `Request`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from o2o.models import Tenant, User
    from o2o.tenancy.actor import Actor


class TenantRequest(HttpRequest):
    """Any request past the middleware: no brand named yet is `tenant=None`."""

    tenant: Tenant | None
    actor: Actor
    htmx: HtmxDetails


class SignedInRequest(TenantRequest):
    """A request to a view behind `login_required` (or the admin's gate): the user is signed in."""

    user: User


class PortalRequest(TenantRequest):
    """A request to a page behind `portal_page` (without `without_tenant`): the brand is known.

    On a `PUBLIC` page the user may still be anonymous.
    """

    tenant: Tenant


class SignedInPortalRequest(PortalRequest):
    """A request to a page whose `portal_page` names roles: the user is signed in and holds one."""

    user: User


class AdminRequest(SignedInRequest):
    """A request to a `TenantAdmin` page: the admin lets in only the HQ of a known brand.

    Admin hooks are declared with `HttpRequest` by Django, so they `cast` to this class.
    """

    tenant: Tenant


class TenantApiRequest(Request):
    """A request to a `TenantApi` view: `HasTenantRole` has made sure the brand is known.

    On a method open to `PUBLIC` the user may still be anonymous.
    """

    tenant: Tenant
    actor: Actor


class SignedInApiRequest(TenantApiRequest):
    """A request to a `TenantApi` method not open to `PUBLIC`: the user is signed in, with a role."""

    user: User
