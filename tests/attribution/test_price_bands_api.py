"""The brand's price bands through the API (issue 11 item 6): CRUD by HQ, a duplicate lower bound a
400 naming it, every other role 403, another brand's band a 404."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from attribution.models import PriceBand
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from tests.attribution.report_factories import API_QUERIES

pytestmark = pytest.mark.django_db
URL = "/api/v1/price-bands/"


@pytest.fixture
def hq(api: Callable[..., APIClient], tenant: Tenant, make_user: Callable[..., User]) -> APIClient:
    return api(make_user(tenant, Role.HQ_STAFF), tenant)


def bands(tenant: Tenant) -> list[tuple[str, str]]:
    with tenant_scope(tenant):
        return [(f"{band.lower_bound}", band.label) for band in PriceBand.objects.filter(tenant=tenant)]


def test_hq_creates_lists_changes_and_deletes_bands(hq: APIClient, tenant: Tenant) -> None:
    created = hq.post(URL, {"lower_bound": "500.00", "label": "Premium"}, format="json")
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "lower_bound": "500.00", "label": "Premium"}
    assert hq.post(URL, {"lower_bound": "0"}, format="json").status_code == 201
    listed = hq.get(URL).json()
    assert [(row["lower_bound"], row["label"]) for row in listed["results"]] == [("0.00", ""), ("500.00", "Premium")]
    band_id = created.json()["id"]
    changed = hq.patch(f"{URL}{band_id}/", {"lower_bound": "450.50"}, format="json")
    assert changed.json() == {"id": band_id, "lower_bound": "450.50", "label": "Premium"}
    assert hq.put(f"{URL}{band_id}/", {"lower_bound": "450.50", "label": ""}, format="json").status_code == 200
    assert hq.delete(f"{URL}{band_id}/").status_code == 204
    assert bands(tenant) == [("0.00", "")]


def test_a_duplicate_lower_bound_is_a_400_naming_it(hq: APIClient, tenant: Tenant) -> None:
    first = hq.post(URL, {"lower_bound": "100.00", "label": "Mid"}, format="json").json()
    other = hq.post(URL, {"lower_bound": "200.00"}, format="json").json()
    response = hq.post(URL, {"lower_bound": "100", "label": "Again"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lower_bound"]
    moved = hq.patch(f"{URL}{other['id']}/", {"lower_bound": "100.00"}, format="json")
    assert moved.status_code == 400
    assert list(moved.json()["errors"]) == ["lower_bound"]
    assert hq.patch(f"{URL}{first['id']}/", {"label": "Middle"}, format="json").status_code == 200  # its own bound
    assert bands(tenant) == [("100.00", "Middle"), ("200.00", "")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lower_bound": "-1.00"}, "lower_bound"),
        ({"lower_bound": "1.234"}, "lower_bound"),
        ({"lower_bound": "cheap"}, "lower_bound"),
        ({}, "lower_bound"),
        ({"lower_bound": "1.00", "label": "x" * 61}, "label"),
    ],
)
def test_a_bad_band_is_a_400_naming_the_field(hq: APIClient, tenant: Tenant, body: dict[str, str], field: str) -> None:
    response = hq.post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert bands(tenant) == []


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER])
def test_other_roles_may_not_read_or_set_bands(
    api: Callable[..., APIClient], tenant: Tenant, make_user: Callable[..., User], role: str
) -> None:
    with tenant_scope(tenant):
        band = PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("10.00"))
    client = api(make_user(tenant, role), tenant)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"lower_bound": "20.00"}, format="json").status_code == 403
    assert client.delete(f"{URL}{band.pk}/").status_code == 403
    assert bands(tenant) == [("10.00", "")]


def test_another_brand_s_band_is_not_found(hq: APIClient, other_tenant: Tenant) -> None:
    with tenant_scope(other_tenant):
        theirs = PriceBand.objects.create(tenant=other_tenant, lower_bound=Decimal("10.00"))
    assert hq.get(f"{URL}{theirs.pk}/").status_code == 404
    assert hq.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert hq.post(URL, {"lower_bound": "10.00"}, format="json").status_code == 201  # bounds are per brand
    assert bands(other_tenant) == [("10.00", "")]


def test_the_list_s_query_count_does_not_grow(hq: APIClient, tenant: Tenant, django_assert_num_queries: Any) -> None:
    expected = API_QUERIES[connection.vendor] + 2  # the count and the page
    with tenant_scope(tenant):
        PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("0.00"))
    with django_assert_num_queries(expected):
        hq.get(URL)
    with tenant_scope(tenant):
        for bound in range(1, 20):
            PriceBand.objects.create(tenant=tenant, lower_bound=Decimal(bound * 100))
    with django_assert_num_queries(expected):
        assert hq.get(URL).json()["count"] == 20
