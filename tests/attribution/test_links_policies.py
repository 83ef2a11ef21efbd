"""Who sees and makes which tracking links (attribution.policies), role by role: the API answers as
the policy does, and a write costs the same queries whatever the brand holds."""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from tests.attribution.conftest import post_of
from tests.attribution.factories import make_link

pytestmark = pytest.mark.django_db

# caller -> (sees the store's link, sees its guide's link, sees the other store's link,
#            may make a link for the store, for the other store)
TABLE = {
    "hq_admin": (True, True, True, True, True),
    "manager": (True, True, False, True, False),
    "guide": (False, True, False, False, False),
    "other_manager": (False, False, True, False, True),
    "consumer": (False, False, False, False, False),
}


@pytest.mark.parametrize("who", sorted(TABLE))
def test_each_role_sees_and_makes_the_links_the_policy_says(request, api, tenant, store, other_store, guide, who):
    user = request.getfixturevalue(who)
    with tenant_scope(tenant):
        store_link = make_link(tenant, store_id=store.pk)
        guide_link = make_link(tenant, guide_id=post_of(tenant, guide).pk)
        other_link = make_link(tenant, store_id=other_store.pk)
    client = api(user, tenant)
    seen = tuple(
        client.get(f"/api/v1/links/{link.pk}/").status_code == 200 for link in (store_link, guide_link, other_link)
    )
    made = tuple(
        client.post("/api/v1/links/", {"store": s.pk}, format="json").status_code == 201 for s in (store, other_store)
    )
    assert seen + made == TABLE[who]


# in the test's transaction the tenant scope adds 3; the tenant, the token, the roles, the service's
# savepoint (2), the campaign, the store, and the insert in a savepoint of its own (3: a clash of
# codes is retried)
MAKE_LINK_QUERIES = 14


def test_making_a_link_costs_the_same_queries_every_time(
    api, tenant, hq_admin, campaign, store, django_assert_num_queries
):
    hq = api(hq_admin, tenant)
    hq.get("/api/v1/me/")
    body = {"campaign": campaign.pk, "store": store.pk, "target": "store"}
    with django_assert_num_queries(MAKE_LINK_QUERIES):
        assert hq.post("/api/v1/links/", body, format="json").status_code == 201
    with tenant_scope(tenant):
        for _ in range(5):
            make_link(tenant, store_id=store.pk)
    with django_assert_num_queries(MAKE_LINK_QUERIES):
        assert hq.post("/api/v1/links/", body, format="json").status_code == 201


# the tenant scope (3), the tenant, the token, the roles, the campaign, the insert in the service's
# savepoint (3)
ADD_SPEND_QUERIES = 11


def test_adding_spend_costs_the_same_queries_every_time(api, tenant, hq_admin, campaign, django_assert_num_queries):
    hq = api(hq_admin, tenant)
    hq.get("/api/v1/me/")
    for _ in range(2):
        with django_assert_num_queries(ADD_SPEND_QUERIES):
            response = hq.post(
                f"/api/v1/campaigns/{campaign.pk}/spend/", {"date": "2026-03-01", "amount": "5.00"}, format="json"
            )
        assert response.status_code == 201
