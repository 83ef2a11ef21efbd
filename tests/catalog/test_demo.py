"""The catalog's demo data: a catalog fitting each brand, regional prices and services, idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from catalog.demo import seed_catalog_for
from o2o.models import Tenant
from tests.catalog.snapshots import catalog_of

pytestmark = pytest.mark.django_db


def test_each_demo_brand_gets_a_catalog_that_fits_it_and_seeding_twice_changes_nothing(make_tenant, in_tenant):
    # given the two demo brands
    lumen, clearview = make_tenant("lumen"), make_tenant("clearview")
    # when their catalogs are seeded twice
    for _ in range(2):
        for tenant in (lumen, clearview):
            with in_tenant(tenant):
                seed_catalog_for(tenant=tenant, slug=tenant.slug)
    first = {tenant.slug: catalog_of(tenant) for tenant in (lumen, clearview)}
    with in_tenant(lumen):
        seed_catalog_for(tenant=lumen, slug="lumen")
    # then each has 3 categories, 8 products, 20 SKUs, prices in the three regions, and its services
    lighting, optical = first["lumen"], first["clearview"]
    assert catalog_of(lumen) == lighting
    assert [len(lighting[key]) for key in ("categories", "products", "skus")] == [3, 8, 20]
    assert [len(optical[key]) for key in ("categories", "products", "skus")] == [3, 8, 20]
    assert {region for region, _, _ in lighting["prices"]} == {"east", "north", "south"}
    assert ("east", "LUM-AUR-40", "569.00") in lighting["prices"]  # 599.00 x 0.95, whole yuan
    assert lighting["services"] == [
        ("Installation visit", 60, "99.00", True),
        ("Lighting consultation", 45, "0.00", True),
    ]
    assert optical["services"] == [
        ("Contact lens consultation", 30, "50.00", True),
        ("Eye exam", 30, "0.00", True),
        ("Frame fitting", 20, "0.00", True),
    ]
    assert [category for category, _ in lighting["categories"]] == [
        "Ceiling lights 吸顶灯",
        "Smart lighting 智能照明",
        "Table & floor lamps 台灯与落地灯",
    ]
    assert [category for category, _ in optical["categories"]] == [
        "Frames 镜架",
        "Lenses 镜片",
        "Sunglasses & contact lenses 太阳镜与隐形眼镜",
    ]


def test_seed_demo_seeds_the_catalog(db):
    call_command("seed_demo", verbosity=0)
    lumen = Tenant.objects.get(slug="lumen")
    assert len(catalog_of(lumen)["skus"]) == 20
