"""The HQ admin of members (unmasked, the brand's own only) and of guide bindings (read only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from members.models import BindingSource, GuideBinding, Member
from members.services import join_brand
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff

BOUND_AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def admin_client(user, tenant) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


@pytest.fixture
def binding(brand) -> GuideBinding:
    with tenant_scope(brand.tenant):
        return GuideBinding.objects.create(
            tenant=brand.tenant,
            member=brand.member,
            guide=StoreStaff.objects.get(user=brand.home_guide),
            store=brand.home,
            source=BindingSource.LINK,
            bound_at=BOUND_AT,
            bound_until=BOUND_AT + dt.timedelta(days=30),
        )


@pytest.mark.django_db
def test_hq_sees_the_brands_members_unmasked_and_no_other_brands(brand, hq_admin, other_tenant):
    # given a member of another brand
    with tenant_scope(other_tenant):
        join_brand(tenant=other_tenant, phone="+8613900009999", name="外人")
    # when HQ opens the member list of the admin
    response = admin_client(hq_admin, brand.tenant).get("/admin/members/member/")
    # then its own member is there in full, the other brand's is not
    html = response.content.decode()
    assert response.status_code == 200
    assert "+8613812345678" in html
    assert "张伟" in html
    assert "+8613900009999" not in html


@pytest.mark.django_db
def test_hq_moves_a_member_to_another_home_store_in_the_admin(brand, hq_admin):
    # when HQ changes the home store on the member's page
    response = admin_client(hq_admin, brand.tenant).post(
        f"/admin/members/member/{brand.member.pk}/change/",
        {
            "home_store": brand.other.pk,
            "served_by-TOTAL_FORMS": "1",
            "served_by-INITIAL_FORMS": "1",
            "served_by-MIN_NUM_FORMS": "0",
            "served_by-MAX_NUM_FORMS": "1000",
        },
    )
    # then the member has the new home store and nothing else changed
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_scope(brand.tenant):
        row = Member.objects.filter(pk=brand.member.pk).values("home_store_id", "name", "consent_marketing").get()
    assert row == {"home_store_id": brand.other.pk, "name": "张伟", "consent_marketing": True}


@pytest.mark.django_db
def test_members_are_not_added_or_deleted_in_the_admin(brand, hq_admin):
    client = admin_client(hq_admin, brand.tenant)
    assert client.get("/admin/members/member/add/").status_code == 403
    assert client.post(f"/admin/members/member/{brand.member.pk}/delete/", {"post": "yes"}).status_code == 403
    with tenant_scope(brand.tenant):
        assert list(Member.objects.values_list("pk", flat=True)) == [brand.member.pk]


@pytest.mark.django_db
def test_hq_sees_guide_bindings_read_only(brand, hq_admin, binding):
    client = admin_client(hq_admin, brand.tenant)
    # the list shows the binding
    listing = client.get("/admin/members/guidebinding/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "张伟" in html
    assert "guide-sh01" in html
    # it can be viewed but not changed, added or deleted
    change = f"/admin/members/guidebinding/{binding.pk}/change/"
    assert client.get(change).status_code == 200
    assert client.post(change, {"reason": "changed"}).status_code == 403
    assert client.get("/admin/members/guidebinding/add/").status_code == 403
    assert client.post(f"/admin/members/guidebinding/{binding.pk}/delete/", {"post": "yes"}).status_code == 403
    with tenant_scope(brand.tenant):
        assert GuideBinding.objects.filter(pk=binding.pk).values_list("reason", flat=True).get() == ""


@pytest.mark.django_db
def test_store_staff_do_not_get_into_the_admin(brand):
    response = admin_client(brand.home_manager, brand.tenant).get("/admin/members/member/")
    assert response.status_code == 403
