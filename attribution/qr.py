"""The QR codes of tracking links, drawn as the stores' are (`stores.qr`, segno): PNG and SVG.

A link's QR code encodes its absolute URL on the brand's host marked as a scan
(`attribution.services.links.scan_url`, `?s=qr`), so that the redirect records a scan rather than
a click. The images are public, as the code printed on a poster is.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control

from attribution.selectors.links import find_redirect_link
from attribution.services.links import scan_url
from o2o.errors import NotFound
from o2o.tenancy.request import TenantRequest
from stores.qr import qr_png, qr_svg

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def link_qr(*, tenant_url: str, kind: str) -> bytes:
    """The QR image (`svg` or `png`) of a link's scan URL."""
    return qr_svg(tenant_url) if kind == "svg" else qr_png(tenant_url)


def _qr(request: TenantRequest, code: str, kind: str) -> HttpResponse:
    tenant = request.tenant
    if tenant is None:
        raise Http404("No brand")
    try:
        link = find_redirect_link(tenant=tenant, code=code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    response = HttpResponse(
        link_qr(tenant_url=scan_url(tenant, link.code), kind=kind), content_type=CONTENT_TYPES[kind]
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="link-{link.code}-qr.{kind}"'
    patch_cache_control(response, public=True, max_age=3600)  # a link's code and URL never change
    return response


def link_qr_svg(request: TenantRequest, code: str) -> HttpResponse:
    """GET /t/{code}/qr.svg: the link's QR code as SVG (`?download=1`: as a file)."""
    return _qr(request, code, "svg")


def link_qr_png(request: TenantRequest, code: str) -> HttpResponse:
    """GET /t/{code}/qr.png: the link's QR code as PNG, 10 pixels a module (`?download=1`: as a file)."""
    return _qr(request, code, "png")
