"""Tracking links through the API: the code, the URL and QR on the brand's host, what each target
needs, who makes and sees which links (HQ all; a store manager their store's; a guide their own),
and a constant query count."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from attribution.models import TrackingLink
from attribution.services.links import CODE_ALPHABET
from o2o.tenancy import tenant_scope
from tests.attribution.conftest import post_of
from tests.attribution.factories import make_link
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

CODE = re.compile(f"^[{CODE_ALPHABET}]{{8}}$")


@override_settings(O2O_SITE_URL="https://o2o.example.com", O2O_BASE_DOMAIN="o2o.example.com")
def test_hq_makes_a_link_with_a_short_code_its_url_on_the_brands_host_and_its_qr(
    api, tenant, hq_admin, campaign, store, guide
):
    guide_post = post_of(tenant, guide)
    body = {"campaign": campaign.pk, "guide": guide_post.pk, "target": "store", "store": store.pk, "label": "Window"}
    response = api(hq_admin, tenant).post("/api/v1/links/", body, format="json")
    assert response.status_code == 201, response.content
    link = response.json()
    code = link["code"]
    assert CODE.match(code)
    assert link == {
        "id": link["id"],
        "code": code,
        "campaign": campaign.pk,
        "guide": guide_post.pk,
        "store": store.pk,
        "target": "store",
        "product": None,
        "service": None,
        "label": "Window",
        "is_active": True,
        "url": f"https://alpha.o2o.example.com/t/{code}",
        "qr": f"https://alpha.o2o.example.com/t/{code}/qr.svg",
        "qr_png": f"https://alpha.o2o.example.com/t/{code}/qr.png",
    }


def test_codes_are_unique_and_a_clash_is_retried(api, tenant, hq_admin, monkeypatch):
    # given a link with a known code, and a generator that repeats it once
    from attribution.services import links

    codes = iter(["AAAAAAAA", "AAAAAAAA", "BBBBBBBB"])
    monkeypatch.setattr(links, "new_code", lambda: next(codes))
    hq = api(hq_admin, tenant)
    assert hq.post("/api/v1/links/", {}, format="json").json()["code"] == "AAAAAAAA"
    # when the next link draws the same code first, then it gets the next one
    assert hq.post("/api/v1/links/", {}, format="json").json()["code"] == "BBBBBBBB"


def test_a_guides_link_is_for_the_guides_store(api, tenant, hq_admin, guide, store):
    link = api(hq_admin, tenant).post("/api/v1/links/", {"guide": post_of(tenant, guide).pk}, format="json").json()
    assert (link["store"], link["target"]) == (store.pk, "shop")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "product"}, "product"),
        ({"target": "booking"}, "service"),
        ({"target": "store"}, "store"),
        ({"target": "elsewhere"}, "target"),
        ({"campaign": 999_999}, "campaign"),
        ({"store": 999_999}, "store"),
        ({"guide": 999_999}, "guide"),
    ],
)
def test_a_link_missing_what_its_target_needs_is_a_400_naming_it(api, tenant, hq_admin, body, field):
    response = api(hq_admin, tenant).post("/api/v1/links/", body, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, [field])
    assert snapshot(TrackingLink, tenant) == []


def test_product_and_booking_targets(api, tenant, hq_admin, product, service, store, other_store):
    hq = api(hq_admin, tenant)
    assert (
        hq.post("/api/v1/links/", {"target": "product", "product": product.pk}, format="json").json()["product"]
        == product.pk
    )
    booking = hq.post("/api/v1/links/", {"target": "booking", "service": service.pk, "store": store.pk}, format="json")
    assert (booking.status_code, booking.json()["service"]) == (201, service.pk)
    # a store that does not offer the service is named
    refused = hq.post(
        "/api/v1/links/", {"target": "booking", "service": service.pk, "store": other_store.pk}, format="json"
    )
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["service"])
    # a guide of another store than the one named
    mixed = hq.post("/api/v1/links/", {"target": "shop", "product": product.pk}, format="json")
    assert (mixed.status_code, list(mixed.json()["errors"])) == (400, ["product"])


def test_a_store_manager_makes_links_for_their_store_and_its_guides_only(
    api, tenant, manager, guide, other_guide, store, other_store
):
    client = api(manager, tenant)
    # a link without a store is their store's
    assert client.post("/api/v1/links/", {}, format="json").json()["store"] == store.pk
    assert client.post("/api/v1/links/", {"guide": post_of(tenant, guide).pk}, format="json").status_code == 201
    # another store's link, or its guide's, is refused and nothing is written
    before = snapshot(TrackingLink, tenant)
    assert client.post("/api/v1/links/", {"store": other_store.pk}, format="json").status_code == 403
    assert client.post("/api/v1/links/", {"guide": post_of(tenant, other_guide).pk}, format="json").status_code == 403
    assert snapshot(TrackingLink, tenant) == before


def test_who_sees_which_links(api, tenant, hq_admin, manager, guide, other_guide, consumer, store, other_store):
    # given a link of each store, one of the guide and one of the other store's guide
    with tenant_scope(tenant):
        store_link = make_link(tenant, store_id=store.pk)
        other_store_link = make_link(tenant, store_id=other_store.pk)
        guide_link = make_link(tenant, guide_id=post_of(tenant, guide).pk)
        other_guide_link = make_link(tenant, guide_id=post_of(tenant, other_guide).pk)

    def seen(user):
        return {row["id"] for row in api(user, tenant).get("/api/v1/links/").json()["results"]}

    # then HQ sees all, the manager their store's (its guide's included), the guide their own
    assert seen(hq_admin) == {store_link.pk, other_store_link.pk, guide_link.pk, other_guide_link.pk}
    assert seen(manager) == {store_link.pk, guide_link.pk}
    assert seen(guide) == {guide_link.pk}
    # another's link is a 404 for them; a consumer sees none; a guide does not make links (issue 12)
    assert api(guide, tenant).get(f"/api/v1/links/{store_link.pk}/").status_code == 404
    assert api(manager, tenant).get(f"/api/v1/links/{other_guide_link.pk}/").status_code == 404
    assert api(guide, tenant).get(f"/api/v1/links/{guide_link.pk}/").status_code == 200
    assert api(consumer, tenant).get("/api/v1/links/").status_code == 403
    assert api(guide, tenant).post("/api/v1/links/", {}, format="json").status_code == 403


def test_a_link_is_switched_off_or_deleted_while_unused(api, tenant, hq_admin, manager, store, other_store):
    with tenant_scope(tenant):
        mine, theirs = make_link(tenant, store_id=store.pk), make_link(tenant, store_id=other_store.pk)
    switched = api(manager, tenant).patch(
        f"/api/v1/links/{mine.pk}/", {"is_active": False, "label": "Old"}, format="json"
    )
    assert (switched.status_code, switched.json()["is_active"], switched.json()["label"]) == (200, False, "Old")
    assert api(manager, tenant).delete(f"/api/v1/links/{theirs.pk}/").status_code == 404
    assert api(hq_admin, tenant).delete(f"/api/v1/links/{theirs.pk}/").status_code == 204


# in the test's transaction the tenant scope adds 3 statements; then the tenant, the token, the
# roles, the count and the page with campaign, store, guide, product and service joined
HQ_LIST_QUERIES = 9
MANAGER_LIST_QUERIES = 10  # and the manager's post


def test_listing_links_costs_the_same_for_1_and_for_6(
    api, tenant, hq_admin, manager, store, guide, campaign, django_assert_num_queries
):
    hq, store_manager = api(hq_admin, tenant), api(manager, tenant)
    hq.get("/api/v1/me/"), store_manager.get("/api/v1/me/")  # their tokens are issued
    with tenant_scope(tenant):
        make_link(tenant, store_id=store.pk, campaign_id=campaign.pk)
    with django_assert_num_queries(HQ_LIST_QUERIES):
        assert hq.get("/api/v1/links/").json()["count"] == 1
    with django_assert_num_queries(MANAGER_LIST_QUERIES):
        assert store_manager.get("/api/v1/links/").json()["count"] == 1
    with tenant_scope(tenant):
        for _ in range(5):
            make_link(tenant, guide_id=post_of(tenant, guide).pk, campaign_id=campaign.pk)
    with django_assert_num_queries(HQ_LIST_QUERIES):
        assert hq.get("/api/v1/links/").json()["count"] == 6
    with django_assert_num_queries(MANAGER_LIST_QUERIES):
        assert store_manager.get("/api/v1/links/").json()["count"] == 6
