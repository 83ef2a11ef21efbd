"""Campaigns and their spend through the API (HQ only): exact bodies, the rules as 400s naming the
field, a B2C marketplace channel keeping its tag, spend adding up, roles, constant query counts."""

from __future__ import annotations

import pytest

from attribution.models import Campaign, CampaignSpend
from o2o.choices import Role
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

SPRING = {
    "name": "Spring posters",
    "channel": "poster",
    "starts": "2026-03-01",
    "ends": "2026-03-31",
    "budget": "5000.00",
}


def test_hq_creates_reads_changes_and_deletes_a_campaign(api, tenant, hq_admin):
    hq = api(hq_admin, tenant)
    # when HQ creates a campaign
    created = hq.post("/api/v1/campaigns/", SPRING, format="json")
    # then it is answered exactly, with nothing spent yet
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert created.json() == {**SPRING, "id": campaign_id, "spent": "0.00", "is_b2c": False}
    # and it can be read, changed and deleted (nothing refers to it)
    assert hq.get(f"/api/v1/campaigns/{campaign_id}/").json()["name"] == "Spring posters"
    patched = hq.patch(f"/api/v1/campaigns/{campaign_id}/", {"ends": None, "budget": "6000.50"}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["ends"], patched.json()["budget"], patched.json()["starts"]) == (
        None,
        "6000.50",
        "2026-03-01",
    )
    assert hq.delete(f"/api/v1/campaigns/{campaign_id}/").status_code == 204
    assert hq.get(f"/api/v1/campaigns/{campaign_id}/").status_code == 404


def test_a_b2c_marketplace_campaign_keeps_its_channel_tag(api, tenant, hq_admin):
    hq = api(hq_admin, tenant)
    tmall = hq.post("/api/v1/campaigns/", {**SPRING, "name": "Tmall 618", "channel": "tmall"}, format="json").json()
    assert (tmall["channel"], tmall["is_b2c"]) == ("tmall", True)
    assert [row["name"] for row in hq.get("/api/v1/campaigns/", {"channel": "tmall"}).json()["results"]] == [
        "Tmall 618"
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends": "2026-02-28"}, "ends"),
        ({"budget": "-1.00"}, "budget"),
        ({"budget": "1.005"}, "budget"),
        ({"channel": "fax"}, "channel"),
        ({"name": ""}, "name"),
        ({"starts": "soon"}, "starts"),
    ],
)
def test_bad_campaign_input_is_a_400_naming_the_field_and_writes_nothing(api, tenant, hq_admin, change, field):
    response = api(hq_admin, tenant).post("/api/v1/campaigns/", {**SPRING, **change}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert snapshot(Campaign, tenant) == []


def test_a_name_is_unique_in_the_brand_only(api, tenant, other_tenant, hq_admin, make_user):
    hq = api(hq_admin, tenant)
    assert hq.post("/api/v1/campaigns/", SPRING, format="json").status_code == 201
    again = hq.post("/api/v1/campaigns/", {**SPRING, "name": " Spring posters "}, format="json")
    assert (again.status_code, list(again.json()["errors"])) == (400, ["name"])
    other_hq = api(make_user(other_tenant, Role.HQ_ADMIN, username="beta-admin"), other_tenant)
    assert other_hq.post("/api/v1/campaigns/", SPRING, format="json").status_code == 201


def test_spend_entries_add_up_and_a_used_campaign_cannot_be_deleted(api, tenant, hq_admin):
    hq = api(hq_admin, tenant)
    campaign_id = hq.post("/api/v1/campaigns/", SPRING, format="json").json()["id"]
    # when HQ records three entries, two on the same day
    for day, amount in (("2026-03-01", "100.10"), ("2026-03-01", "0.00"), ("2026-03-02", "250.35")):
        response = hq.post(f"/api/v1/campaigns/{campaign_id}/spend/", {"date": day, "amount": amount}, format="json")
        assert response.status_code == 201, response.content
        assert (response.json()["date"], response.json()["amount"]) == (day, amount)
    # then the list has them latest first, with the total, and the campaign shows what it cost
    listed = hq.get(f"/api/v1/campaigns/{campaign_id}/spend/").json()
    assert listed["total"] == "350.45"
    assert [(row["date"], row["amount"]) for row in listed["results"]] == [
        ("2026-03-02", "250.35"),
        ("2026-03-01", "0.00"),
        ("2026-03-01", "100.10"),
    ]
    assert hq.get(f"/api/v1/campaigns/{campaign_id}/").json()["spent"] == "350.45"
    assert hq.get("/api/v1/campaigns/").json()["results"][0]["spent"] == "350.45"
    # and a campaign with spend is not deleted
    refused = hq.delete(f"/api/v1/campaigns/{campaign_id}/")
    assert (refused.status_code, refused.json()["code"]) == (409, "campaign_in_use")


@pytest.mark.parametrize(
    ("body", "field"), [({"amount": "-0.01"}, "amount"), ({"amount": "1e3"}, "amount"), ({"date": ""}, "date")]
)
def test_bad_spend_is_a_400_naming_the_field_and_writes_nothing(api, tenant, hq_admin, body, field):
    hq = api(hq_admin, tenant)
    campaign_id = hq.post("/api/v1/campaigns/", SPRING, format="json").json()["id"]
    response = hq.post(
        f"/api/v1/campaigns/{campaign_id}/spend/", {"date": "2026-03-01", "amount": "1.00", **body}, format="json"
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, [field])
    assert snapshot(CampaignSpend, tenant) == []


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER])
def test_only_hq_runs_campaigns(api, tenant, make_user, role):
    user = make_user(tenant, role, username=f"not-hq-{role}")
    assert api(user, tenant).get("/api/v1/campaigns/").status_code == 403
    assert api(user, tenant).post("/api/v1/campaigns/", SPRING, format="json").status_code == 403
    assert snapshot(Campaign, tenant) == []


# in the test's transaction the tenant scope is a savepoint with set_config in and out (3 statements);
# then the tenant, the token, the roles, the count and the page (spend summed in the page's query)
LIST_QUERIES = 9
SPEND_LIST_QUERIES = 10  # and the campaign with its total


def test_listing_campaigns_and_spend_costs_the_same_for_1_row_and_for_5(
    api, tenant, hq_admin, django_assert_num_queries
):
    hq = api(hq_admin, tenant)
    first = hq.post("/api/v1/campaigns/", SPRING, format="json").json()["id"]
    hq.post(f"/api/v1/campaigns/{first}/spend/", {"date": "2026-03-01", "amount": "1.00"}, format="json")
    with django_assert_num_queries(LIST_QUERIES):
        assert hq.get("/api/v1/campaigns/").json()["count"] == 1
    with django_assert_num_queries(SPEND_LIST_QUERIES):
        assert hq.get(f"/api/v1/campaigns/{first}/spend/").json()["count"] == 1
    for n in range(4):
        other = hq.post("/api/v1/campaigns/", {**SPRING, "name": f"Other {n}"}, format="json").json()["id"]
        hq.post(f"/api/v1/campaigns/{other}/spend/", {"date": "2026-03-01", "amount": "2.00"}, format="json")
        hq.post(f"/api/v1/campaigns/{first}/spend/", {"date": "2026-03-02", "amount": "3.00"}, format="json")
    with django_assert_num_queries(LIST_QUERIES):
        assert hq.get("/api/v1/campaigns/").json()["count"] == 5
    with django_assert_num_queries(SPEND_LIST_QUERIES):
        assert hq.get(f"/api/v1/campaigns/{first}/spend/").json()["total"] == "13.00"
