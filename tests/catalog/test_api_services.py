"""/api/v1/services/: bookable in-store services, written by HQ, read by anyone."""

from __future__ import annotations

import pytest

from o2o.choices import Role
from tests.catalog.snapshots import services_of

pytestmark = pytest.mark.django_db

EYE_EXAM = {"name": "Eye exam", "description": "By an optometrist", "duration_minutes": 30, "price": "0"}


def test_hq_creates_a_free_service(api, tenant, hq_staff, django_assert_num_queries):
    client = api(hq_staff, tenant)
    with django_assert_num_queries(13):
        response = client.post("/api/v1/services/", EYE_EXAM, format="json")
    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "name": "Eye exam",
        "description": "By an optometrist",
        "duration_minutes": 30,
        "price": "0.00",
        "is_active": True,
    }
    assert services_of(tenant) == [("Eye exam", 30, "0.00", True)]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"duration_minutes": 4}, {"duration_minutes": ["Ensure this value is greater than or equal to 5."]}),
        ({"price": "-5"}, {"price": ["Ensure this value is greater than or equal to 0."]}),
        ({"price": "9.999"}, {"price": ["Ensure that there are no more than 2 decimal places."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
    ],
)
def test_bad_service_fields_are_a_400_naming_them(api, tenant, hq_admin, change, errors):
    response = api(hq_admin, tenant).post("/api/v1/services/", {**EYE_EXAM, **change}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert services_of(tenant) == []


def test_a_service_name_taken_is_a_400_and_nothing_changes(api, tenant, hq_admin, make_service):
    make_service(tenant, "Eye exam")
    fitting = make_service(tenant, "Frame fitting", minutes=20)
    before = services_of(tenant)
    client = api(hq_admin, tenant)
    created = client.post("/api/v1/services/", EYE_EXAM, format="json")
    renamed = client.patch(f"/api/v1/services/{fitting.pk}/", {"name": "Eye exam"}, format="json")
    assert created.status_code == renamed.status_code == 400
    assert (
        created.json()["errors"] == renamed.json()["errors"] == {"name": ["A service with this name exists already."]}
    )
    assert services_of(tenant) == before


def test_hq_changes_a_service(api, tenant, hq_admin, make_service, django_assert_num_queries):
    service = make_service(tenant, "Eye exam")
    client = api(hq_admin, tenant)
    with django_assert_num_queries(15):
        response = client.patch(f"/api/v1/services/{service.pk}/", {"price": "50", "is_active": False}, format="json")
    assert response.status_code == 200
    assert services_of(tenant) == [("Eye exam", 30, "50.00", False)]


def test_anyone_lists_active_services_in_a_fixed_number_of_queries(
    api, tenant, hq_admin, make_service, django_assert_num_queries
):
    # given an inactive service and 2 active ones, then 20
    make_service(tenant, "Retired", is_active=False)
    for number in range(2):
        make_service(tenant, f"Service {number:02}")
    anonymous = api(None, tenant)
    with django_assert_num_queries(7):
        assert anonymous.get("/api/v1/services/").json()["count"] == 2
    for number in range(2, 20):
        make_service(tenant, f"Service {number:02}")
    with django_assert_num_queries(7):
        names = [row["name"] for row in anonymous.get("/api/v1/services/").json()["results"]]
    # then visitors see the active ones, HQ all
    assert names == [f"Service {number:02}" for number in range(20)]
    assert api(hq_admin, tenant).get("/api/v1/services/", {"is_active": "false"}).json()["count"] == 1


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER])
def test_other_roles_read_services_but_may_not_write_them(api, tenant, make_user, make_service, role):
    service = make_service(tenant, "Eye exam")
    before = services_of(tenant)
    client = api(make_user(tenant, role), tenant)
    assert client.get(f"/api/v1/services/{service.pk}/").status_code == 200
    assert client.post("/api/v1/services/", {**EYE_EXAM, "name": "New"}, format="json").status_code == 403
    assert client.put(f"/api/v1/services/{service.pk}/", EYE_EXAM, format="json").status_code == 403
    assert client.delete(f"/api/v1/services/{service.pk}/").status_code == 403
    assert services_of(tenant) == before


def test_hq_deletes_a_service_no_store_offers(api, tenant, hq_admin, make_service):
    service = make_service(tenant, "Eye exam")
    assert api(hq_admin, tenant).delete(f"/api/v1/services/{service.pk}/").status_code == 204
    assert services_of(tenant) == []
