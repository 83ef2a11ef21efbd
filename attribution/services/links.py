"""Tracking links and their touchpoints (issue 11 item 2): the writes, and the codes and URLs
(reads: `attribution.selectors.links`).

A link has a short random code, unique per brand: 8 characters of a 32-letter alphabet without
the look-alikes 0/O and 1/I (40 bits; a clash is retried). `/t/{code}` on the brand's host
(`link_url`) redirects to the link's target and records a touchpoint (`attribution.redirect`);
its QR code encodes the same URL with `?s=qr`, so that a scan is told from a click.

A link names a campaign, a store and/or a guide (a guide's link is for the guide's store), and a
target: the shop's home, a store's page (needs the store), a product (needs the product) or
booking a service (needs the service; with a store, one that offers it).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from attribution import policies
from attribution.choices import Channel, Target
from attribution.models import Campaign, Touchpoint, TrackingLink
from attribution.services.guide_binding import GuideTouch, bind_touches
from catalog.models import Product, Service
from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from stores.choices import StaffRole
from stores.models import Store, StoreService, StoreStaff

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I: read aloud or typed from a poster
CODE_SIZE = 8
CODE_ATTEMPTS = 5
SCAN_PARAM = "s"
SCAN_VALUE = "qr"
LABEL_MAX = 120


def new_code() -> str:
    """A random link code (40 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_SIZE))


def normal_code(code: str) -> str:
    """A code as typed (lower case, spaces) as it is stored."""
    return code.strip().upper()


# --- URLs ----------------------------------------------------------------------------------------


def brand_origin(tenant: Tenant) -> str:
    """`scheme://<slug>.<base domain>[:port]`, the scheme and port of `settings.O2O_SITE_URL`: where a
    link is followed, whatever host the page or API call that made it came in on."""
    site = urlsplit(settings.O2O_SITE_URL)
    port = f":{site.port}" if site.port else ""
    return f"{site.scheme or 'https'}://{tenant.slug}.{settings.O2O_BASE_DOMAIN}{port}"


def link_url(tenant: Tenant, code: str) -> str:
    """The absolute URL of the link: what a click follows."""
    return brand_origin(tenant) + reverse("tracking-link", args=[code])


def scan_url(tenant: Tenant, code: str) -> str:
    """What the link's QR code encodes: its URL marked as a scan."""
    return f"{link_url(tenant, code)}?{SCAN_PARAM}={SCAN_VALUE}"


def qr_url(tenant: Tenant, code: str, kind: str = "svg") -> str:
    """The absolute URL of the link's QR image (`svg` or `png`)."""
    name = "tracking-link-qr-png" if kind == "png" else "tracking-link-qr-svg"
    return brand_origin(tenant) + reverse(name, args=[code])


def target_path(*, target: str, store_id: int | None, product_id: int | None, service_id: int | None) -> str:
    """Where a link leads, on the brand's host (no query: every id is the link's own)."""
    if target == Target.STORE and store_id is not None:
        return reverse("shop-store-detail", args=[store_id])
    if target == Target.PRODUCT and product_id is not None:
        try:
            return reverse("shop-product-detail", args=[product_id])
        except NoReverseMatch:  # the shop has no product page yet: its home, naming the product
            return f"{reverse('shop-home')}?{urlencode({'product': product_id})}"
    if target == Target.BOOKING and service_id is not None:
        if store_id is not None:  # the store's days and slots for the service
            return f"{reverse('book-slots')}?{urlencode({'service': service_id, 'store': store_id})}"
        return f"{reverse('book-store')}?{urlencode({'service': service_id})}"
    return reverse("shop-home")


# --- writes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkInput:
    target: str = Target.SHOP
    campaign_id: int | None = None
    store_id: int | None = None
    guide_id: int | None = None
    product_id: int | None = None
    service_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class _Resolved:
    campaign: Campaign | None
    store: Store | None
    guide: StoreStaff | None
    product: Product | None
    service: Service | None


def _brand_row(model: Any, *, tenant: Tenant, pk: int | None, field: str, message: str, **filters: Any) -> Any:
    if pk is None:
        return None
    row = model.objects.filter(tenant=tenant, pk=pk, **filters).first()
    if row is None:
        raise InvalidInput(field, message)
    return row


def _resolve(*, tenant: Tenant, data: LinkInput) -> _Resolved:
    """The rows `data` names, checked: the brand's own, and what the target needs."""
    if data.target not in Target.values:
        raise InvalidInput("target", _("Choose one of the targets."))
    if len(data.label) > LABEL_MAX:
        raise InvalidInput("label", _("A label has at most %(max)d characters.") % {"max": LABEL_MAX})
    campaign = _brand_row(
        Campaign, tenant=tenant, pk=data.campaign_id, field="campaign", message=_("No such campaign.")
    )
    guide = _brand_row(
        StoreStaff,
        tenant=tenant,
        pk=data.guide_id,
        field="guide",
        message=_("No such guide."),
        role=StaffRole.GUIDE,
        is_active=True,
    )
    store = _brand_row(Store, tenant=tenant, pk=data.store_id, field="store", message=_("No such store."))
    if guide is not None:
        if store is not None and guide.store_id != store.pk:
            raise InvalidInput("guide", _("This guide works at another store."))
        if store is None:
            store = Store.objects.get(tenant=tenant, pk=guide.store_id)
    product = service = None
    if data.target == Target.PRODUCT:
        if data.product_id is None:
            raise InvalidInput("product", _("Choose the product the link leads to."))
        product = _brand_row(
            Product, tenant=tenant, pk=data.product_id, field="product", message=_("No such product."), is_active=True
        )
    elif data.product_id is not None:
        raise InvalidInput("product", _("Only a link to a product names one."))
    if data.target == Target.BOOKING:
        if data.service_id is None:
            raise InvalidInput("service", _("Choose the service the link books."))
        service = _brand_row(
            Service, tenant=tenant, pk=data.service_id, field="service", message=_("No such service."), is_active=True
        )
        if store is not None and not StoreService.objects.filter(tenant=tenant, store=store, service=service).exists():
            raise InvalidInput("service", _("This store does not offer this service."))
    elif data.service_id is not None:
        raise InvalidInput("service", _("Only a link to booking names a service."))
    if data.target == Target.STORE and store is None:
        raise InvalidInput("store", _("Choose the store the link leads to."))
    return _Resolved(campaign=campaign, store=store, guide=guide, product=product, service=service)


