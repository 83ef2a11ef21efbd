"""The stores' demo data: 30 stores per brand of all kinds in three cities, staff, stock; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from o2o.demo import BRANDS
from o2o.models import Tenant, User
from stores.models import Stock, Store, StoreContract, StoreService, StoreStaff, TerritoryDistrict
from stores.selectors import nearest_stores
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

MODELS = (Store, TerritoryDistrict, StoreContract, StoreStaff, Stock, StoreService)


def test_seed_demo_gives_each_brand_thirty_stores_with_staff_stock_and_services_and_twice_changes_nothing(in_tenant):
    # when the demo is seeded
    call_command("seed_demo", verbosity=0)
    first = {slug: [snapshot(m, Tenant.objects.get(slug=slug)) for m in MODELS] for slug in ("lumen", "clearview")}
    logins = {brand.slug: list(brand.logins) for brand in BRANDS}
    # then each brand has 30 stores of the three kinds in three cities
    for slug in ("lumen", "clearview"):
        tenant = Tenant.objects.get(slug=slug)
        with in_tenant(tenant):
            stores = list(Store.objects.filter(tenant=tenant).order_by("code"))
            assert len(stores) == 30
            assert {s.kind for s in stores} == {"direct", "franchise", "counter"}
            assert {(s.city, s.region) for s in stores} == {
                ("Shanghai", "east"),
                ("Hangzhou", "east"),
                ("Beijing", "north"),
            }
            # franchise stores have territories, and a consumer in Shanghai has several stores within reach
            franchise = [s for s in stores if s.kind == "franchise"]
            assert all(s.territory.exists() for s in franchise)
            near, _ = nearest_stores(tenant=tenant, lat=31.2304, lng=121.4737, limit=5)
            assert sum(1 for s, d in near if d <= float(s.service_radius_km)) >= 3
            # a manager and guides for six stores; every store has stock of every SKU; the services are offered
            staff = list(
                StoreStaff.objects.filter(tenant=tenant).select_related("store", "user").order_by("user__username")
            )
            assert len({p.store.code for p in staff}) == 6
            assert f"{slug}-sh01-manager" in {p.user.username for p in staff}
            assert Stock.objects.filter(tenant=tenant).count() == 30 * 20
            assert StoreService.objects.filter(tenant=tenant, store__offers_services=False).count() == 0
            assert (
                StoreService.objects.filter(tenant=tenant).values("store").distinct().count()
                == Store.objects.filter(tenant=tenant, offers_services=True).count()
                > 0
            )
            # and one franchise store has a contract history
            assert StoreContract.objects.filter(tenant=tenant, store__code="HZ03").count() == 2
        assert (f"{slug}-sh01-manager", "store_manager") in {(u, r) for u, r, _ in logins[slug]}
        assert (f"{slug}-sh01-guide1", "guide") in {(u, r) for u, r, _ in logins[slug]}
    manager = User.objects.get(username="lumen-sh01-manager")
    assert manager.check_password("demo-pass-2026")
    # when it is seeded again, then nothing changes
    call_command("seed_demo", verbosity=0)
    again = {slug: [snapshot(m, Tenant.objects.get(slug=slug)) for m in MODELS] for slug in ("lumen", "clearview")}
    assert again == first
