"""What the base layout needs on every page: the brand, the user's roles and the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from o2o.api.permissions import PUBLIC
from o2o.choices import HQ_ROLES, Role
from o2o.tenancy.request import TenantRequest


@dataclass(frozen=True)
class NavLink:
    key: str  # matches the `portal` a page renders with, to mark the current one
    label: str | Promise
    url: str


def nav_links(roles: frozenset[str]) -> list[NavLink]:
    """The portals `roles` may open, in a fixed order. Only pages that exist are linked."""
    links = []
    if roles & HQ_ROLES:
        links += [
            NavLink("hq", _("HQ"), reverse("hq-home")),
            NavLink("admin", _("Admin"), reverse("admin:index")),
        ]
    if Role.STORE_MANAGER in roles:
        links.append(NavLink("store", _("Store"), reverse("store-home")))
    if Role.GUIDE in roles:
        links.append(NavLink("guide", _("Guide"), reverse("guide-home")))
    if Role.CONSUMER in roles:
        links.append(NavLink("shop", _("Shop"), reverse("shop-home")))
    return links


# The pages of each portal, by URL name, in menu order. Names are resolved when the menu is built,
# so a portal lists only the pages the apps installed provide.
SECTIONS: dict[str, list[tuple[str, Any]]] = {
    "hq": [
        ("hq-home", _("Dashboard")),
        ("hq-store-list", _("Stores")),
        ("hq-products", _("Products")),
        ("hq-categories", _("Categories")),
        ("hq-price-lists", _("Price lists")),
        ("hq-campaigns", _("Campaigns")),
        ("hq-reports", _("Reports")),
        ("hq-member-list", _("Members")),
        ("hq-order-list", _("Orders")),
        ("hq-order-unroutable", _("Unroutable orders")),
        ("hq-booking-list", _("Bookings")),
        ("hq-settlements", _("Settlements")),
        ("hq-commission-rules", _("Commission rules")),
        ("hq-commissions", _("Commissions")),
    ],
    "store": [
        ("store-home", _("Dashboard")),
        ("store-stock", _("Stock")),
        ("store-order-queue", _("Orders")),
        ("store-today", _("Today's visits")),
        ("store-member-list", _("Members")),
        ("store-qr-print", _("QR code")),
        ("store-statements", _("Statements")),
        ("store-guides", _("Guides")),
        ("store-claims", _("Claims")),
    ],
    "shop": [
        ("shop-home", _("Home")),
        ("shop-store-list", _("Stores near me")),
        ("book-service", _("Book a visit")),
        ("shop-checkout", _("Order online")),
        ("shop-booking-list", _("My bookings")),
        ("shop-order-list", _("My orders")),
        ("shop-membership", _("My membership")),
    ],
}
SECTION_ROLES = {"hq": HQ_ROLES, "store": frozenset({Role.STORE_MANAGER, Role.GUIDE}), "shop": None}


def portal_of(path: str) -> str:
    """The portal a path belongs to: /hq/..., /store/..., /guide/..., else the consumer shop."""
    for key in ("hq", "store", "guide"):
        if path.startswith(f"/{key}/"):
            return key
    return "shop"


def section_links(portal: str, roles: frozenset[str]) -> list[NavLink]:
    """The menu of `portal` for a user with `roles`: the shop's for everyone; a staff portal's pages
    installed that one of `roles` may open (a guide is not offered the manager's dashboard)."""
    allowed = SECTION_ROLES.get(portal)
    if allowed is not None and not roles & allowed:
        return []
    links = []
    for name, label in SECTIONS.get(portal, []):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if allowed is None or may_open(url, roles):  # the shop offers its pages to all (log in to see yours)
            links.append(NavLink(name, label, url))
    return links


def may_open(url: str, roles: frozenset[str]) -> bool:
    """Whether one of `roles` may open the portal page at `url` (its `portal_page` roles)."""
    page_roles = getattr(resolve(url).func, "portal_roles", None)
    return page_roles is None or PUBLIC in page_roles or bool(roles & page_roles)


def role_labels(roles: frozenset[str]) -> list[str | Promise]:
    """The translated names of `roles`, in the order of `Role`."""
    return [role.label for role in Role if role in roles]


def portal(request: TenantRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    actor = getattr(request, "actor", None)
    roles = actor.roles if actor is not None else frozenset()
    current = portal_of(request.path)
    sections = section_links(current, roles) if tenant is not None else []
    return {"tenant": tenant, "role_labels": role_labels(roles), "nav": nav_links(roles), "sections": sections}
