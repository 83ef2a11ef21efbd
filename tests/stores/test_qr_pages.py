"""The stores' QR codes: the SVG and PNG of a store page's address, the download, and the print page
of the manager's store."""

from __future__ import annotations

import io
from typing import cast

import pytest
import segno
from django.test import Client
from PIL import Image

from o2o.tenancy.middleware import SESSION_TENANT_KEY
from tests.pages import client_for, elements, text

pytestmark = pytest.mark.django_db


def segno_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, light="#fff", xmldecl=False, omitsize=True
    )
    return out.getvalue()


def segno_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def modules_of_png(data: bytes, *, scale: int = 10, border: int = 4) -> list[list[int]]:
    """The dark (1) and light (0) modules of a QR code PNG, read from the centre of each module."""
    image = Image.open(io.BytesIO(data)).convert("L")
    size = image.width // scale - 2 * border
    centre = scale // 2
    return [
        [
            1 if cast(int, image.getpixel(((border + x) * scale + centre, (border + y) * scale + centre))) < 128 else 0
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_the_svg_qr_code_encodes_the_absolute_url_of_the_store_page(tenant, make_store):
    # given a store of the brand
    store = make_store(tenant, "SH001")
    # when anyone fetches its SVG QR code on the brand's host
    response = client_for(tenant).get(f"/stores/{store.pk}/qr.svg")
    # then it is the segno drawing of exactly the store page's absolute URL
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == segno_svg(f"http://alpha.localhost/stores/{store.pk}/visit/")
    assert response.content != segno_svg(f"http://alpha.localhost/stores/{store.pk + 1}/visit/")


def test_the_png_qr_code_holds_the_modules_of_the_store_page_url(tenant, make_store):
    # given a store of the brand, reached on a port
    store = make_store(tenant, "SH001")
    url = f"http://alpha.localhost:8000/stores/{store.pk}/visit/"
    # when anyone fetches its PNG QR code
    response = client_for(tenant, host="alpha.localhost:8000").get(f"/stores/{store.pk}/qr.png")
    # then the image's modules are those of the QR code of that URL, and the bytes are segno's
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    expected = [[1 if dark else 0 for dark in row] for row in segno.make(url, error="m", micro=False).matrix]
    assert modules_of_png(response.content) == expected
    assert response.content == segno_png(url)


def test_a_qr_code_opened_on_a_bare_host_still_names_the_brands_host(tenant, make_store):
    # given a visitor who picked the brand in the session, on the bare host
    store = make_store(tenant, "SH001")
    client = Client(HTTP_HOST="localhost:8000")
    session = client.session
    session[SESSION_TENANT_KEY] = tenant.slug
    session.save()
    # when they fetch the QR code
    response = client.get(f"/stores/{store.pk}/qr.svg")
    # then it encodes the store page on the brand's own host (what a scanning phone needs)
    assert response.status_code == 200
    assert response.content == segno_svg(f"http://alpha.localhost:8000/stores/{store.pk}/visit/")


def test_a_qr_code_download_is_an_attachment_named_after_the_store(tenant, make_store):
    store = make_store(tenant, "SH001")
    response = client_for(tenant).get(f"/stores/{store.pk}/qr.png", {"download": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="store-SH001-qr.png"'


def test_another_brands_store_has_no_qr_code_here(tenant, other_tenant, make_store):
    # given a store of the other brand
    foreign = make_store(other_tenant, "BX001")
    # then on this brand's host neither its QR code nor its page exists
    client = client_for(tenant)
    assert client.get(f"/stores/{foreign.pk}/qr.svg").status_code == 404
    assert client.get(f"/stores/{foreign.pk}/qr.png").status_code == 404
    assert client.get(f"/stores/{foreign.pk}/").status_code == 404


def test_the_print_page_shows_the_managers_store_with_its_big_qr_code(tenant, make_store, make_manager):
    # given a manager of a store
    store = make_store(tenant, "SH001", name="Lumen Xintiandi", address="181 Taicang Road")
    manager = make_manager(store, "sh001-manager")
    # when they open the print page
    response = client_for(tenant, manager).get("/store/qr/")
    # then it shows the store's name, address and its QR code of the public page
    assert response.status_code == 200
    assert text(response, "page-title") == "Lumen Xintiandi"
    assert text(response, "store-address") == "181 Taicang Road"
    assert elements(response, "qr-image")[0].attrs["src"] == f"/stores/{store.pk}/qr.svg"
    assert text(response, "qr-url") == f"http://alpha.localhost/stores/{store.pk}/visit/"
