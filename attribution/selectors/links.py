"""Reads of tracking links, shared by the API, the pages and the redirect (`find_redirect_link`,
one query on every followed link)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from attribution import policies
from attribution.models import Campaign, TrackingLink
from attribution.services.links import link_channel, normal_code
from catalog.models import Product, Service
from o2o.errors import NotFound
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from stores.choices import StaffRole
from stores.models import Store, StoreStaff


def list_links(*, tenant: Tenant, actor: Actor, campaign_id: int | None = None) -> QuerySet[TrackingLink]:
    """The links the actor may see (`policies.link_scope`), newest first, with their campaign, store
    and guide."""
    links = (
        TrackingLink.objects.filter(tenant=tenant)
        .select_related("campaign", "store", "guide__user", "product", "service")
        .order_by("-created_at", "-pk")
    )
    scope = policies.link_scope(actor)
    if scope is not None:
        links = links.filter(scope)
    if campaign_id is not None:
        links = links.filter(campaign_id=campaign_id)
    return links


def get_link(*, tenant: Tenant, actor: Actor, link_id: int) -> TrackingLink:
    """One link the actor may see; NotFound for a missing, foreign or unseen one alike."""
    link = list_links(tenant=tenant, actor=actor).filter(pk=link_id).first()
    if link is None:
        raise NotFound(_("No such link."))
    return link


@dataclass(frozen=True)
class RedirectLink:
    """What the redirect needs of a link and its campaign, read in one query."""

    pk: int
    code: str
    target: str
    store_id: int | None
    guide_id: int | None
    product_id: int | None
    service_id: int | None
    campaign_id: int | None
    channel: str
    ends: dt.date | None
    is_active: bool


def find_redirect_link(*, tenant: Tenant, code: str) -> RedirectLink:
    """The link with `code` (any case) and its campaign's channel and end, in one query; NotFound.

    Every followed link asks: plain SQL (`o2o.db`: the ORM's query building is most of this path's
    CPU), with the tenant condition like any tenant query (row-level security applies too)."""
    links, campaigns = TrackingLink._meta.db_table, Campaign._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.id, l.code, l.target, l.store_id, l.guide_id, l.product_id, l.service_id, l.campaign_id, "  # noqa: S608 - fixed names, placeholders
            f"c.channel, c.ends, l.is_active FROM {links} l LEFT JOIN {campaigns} c ON c.id = l.campaign_id "
            "WHERE l.tenant_id = %s AND l.code = %s",
            [tenant.pk, normal_code(code)],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No such link."))
    pk, code_, target, store_id, guide_id, product_id, service_id, campaign_id, channel, ends, is_active = row
    if isinstance(ends, str):  # SQLite answers a date as text
        ends = dt.date.fromisoformat(ends)
    return RedirectLink(
        pk=pk,
        code=code_,
        target=target,
        store_id=store_id,
        guide_id=guide_id,
        product_id=product_id,
        service_id=service_id,
        campaign_id=campaign_id,
        channel=link_channel(campaign_channel=channel, guide_id=guide_id),
        ends=ends,
        is_active=bool(is_active),
    )


def link_options(*, tenant: Tenant) -> dict[str, list[tuple[int, str]]]:
    """What a new link may name, for a form's choices: the active stores, guides, products and
    services of the brand (four queries, whatever their number)."""
    stores = Store.objects.filter(tenant=tenant, is_active=True).order_by("code")
    guides = (
        StoreStaff.objects.filter(tenant=tenant, role=StaffRole.GUIDE, is_active=True)
        .select_related("user", "store")
        .order_by("store__code", "pk")
    )
    return {
        "store": [(store.pk, f"{store.code} {store.name}") for store in stores],
        "guide": [(guide.pk, f"{guide.user.name or guide.user.username} ({guide.store.code})") for guide in guides],
        "product": list(
            Product.objects.filter(tenant=tenant, is_active=True).order_by("name").values_list("pk", "name")
        ),
        "service": list(
            Service.objects.filter(tenant=tenant, is_active=True).order_by("name").values_list("pk", "name")
        ),
    }
