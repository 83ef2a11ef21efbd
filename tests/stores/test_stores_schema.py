"""The OpenAPI schema of the stores API says what the answers hold: `distance_km` only with
`?near=`, and a store's services as a plain array (`scripts/check.sh` validates the schema, and
tests/o2o/test_schema.py fuzzes every operation against it)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def schema() -> dict:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_distance_km_is_documented_as_present_only_with_near(api, tenant, store):
    # when the schema is fetched
    components = schema()["components"]["schemas"]
    # then a listed store may lack `distance_km`, and has the rest
    near_store = components["NearStoreOutput"]
    assert near_store["properties"]["distance_km"]["type"] == "number"
    assert "distance_km" not in near_store["required"]
    assert near_store["required"] == sorted(components["StoreOutput"]["required"])
    # and so the list answers: without `near`, no distance; with it, the distance
    plain = api(None, tenant).get("/api/v1/stores/").json()["results"]
    near = api(None, tenant).get("/api/v1/stores/", {"near": "31.2304,121.4737"}).json()["results"]
    assert ["distance_km" in row for row in plain] == [False]
    assert [row["distance_km"] for row in near] == [0.0]


def test_a_stores_services_are_documented_as_a_plain_array(api, tenant, store):
    # when the schema is fetched
    operations = schema()["paths"]["/api/v1/stores/{store_id}/services/"]
    # then GET and PUT answer an array of offerings, without the page parameters
    array = {"type": "array", "items": {"$ref": "#/components/schemas/StoreServiceOutput"}}
    for method in ("get", "put"):
        assert operations[method]["responses"]["200"]["content"]["application/json"]["schema"] == array
        assert [p["name"] for p in operations[method]["parameters"]] == ["X-Tenant", "store_id"]
    # and so the endpoint answers
    assert api(None, tenant).get(f"/api/v1/stores/{store.pk}/services/").json() == []
