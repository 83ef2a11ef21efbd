"""Store QR codes: the absolute URL of a store's public page on the brand's host, drawn by segno.

A poster in the shop window, a sticker on the counter: a consumer scans it and lands on the store
page of the right brand whatever host the dashboard was opened on (a brand picked in the session
still gets `<slug>.<base domain>`). Later issues append a walk-in visit parameter to the URL; the
drawing does not change.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from o2o.models import Tenant

ERROR_LEVEL = "m"  # 15% of the code may be damaged (a scratched or folded poster) and still scan
SVG_SCALE = 10  # user units per module; the SVG scales freely anyway
PNG_SCALE = 10  # pixels per module: a version-3 code is 370 px square with its quiet zone


def brand_origin(*, request: HttpRequest, tenant: Tenant) -> str:
    """`scheme://<slug>.<base domain>[:port]`: the brand's own host, on the port the request came in on."""
    host = request.get_host()
    port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
    authority = f"{tenant.slug}.{settings.O2O_BASE_DOMAIN}" + (f":{port}" if port else "")
    return f"{request.scheme}://{authority}"


def store_page_url(*, request: HttpRequest, tenant: Tenant, store_id: int) -> str:
    """What the store's QR code encodes: the absolute URL that records a walk-in visit and then
    shows the store's public page (the bookings app's `shop-store-visit`), or the page itself
    where no app records visits."""
    try:
        path = reverse("shop-store-visit", args=[store_id])
    except NoReverseMatch:
        path = reverse("shop-store-detail", args=[store_id])
    return brand_origin(request=request, tenant=tenant) + path


def make_qr(data: str) -> segno.QRCode:
    """The QR code of `data` (never a Micro QR: phone cameras do not all read those)."""
    return segno.make(data, error=ERROR_LEVEL, micro=False)


def qr_svg(data: str) -> bytes:
    """An SVG of the QR code of `data`, white light modules so it prints on any paper."""
    out = io.BytesIO()
    make_qr(data).save(out, kind="svg", scale=SVG_SCALE, border=4, light="#fff", xmldecl=False, omitsize=True)
    return out.getvalue()


def qr_png(data: str) -> bytes:
    """A PNG of the QR code of `data`, black on white, `PNG_SCALE` pixels per module."""
    out = io.BytesIO()
    make_qr(data).save(out, kind="png", scale=PNG_SCALE, border=4)
    return out.getvalue()
