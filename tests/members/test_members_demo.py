"""The demo members: 40 per brand, spread over its stores, a few with accounts; seeding twice changes nothing."""

from __future__ import annotations

from collections import Counter
from typing import cast

import pytest

from members.demo import seed_members
from members.models import Member, ServedBy
from o2o.choices import Role
from o2o.demo import DEMO_PASSWORD, DemoBrand
from o2o.models import TenantRole, User
from o2o.tenancy import tenant_scope
from stores.models import Store


def lumen() -> DemoBrand:
    return DemoBrand(slug="lumen", name="Lumen", admin="lumen-admin", staff="lumen-staff")


def snapshot(tenant):
    with tenant_scope(tenant):
        return (
            list(Member.objects.order_by("pk").values()),
            list(ServedBy.objects.order_by("pk").values("member_id", "store_id")),
            list(TenantRole.objects.order_by("pk").values("user_id", "role")),
        )


@pytest.mark.django_db
def test_each_demo_brand_gets_forty_members_over_its_stores(tenant, make_store):
    # given a brand with three stores
    stores = [make_store(tenant, code) for code in ("S01", "S02", "S03")]
    brand = lumen()
    # when its members are seeded
    with tenant_scope(tenant):
        seed_members(tenant, brand)
    # then forty members with deterministic +86 mobiles, home stores spread, consent mixed
    with tenant_scope(tenant):
        members = list(Member.objects.order_by("phone").select_related("home_store"))
        served = ServedBy.objects.count()
    assert [str(m.phone) for m in members] == [f"+86139000{n:05d}" for n in range(1, 41)]
    assert all(m.name and m.consent_recorded_at for m in members)
    assert Counter(cast(Store, m.home_store).code for m in members) == {"S01": 13, "S02": 14, "S03": 13}
    assert Counter(m.consent_marketing for m in members) == {True: 27, False: 13}
    assert served == 40 + 8  # every home store, and 8 members served by a second store
    assert {m.home_store_id for m in members} == {s.pk for s in stores}
    # and the first three have a consumer account, the first one listed as the brand's consumer login
    accounts = [m for m in members if m.user_id]
    assert [cast(User, m.user).username for m in accounts] == ["+8613900000001", "+8613900000002", "+8613900000003"]
    assert all(cast(User, m.user).check_password(DEMO_PASSWORD) for m in accounts)
    with tenant_scope(tenant):
        consumers = set(TenantRole.objects.filter(role=Role.CONSUMER).values_list("user__username", flat=True))
    assert consumers == {"+8613900000001", "+8613900000002", "+8613900000003"}
    assert brand.logins == [("+8613900000001", Role.CONSUMER, "shop /, my membership /me/")]


@pytest.mark.django_db
def test_seeding_the_members_twice_changes_nothing(tenant, make_store):
    make_store(tenant, "S01")
    make_store(tenant, "S02")
    with tenant_scope(tenant):
        seed_members(tenant, lumen())
    before, users = snapshot(tenant), User.objects.count()
    with tenant_scope(tenant):
        seed_members(tenant, lumen())
    assert snapshot(tenant) == before
    assert User.objects.count() == users


@pytest.mark.django_db
def test_a_brand_without_stores_gets_members_without_home_store(tenant):
    with tenant_scope(tenant):
        seed_members(tenant, lumen())
        assert Member.objects.count() == 40
        assert Member.objects.filter(home_store__isnull=False).count() == 0
        assert ServedBy.objects.count() == 0
