"""GET /api/v1/members/ and /members/{id}/: masking by role; GET/PATCH /api/v1/members/me/."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from members.models import Member
from members.services import join_brand, note_served
from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from tests.members.factories import LATER, Brand, clock


def unmasked(brand: Brand) -> dict:
    return {
        "id": brand.member.pk,
        "phone": "+8613812345678",
        "name": "张伟",
        "home_store": brand.home.pk,
        "consent_marketing": True,
        "consent_recorded_at": "2026-03-02T18:00:00+08:00",
        "joined_at": "2026-03-01T17:00:00+08:00",
        "masked": False,
    }


def masked(brand: Brand) -> dict:
    return {**unmasked(brand), "phone": "138****5678", "name": "张*", "masked": True}


def results(api, user, tenant, **params):
    response = api(user, tenant).get("/api/v1/members/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def add_members(tenant, count, *, start=1, home_store=None):
    with tenant_scope(tenant):
        for number in range(start, start + count):
            join_brand(tenant=tenant, phone=f"+86139{number:08d}", name=f"会员{number}", home_store=home_store)


# --- masking by role ------------------------------------------------------------------------


@pytest.mark.django_db
def test_hq_sees_the_members_personal_data(api, brand, hq_admin):
    assert results(api, hq_admin, brand.tenant) == [unmasked(brand)]


@pytest.mark.django_db
def test_hq_staff_sees_the_members_personal_data_too(api, brand, make_user):
    staff = make_user(brand.tenant, Role.HQ_STAFF)
    assert results(api, staff, brand.tenant) == [unmasked(brand)]


@pytest.mark.django_db
def test_the_manager_of_the_home_store_sees_the_member_unmasked(api, brand):
    assert results(api, brand.home_manager, brand.tenant) == [unmasked(brand)]


@pytest.mark.django_db
def test_a_guide_of_the_home_store_sees_the_member_unmasked(api, brand):
    assert results(api, brand.home_guide, brand.tenant) == [unmasked(brand)]


@pytest.mark.django_db
def test_the_manager_of_another_store_sees_the_member_masked(api, brand):
    assert results(api, brand.other_manager, brand.tenant) == [masked(brand)]


@pytest.mark.django_db
def test_a_store_that_served_the_member_sees_them_unmasked(api, brand):
    # given the other store served the member (a booking or an order there)
    with tenant_scope(brand.tenant):
        note_served(tenant=brand.tenant, member=brand.member, store=brand.other)
    # then its manager sees the member's data
    assert results(api, brand.other_manager, brand.tenant) == [unmasked(brand)]


@pytest.mark.django_db
def test_a_store_role_without_a_store_post_sees_every_member_masked(api, brand, make_user):
    # given a guide whose post was closed
    drifter = make_user(brand.tenant, Role.GUIDE, username="ex-guide")
    assert results(api, drifter, brand.tenant) == [masked(brand)]


@pytest.mark.django_db
def test_a_store_sees_its_own_members_unmasked_and_the_others_masked_in_one_list(api, brand):
    # given a member of the other store
    with tenant_scope(brand.tenant), clock(LATER):
        other = join_brand(tenant=brand.tenant, phone="+8613998765432", name="李娜", home_store=brand.other)
    # when the home store's guide lists the brand's members (newest first)
    rows = results(api, brand.home_guide, brand.tenant)
    # then their own member is clear and the other store's is masked
    assert [(row["id"], row["phone"], row["name"], row["masked"]) for row in rows] == [
        (other.pk, "139****5432", "李*", True),
        (brand.member.pk, "+8613812345678", "张伟", False),
    ]


@pytest.mark.django_db
def test_a_consumer_may_not_list_members(api, brand, make_user):
    consumer = User.objects.get(username="+8613812345678")
    response = api(consumer, brand.tenant).get("/api/v1/members/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_one_member_is_masked_exactly_as_in_the_list(api, brand, hq_admin):
    path = f"/api/v1/members/{brand.member.pk}/"
    assert api(brand.other_manager, brand.tenant).get(path).json() == masked(brand)
    assert api(brand.home_guide, brand.tenant).get(path).json() == unmasked(brand)
    assert api(hq_admin, brand.tenant).get(path).json() == unmasked(brand)


@pytest.mark.django_db
def test_a_missing_member_is_404(api, brand, hq_admin):
    response = api(hq_admin, brand.tenant).get("/api/v1/members/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- filters and search ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_store_finds_a_member_it_does_not_serve_only_by_the_last_four_digits(api, brand):
    def found(**params):
        return [(row["id"], row["masked"]) for row in results(api, brand.other_manager, brand.tenant, **params)]

    # then the full number, a longer suffix and the name find nothing for the other store
    assert found(q="+8613812345678") == []
    assert found(q="13812345678") == []
    assert found(q="45678") == []
    assert found(q="张伟") == []
    assert found(q="张") == []
    # while the last four digits (which the mask shows) find the masked row
    assert found(q="5678") == [(brand.member.pk, True)]


@pytest.mark.django_db
def test_hq_and_the_serving_store_find_a_member_by_full_phone_or_name(api, brand, hq_admin):
    for viewer in (hq_admin, brand.home_manager):
        for query in ("+8613812345678", "138 1234 5678", "伟"):
            rows = results(api, viewer, brand.tenant, q=query)
            assert [row["id"] for row in rows] == [brand.member.pk], (viewer, query)
        assert results(api, viewer, brand.tenant, q="13900000000") == []


@pytest.mark.django_db
def test_members_filter_by_home_store(api, brand, hq_admin):
    add_members(brand.tenant, 2, home_store=brand.other)
    rows = results(api, hq_admin, brand.tenant, home_store=brand.home.pk)
    assert [row["id"] for row in rows] == [brand.member.pk]
    assert len(results(api, hq_admin, brand.tenant, home_store=brand.other.pk)) == 2


@pytest.mark.django_db
def test_a_store_lists_only_the_members_it_serves_with_served_true(api, brand):
    add_members(brand.tenant, 2, home_store=brand.other)
    rows = results(api, brand.home_manager, brand.tenant, served="true")
    assert [(row["id"], row["masked"]) for row in rows] == [(brand.member.pk, False)]
    assert len(results(api, brand.home_manager, brand.tenant, served="false")) == 2


@pytest.mark.django_db
def test_a_bad_filter_is_400_naming_it(api, brand, hq_admin):
    response = api(hq_admin, brand.tenant).get("/api/v1/members/", {"home_store": "SH01"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["home_store"]


# --- query counts ---------------------------------------------------------------------------

# tenant, its scope (savepoint, set_config, reset, release), token, roles, [store post], count, page
# (the home store joined, the masking decided in SQL): nothing per row
HQ_LIST_QUERIES = 9
STORE_LIST_QUERIES = 10
# tenant, scope (4), token, roles, membership (with its home store), savepoint, locked row, store,
# update, release: the answer is the updated row, not read again
PATCH_ME_QUERIES = 13


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_members_for_a_store(
    api, brand, members, django_assert_num_queries
):
    # given more members, some served by the viewer's store
    add_members(brand.tenant, members - 1, home_store=brand.home)
    client = api(brand.other_manager, brand.tenant)
    # when the other store lists them (masking decided per row)
    with django_assert_num_queries(STORE_LIST_QUERIES):
        response = client.get("/api/v1/members/", {"page_size": 100})
    # then every member is there, in the same number of queries
    assert response.json()["count"] == members


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_members_for_hq(
    api, brand, hq_admin, members, django_assert_num_queries
):
    add_members(brand.tenant, members - 1, home_store=brand.other)
    client = api(hq_admin, brand.tenant)
    with django_assert_num_queries(HQ_LIST_QUERIES):
        response = client.get("/api/v1/members/", {"page_size": 100})
    assert response.json()["count"] == members


# --- the consumer's own membership ----------------------------------------------------------


def consumer_of(brand: Brand) -> User:
    return User.objects.get(username="+8613812345678")


def stored(brand: Brand) -> Mapping[str, Any]:
    with tenant_scope(brand.tenant):
        return Member.objects.filter(pk=brand.member.pk).values().get()


@pytest.mark.django_db
def test_a_consumer_reads_their_own_membership_unmasked(api, brand):
    response = api(consumer_of(brand), brand.tenant).get("/api/v1/members/me/")
    assert response.status_code == 200
    assert response.json() == unmasked(brand)


@pytest.mark.django_db
def test_a_consumer_sets_their_consent_and_home_store(api, brand, django_assert_num_queries):
    client = api(consumer_of(brand), brand.tenant)
    # when they withdraw consent and pick the other store as home
    with clock(LATER), django_assert_num_queries(PATCH_ME_QUERIES):
        response = client.patch(
            "/api/v1/members/me/", {"consent_marketing": False, "home_store": brand.other.pk}, format="json"
        )
    # then both are changed, and the withdrawal is dated
    expected = {
        **unmasked(brand),
        "home_store": brand.other.pk,
        "consent_marketing": False,
        "consent_recorded_at": "2026-03-09T04:15:00+08:00",
    }
    assert response.status_code == 200, response.content
    assert response.json() == expected
    row = stored(brand)
    assert (row["home_store_id"], row["consent_marketing"], row["consent_recorded_at"]) == (
        brand.other.pk,
        False,
        LATER,
    )


@pytest.mark.django_db
def test_a_consumer_may_clear_their_home_store(api, brand):
    response = api(consumer_of(brand), brand.tenant).patch("/api/v1/members/me/", {"home_store": None}, format="json")
    assert response.status_code == 200
    assert response.json()["home_store"] is None
    assert stored(brand)["home_store_id"] is None


@pytest.mark.django_db
def test_another_brands_store_as_home_store_is_400_and_changes_nothing(api, brand, other_tenant, make_store):
    # given a store of another brand
    foreign = make_store(other_tenant, "BJ01")
    before = stored(brand)
    # when the consumer names it as their home store, with a consent change
    response = api(consumer_of(brand), brand.tenant).patch(
        "/api/v1/members/me/", {"consent_marketing": False, "home_store": foreign.pk}, format="json"
    )
    # then it is refused naming home_store, and nothing changed (not even the consent)
    assert response.status_code == 400
    assert response.json()["errors"] == {"home_store": ["Choose an active store of this brand."]}
    assert stored(brand) == before


@pytest.mark.django_db
def test_an_inactive_store_as_home_store_is_400_and_changes_nothing(api, brand, make_store):
    closed = make_store(brand.tenant, "SH99", is_active=False)
    before = stored(brand)
    response = api(consumer_of(brand), brand.tenant).patch(
        "/api/v1/members/me/", {"home_store": closed.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["home_store"]
    assert stored(brand) == before


@pytest.mark.django_db
def test_a_consumer_without_membership_gets_404(api, tenant, make_user):
    stranger = make_user(tenant, Role.CONSUMER)
    assert api(stranger, tenant).get("/api/v1/members/me/").status_code == 404
    response = api(stranger, tenant).patch("/api/v1/members/me/", {"consent_marketing": True}, format="json")
    assert response.status_code == 404
    with tenant_scope(tenant):
        assert Member.objects.count() == 0


@pytest.mark.django_db
def test_staff_have_no_membership_endpoint(api, brand):
    response = api(brand.home_manager, brand.tenant).get("/api/v1/members/me/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_served_true_lists_every_member_for_hq(api, brand, hq_admin):
    add_members(brand.tenant, 2, home_store=brand.other)
    assert len(results(api, hq_admin, brand.tenant, served="true")) == 3
    assert results(api, hq_admin, brand.tenant, served="false") == []
