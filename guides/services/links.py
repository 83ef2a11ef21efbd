"""A guide's personal share links and QR codes (issue 12 item 1), built on the tracking links.

Every active guide has one link per target: their store's page, a product, booking a service at
their store. Each is an `attribution.TrackingLink` naming the guide and the guide's store, without a
campaign (its touchpoints carry the channel `guide`: `attribution.services.links.link_channel`), so
that a click or scan binds the customer to the guide (`attribution.services.guide_binding`). The
link is made on first use and then always the same (`GuideLink`, unique per guide and target, also
between concurrent calls). Its QR code encodes the same URL marked as a scan.

What a customer types at checkout is the guide's code (`StoreStaff.code`), not the link's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attribution.choices import Target
from attribution.models import TrackingLink
from attribution.services.links import CODE_ATTEMPTS, link_url, new_code, qr_url
from catalog.models import Product, Service
from guides.models import GuideLink
from o2o.errors import InvalidInput
from o2o.models import Tenant
from stores.choices import StaffRole
from stores.models import StoreService, StoreStaff

GUIDE_TARGETS = (Target.STORE, Target.PRODUCT, Target.BOOKING)
STORE_KEY = Target.STORE.value


@dataclass(frozen=True)
class ShareLink:
    """A guide's link as the API and the pages show it."""

    id: int
    code: str
    target: str
    product: int | None
    service: int | None
    url: str
    qr: str
    qr_png: str


def share_link(tenant: Tenant, link: TrackingLink) -> ShareLink:
    return ShareLink(
        id=link.pk,
        code=link.code,
        target=link.target,
        product=link.product_id,
        service=link.service_id,
        url=link_url(tenant, link.code),
        qr=qr_url(tenant, link.code),
        qr_png=qr_url(tenant, link.code, "png"),
    )


def _target(
    *, tenant: Tenant, guide: StoreStaff, target: str, product_id: int | None, service_id: int | None
) -> tuple[str, Product | None, Service | None]:
    """The link's key and rows, checked: InvalidInput naming `target`, `product` or `service`."""
    if target not in GUIDE_TARGETS:
        raise InvalidInput("target", _("Choose the store, a product or booking a service."))
    product = service = None
    if target == Target.PRODUCT:
        if product_id is None:
            raise InvalidInput("product", _("Choose the product the link leads to."))
        product = Product.objects.filter(tenant=tenant, pk=product_id, is_active=True).first()
        if product is None:
            raise InvalidInput("product", _("No such product."))
    elif product_id is not None:
        raise InvalidInput("product", _("Only a link to a product names one."))
    if target == Target.BOOKING:
        if service_id is None:
            raise InvalidInput("service", _("Choose the service the link books."))
        service = Service.objects.filter(tenant=tenant, pk=service_id, is_active=True).first()
        if service is None:
            raise InvalidInput("service", _("No such service."))
        if not StoreService.objects.filter(tenant=tenant, store_id=guide.store_id, service=service).exists():
            raise InvalidInput("service", _("This store does not offer this service."))
    elif service_id is not None:
        raise InvalidInput("service", _("Only a link to booking names a service."))
    keys: dict[str, str] = {Target.PRODUCT: f"product:{product_id}", Target.BOOKING: f"booking:{service_id}"}
    key = keys.get(target, STORE_KEY)
    return key, product, service


def guide_link(
    *,
    tenant: Tenant,
    guide: StoreStaff,
    target: str,
    product_id: int | None = None,
    service_id: int | None = None,
) -> TrackingLink:
    """The guide's share link to `target` (store, product or booking), made when missing: always the
    same link for the same guide and target, even when two calls make it at the same moment (the
    unique constraint decides; the loser reads the winner's).

    InvalidInput naming `guide` for anything but an active guide of the brand, `target`, `product`
    (an active product, only for a product link) or `service` (an active service the guide's store
    offers, only for a booking link)."""
    if guide.tenant_id != tenant.pk or guide.role != StaffRole.GUIDE or not guide.is_active:
        raise InvalidInput("guide", _("Choose an active guide of this brand."))
    key, product, service = _target(
        tenant=tenant, guide=guide, target=target, product_id=product_id, service_id=service_id
    )
    found = GuideLink.objects.filter(tenant=tenant, guide=guide, key=key).select_related("link")
    existing = found.first()
    if existing is not None:
        return existing.link
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                link = TrackingLink.objects.create(
                    tenant=tenant,
                    code=new_code(),
                    store_id=guide.store_id,
                    guide=guide,
                    target=target,
                    product=product,
                    service=service,
                )
                GuideLink.objects.create(tenant=tenant, guide=guide, key=key, link=link)
        except IntegrityError:  # another call made it first, or (rarely) the code was taken
            existing = found.first()
            if existing is not None:
                return existing.link
            continue
        return link
    raise IntegrityError("no free link code")


def store_links(*, tenant: Tenant, guides: Iterable[StoreStaff]) -> dict[int, TrackingLink]:
    """Each guide's store share link, by guide id: one query, plus making the ones missing (once in
    a guide's life)."""
    guides = list(guides)
    links = {
        share.guide_id: share.link
        for share in GuideLink.objects.filter(tenant=tenant, guide__in=guides, key=STORE_KEY).select_related("link")
    }
    for guide in guides:
        if guide.pk not in links and guide.is_active:
            links[guide.pk] = guide_link(tenant=tenant, guide=guide, target=Target.STORE)
    return links
