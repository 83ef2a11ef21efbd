"""The cross-tenant and role harness: walks the URL configuration so that every endpoint and page,
including the ones later issues add, is checked without anyone remembering to.

For every API view it reads `allowed_roles` (per method) and `resource_model`; for every portal
page it reads `portal_roles` (set by `portal_page`). What it proves is in
tests/o2o/test_tenant_harness.py. To cover a new endpoint:

- a detail route (an `<int:...>` argument) or a list needs a factory for its `resource_model` in
  `FOREIGN_FACTORIES` (how to make one such row in a given brand);
- a GET without an id that answers the caller's own object rather than a list (`.../me/`) names
  the reason in `SINGLE_OBJECTS`, so the list check skips it;
- a write endpoint (POST/PUT/PATCH) needs an entry in `FOREIGN_WRITES`: a function building a body
  that names another brand's ids (the write must be refused and nothing written), or the reason in
  `NO_FOREIGN_REFERENCES` when its body names no ids.

Each app keeps its entries in `tests/<app>/harness.py` (the same three names, any of them); they
are merged here.

Views look the object up before they validate the body, so that a foreign object is a 404 whatever
the body.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

from o2o.api.permissions import PUBLIC
from o2o.choices import Role
from o2o.invitations import Invite, invite_to_role
from o2o.models import RoleInvitation, Tenant, TenantRole, User
from o2o.services import grant_role
from o2o.tenancy import tenant_scope

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
ALL_METHODS = ("GET", *WRITE_METHODS)
_INT_ARG = re.compile(r"<int:(\w+)>")


@dataclass(frozen=True)
class Endpoint:
    route: str  # e.g. "api/v1/roles/<int:role_id>/"
    name: str | None
    view: Any  # the view class (API) or function (portal)
    int_args: tuple[str, ...] = field(default=())

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def methods(self) -> tuple[str, ...]:
        if self.is_api:
            return tuple(m for m in ALL_METHODS if hasattr(self.view, m.lower()))
        return ("GET",)

    @property
    def tenant_scoped(self) -> bool:
        return bool(getattr(self.view, "tenant_scoped", False)) if self.is_api else True

    def roles(self, method: str) -> frozenset[str]:
        if self.is_api:
            return frozenset(getattr(self.view, "allowed_roles", {}).get(method, frozenset()))
        return frozenset(getattr(self.view, "portal_roles", frozenset()))

    def path(self, **values: int) -> str:
        route = self.route
        for arg in self.int_args:
            route = route.replace(f"<int:{arg}>", str(values.get(arg, 999_999_999)))
        return "/" + route

    def __str__(self) -> str:
        return "/" + self.route


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def api_endpoints() -> list[Endpoint]:
    """Every view under /api/v1/."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            view = getattr(pattern.callback, "cls", pattern.callback)
            found.append(Endpoint(route, pattern.name, view, tuple(_INT_ARG.findall(route))))
    return found


def portal_pages() -> list[Endpoint]:
    """Every page gated by `portal_page` (the HQ, store, guide and shop portals)."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if hasattr(pattern.callback, "portal_roles"):
            found.append(Endpoint(route, pattern.name, pattern.callback, tuple(_INT_ARG.findall(route))))
    return found


# --- how to make another brand's rows ---------------------------------------------------------


def _foreign_hq_role(tenant: Tenant) -> TenantRole:
    user = User.objects.create_user(username=f"foreign-{tenant.slug}-{User.objects.count()}", password="x-pass-99")
    return grant_role(tenant=tenant, user=user, role=Role.HQ_STAFF)


def _foreign_invitation(tenant: Tenant) -> RoleInvitation:
    admin = User.objects.create_user(username=f"inviter-{tenant.slug}-{User.objects.count()}", password="x-pass-99")
    return invite_to_role(tenant=tenant, invite=Invite(role=Role.HQ_STAFF, email="someone@example.com"), by=admin)


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {
    TenantRole: _foreign_hq_role,
    RoleInvitation: _foreign_invitation,
}

# url name -> body naming the foreign rows' ids (given the brand's own and the foreign brand)
FOREIGN_WRITES: dict[str, Callable[[Tenant, Tenant], dict[str, Any]]] = {}

# url name -> why its write body names no id of a tenant-owned row
NO_FOREIGN_REFERENCES: dict[str, str] = {
    "auth-signup": "phone, password and name only",
    "settings": "the brand's own scalar settings only",
    "role-list": "names a user by username; users are global, roles are created in the caller's brand",
    "role-detail": "DELETE has no body",
    "role-invitation-list": "a role and a phone or e-mail only",
    "invitation-accept": "a code only; another brand's code is refused like a made-up one (test_invitations.py)",
    "auth-join": "no body: the caller joins the brand named by the request",
}


# url name -> why its GET without an id answers one object (the caller's own), not a list
SINGLE_OBJECTS: dict[str, str] = {}


def _merge_app_registries() -> None:
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"tests.{config.label}.harness")
        except ModuleNotFoundError as exc:
            if exc.name not in {f"tests.{config.label}", f"tests.{config.label}.harness"}:
                raise
            continue
        FOREIGN_FACTORIES.update(getattr(module, "FOREIGN_FACTORIES", {}))
        FOREIGN_WRITES.update(getattr(module, "FOREIGN_WRITES", {}))
        NO_FOREIGN_REFERENCES.update(getattr(module, "NO_FOREIGN_REFERENCES", {}))
        SINGLE_OBJECTS.update(getattr(module, "SINGLE_OBJECTS", {}))


_merge_app_registries()


def make_foreign(model: type[Model], tenant: Tenant) -> Model:
    factory = FOREIGN_FACTORIES.get(model)
    if factory is None:
        raise AssertionError(f"add a factory for {model.__name__} to FOREIGN_FACTORIES in tests/harness.py")
    with tenant_scope(tenant):
        return factory(tenant)


def role_user(tenant: Tenant, role: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="x-pass-99")
    with tenant_scope(tenant):
        grant_role(tenant=tenant, user=user, role=role)
    return user


def a_permitted_role(endpoint: Endpoint, method: str) -> str | None:
    roles = endpoint.roles(method)
    for role in (Role.HQ_ADMIN, Role.HQ_STAFF, Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER):
        if role in roles:
            return role
    return None if PUBLIC not in roles else Role.CONSUMER
