"""Store staff: HQ creates store managers and guides, each tied to one store; HQ and the manager list them."""

from __future__ import annotations

import re

import pytest

from o2o.models import TenantRole, User
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

GUIDE = {
    "username": "sh01-lily",
    "password": "Shine-bright-2026",
    "name": "Lily Wang",
    "phone": "+8613912345678",
    "role": "guide",
}


def test_hq_creates_a_guide_with_an_account_a_role_and_a_code(api, tenant, hq_admin, store, django_assert_num_queries):
    client = api(hq_admin, tenant)
    # when HQ creates a guide for the store
    with django_assert_num_queries(24):  # the store locked first: not deleted or deactivated meanwhile
        response = client.post(f"/api/v1/stores/{store.pk}/staff/", GUIDE, format="json")
    # then the account, its guide role in the brand and its post at the store exist
    assert response.status_code == 201, response.json()
    body = response.json()
    user = User.objects.get(username="sh01-lily")
    assert user.check_password("Shine-bright-2026")
    assert (user.name, str(user.phone)) == ("Lily Wang", "+8613912345678")
    with tenant_scope(tenant):
        assert list(TenantRole.objects.filter(user=user).values_list("role", flat=True)) == ["guide"]
        post = StoreStaff.objects.get(user=user)
    assert re.fullmatch(r"G[A-HJ-NP-Z2-9]{6}", post.code)
    assert {k: v for k, v in body.items() if k != "created_at"} == {
        "id": post.pk,
        "user": user.pk,
        "username": "sh01-lily",
        "name": "Lily Wang",
        "phone": "+8613912345678",
        "role": "guide",
        "code": post.code,
        "store": store.pk,
        "active": True,
    }


def test_a_taken_username_is_400_and_nothing_is_created(api, tenant, hq_admin, store, manager):
    # given the store's manager's account
    before = snapshot(StoreStaff, tenant)
    users = User.objects.count()
    # when HQ creates a guide with the same username
    response = api(hq_admin, tenant).post(
        f"/api/v1/stores/{store.pk}/staff/", {**GUIDE, "username": manager.username}, format="json"
    )
    # then it is refused, naming the field, and nothing was created
    assert response.status_code == 400
    assert response.json()["errors"] == {"username": ["This username is taken."]}
    assert snapshot(StoreStaff, tenant) == before
    assert User.objects.count() == users


def test_a_weak_password_is_400_naming_password(api, tenant, hq_admin, store):
    response = api(hq_admin, tenant).post(
        f"/api/v1/stores/{store.pk}/staff/", {**GUIDE, "password": "123"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]
    assert not User.objects.filter(username="sh01-lily").exists()


@pytest.mark.parametrize("who", ["manager", "guide", "consumer"])
def test_only_hq_creates_staff(api, tenant, store, manager, guide, consumer, who):
    user = {"manager": manager, "guide": guide, "consumer": consumer}[who]
    before = snapshot(StoreStaff, tenant)
    response = api(user, tenant).post(f"/api/v1/stores/{store.pk}/staff/", GUIDE, format="json")
    assert response.status_code == 403
    assert snapshot(StoreStaff, tenant) == before
    assert not User.objects.filter(username="sh01-lily").exists()


def test_the_manager_lists_its_own_stores_staff_only(
    api, tenant, store, other_store, manager, guide, other_manager, django_assert_num_queries
):
    client = api(manager, tenant)
    # when the manager lists its store's staff, and the other store's
    with django_assert_num_queries(12):
        own = client.get(f"/api/v1/stores/{store.pk}/staff/")
    other = client.get(f"/api/v1/stores/{other_store.pk}/staff/")
    # then it sees its manager and guide, and the other store's staff is refused
    assert own.status_code == 200
    assert [(row["username"], row["role"]) for row in own.json()["results"]] == [
        (manager.username, "store_manager"),
        (guide.username, "guide"),
    ]
    assert other.status_code == 403


def test_guides_and_consumers_cannot_list_staff(api, tenant, store, guide, consumer):
    assert api(guide, tenant).get(f"/api/v1/stores/{store.pk}/staff/").status_code == 403
    assert api(consumer, tenant).get(f"/api/v1/stores/{store.pk}/staff/").status_code == 403


def test_hq_lists_any_stores_staff(api, tenant, hq_admin, other_store, other_manager):
    response = api(hq_admin, tenant).get(f"/api/v1/stores/{other_store.pk}/staff/")
    assert [row["username"] for row in response.json()["results"]] == [other_manager.username]


def test_a_new_guide_signs_in_and_reads_its_stores_stock(api, tenant, hq_admin, store):
    # given HQ created a guide
    api(hq_admin, tenant).post(f"/api/v1/stores/{store.pk}/staff/", GUIDE, format="json")
    # when the guide signs in with the password HQ gave
    token = api(None, None).post(
        "/api/v1/auth/token/", {"username": "sh01-lily", "password": "Shine-bright-2026"}, format="json"
    )
    # then the guide works in the brand and reads its store's stock
    assert token.status_code == 200
    assert token.json()["tenants"] == ["alpha"]
    user = User.objects.get(username="sh01-lily")
    assert api(user, tenant).get(f"/api/v1/stores/{store.pk}/stock/").status_code == 200
