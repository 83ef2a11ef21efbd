"""A store's service offering (api.md, Bookings): public to read, replaced as a whole by HQ or its manager."""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from stores.models import StoreService
from stores.services import ServiceOffering, set_store_services
from tests.stores.factories import make_service, make_store, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def services_store(tenant):
    with tenant_scope(tenant):
        return make_store(tenant, code="EYE1", capabilities=["pickup", "services"])


@pytest.fixture
def exams(tenant):
    with tenant_scope(tenant):
        return [make_service(tenant, name="Eye exam"), make_service(tenant, name="Frame fitting", duration_minutes=15)]


def _offering(tenant, store):
    with tenant_scope(tenant):
        return sorted(StoreService.objects.filter(store=store).values_list("service__name", "capacity"))


def test_anyone_reads_what_a_store_offers(api, tenant, services_store, exams, django_assert_num_queries):
    with tenant_scope(tenant):
        set_store_services(tenant=tenant, store=services_store, offerings=[ServiceOffering(exams[0].pk, 2)])
    client = api(None, tenant)
    with django_assert_num_queries(8):
        response = client.get(f"/api/v1/stores/{services_store.pk}/services/")
    assert response.status_code == 200
    assert response.json() == [
        {"service": exams[0].pk, "service_name": "Eye exam", "duration_minutes": 30, "price": "0.00", "capacity": 2}
    ]


def test_the_manager_replaces_the_offering(api, tenant, services_store, exams, make_staff, django_assert_num_queries):
    # given the eye exam offered for 2
    with tenant_scope(tenant):
        set_store_services(tenant=tenant, store=services_store, offerings=[ServiceOffering(exams[0].pk, 2)])
    client = api(make_staff(services_store, "store_manager"), tenant)
    # when the manager offers only frame fitting, for 3
    with django_assert_num_queries(19):
        response = client.put(
            f"/api/v1/stores/{services_store.pk}/services/", [{"service": exams[1].pk, "capacity": 3}], format="json"
        )
    # then the exam is no longer offered
    assert response.status_code == 200, response.json()
    assert [(row["service_name"], row["capacity"]) for row in response.json()] == [("Frame fitting", 3)]
    assert _offering(tenant, services_store) == [("Frame fitting", 3)]


def test_an_empty_list_stops_every_service(api, tenant, hq_admin, services_store, exams):
    with tenant_scope(tenant):
        set_store_services(tenant=tenant, store=services_store, offerings=[ServiceOffering(exams[0].pk, 2)])
    response = api(hq_admin, tenant).put(f"/api/v1/stores/{services_store.pk}/services/", [], format="json")
    assert (response.status_code, response.json()) == (200, [])
    assert _offering(tenant, services_store) == []


def test_a_foreign_service_is_400_naming_service_and_nothing_changes(
    api, tenant, other_tenant, hq_admin, services_store, exams
):
    with tenant_scope(tenant):
        set_store_services(tenant=tenant, store=services_store, offerings=[ServiceOffering(exams[0].pk, 2)])
    with tenant_scope(other_tenant):
        theirs = make_service(other_tenant, name="Their exam")
    before = snapshot(StoreService, tenant)
    response = api(hq_admin, tenant).put(
        f"/api/v1/stores/{services_store.pk}/services/",
        [{"service": exams[1].pk, "capacity": 1}, {"service": theirs.pk, "capacity": 1}],
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"service": [f"No such active service: {theirs.pk}."]}
    assert snapshot(StoreService, tenant) == before


def test_a_store_without_the_services_capability_offers_none(api, tenant, hq_admin, store, exams):
    response = api(hq_admin, tenant).put(
        f"/api/v1/stores/{store.pk}/services/", [{"service": exams[0].pk, "capacity": 1}], format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"service": ["The store does not have the `services` capability."]}
    assert snapshot(StoreService, tenant) == []


@pytest.mark.parametrize("who", ["guide", "other_manager", "consumer"])
def test_guides_consumers_and_other_managers_cannot_change_the_offering(
    api, tenant, services_store, exams, make_staff, other_store, consumer, who
):
    user = {
        "guide": lambda: make_staff(services_store, "guide"),
        "other_manager": lambda: make_staff(other_store, "store_manager"),
        "consumer": lambda: consumer,
    }[who]()
    response = api(user, tenant).put(
        f"/api/v1/stores/{services_store.pk}/services/", [{"service": exams[0].pk, "capacity": 1}], format="json"
    )
    assert response.status_code == 403
    assert snapshot(StoreService, tenant) == []