@transaction.atomic
def create_link(*, tenant: Tenant, actor: Actor, data: LinkInput) -> TrackingLink:
    """Make a tracking link with a new random code (retried on a clash).

    A store manager's link is for their store (the default when they name neither a store nor a
    guide) or one of its guides; HQ makes any. Raises InvalidInput naming `target`, `campaign`,
    `store`, `guide`, `product`, `service` or `label`; Forbidden (403) for another store's link.
    """
    if data.store_id is None and data.guide_id is None and not actor.is_hq:
        data = LinkInput(**{**data.__dict__, "store_id": policies.managed_store_id(actor)})
    rows = _resolve(tenant=tenant, data=data)
    policies.authorize_link(actor, store_id=rows.store.pk if rows.store is not None else None)
    for attempt in range(CODE_ATTEMPTS):
        link = TrackingLink(
            tenant=tenant,
            code=new_code(),
            campaign=rows.campaign,
            store=rows.store,
            guide=rows.guide,
            target=data.target,
            product=rows.product,
            service=rows.service,
            label=data.label.strip(),
        )
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:
            if attempt == CODE_ATTEMPTS - 1:
                raise
            continue
        return link
    raise AssertionError("unreachable")


@transaction.atomic
def update_link(*, tenant: Tenant, link: TrackingLink, label: str | None, is_active: bool | None) -> TrackingLink:
    """Change a link's label, or switch it off (an inactive link still redirects, printed posters stay
    useful, but records nothing). Its code and target never change: they are printed."""
    if label is not None:
        if len(label) > LABEL_MAX:
            raise InvalidInput("label", _("A label has at most %(max)d characters.") % {"max": LABEL_MAX})
        link.label = label.strip()
    if is_active is not None:
        link.is_active = is_active
    TrackingLink.objects.filter(tenant=tenant, pk=link.pk).update(label=link.label, is_active=link.is_active)
    return link


@transaction.atomic
def delete_link(*, tenant: Tenant, link: TrackingLink) -> None:
    """Delete a link nobody followed yet; Conflict (409) once it has touchpoints (switch it off)."""
    if Touchpoint.objects.filter(tenant=tenant, link=link).exists():
        raise Conflict(_("This link was followed: switch it off instead of deleting it."), code="link_in_use")
    TrackingLink.objects.filter(tenant=tenant, pk=link.pk).delete()


@dataclass(frozen=True)
class TouchInput:
    """A click or scan of a link, as the redirect saw it (JSON primitives: it travels in a task)."""

    uid: str  # made by the request: the same click recorded twice is stored once
    at: str  # ISO 8601
    visitor_id: str
    kind: str
    link_id: int
    campaign_id: int | None
    channel: str
    store_id: int | None
    guide_id: int | None
    referrer: str
    user_agent: str


def touch_event_id(uid: str) -> str:
    """The touchpoint's `client_event_id`: the redirect's uid, in a namespace of its own."""
    return f"t:{uid}"


def record_touchpoint(*, tenant: Tenant, touch: TouchInput) -> None:
    """Store a link's click or scan once: idempotent by `touch.uid` (one INSERT ... ON CONFLICT DO
    NOTHING on the brand's unique `client_event_id`), so a retried task inserts nothing. A guide's
    link binds the visitor's member to the guide (`guide_binding`; a retry binds nothing more)."""
    row = Touchpoint(
        tenant=tenant,
        at=dt.datetime.fromisoformat(touch.at),
        visitor_id=touch.visitor_id,
        kind=touch.kind,
        link_id=touch.link_id,
        campaign_id=touch.campaign_id,
        channel=touch.channel,
        store_id=touch.store_id,
        guide_id=touch.guide_id,
        client_event_id=touch_event_id(touch.uid),
        referrer=touch.referrer[:500],
        user_agent=touch.user_agent[:300],
    )
    Touchpoint.objects.bulk_create([row], ignore_conflicts=True)
    if touch.guide_id is not None:  # a guide's link binds the member behind the visitor (rules.md 4.1)
        bind_touches(
            tenant=tenant,
            touches=[GuideTouch(visitor_id=row.visitor_id, guide_id=touch.guide_id, kind=touch.kind, at=row.at)],
        )


def link_channel(*, campaign_channel: str | None, guide_id: int | None) -> str:
    """The channel a link's touchpoints carry: its campaign's (a B2C marketplace's kept as it is),
    else "guide" for a guide's own link, else none."""
    if campaign_channel:
        return campaign_channel
    return Channel.GUIDE if guide_id is not None else ""
