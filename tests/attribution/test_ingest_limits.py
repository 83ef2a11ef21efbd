"""POST /api/v1/events/ under load and retries: one throttle budget per brand, `Idempotency-Key`
replayed, and a batch's queries that do not grow with its size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.attribution.ingest_factories import event, make_ingest_brand, post

pytestmark = pytest.mark.django_db

# the brand (by its slug), its scope (set_config), the service's savepoint, the batch's link codes
# (with their campaigns), its campaign ids, the one INSERT, the members behind the guide links'
# visitors (none here: nothing to bind), the savepoint's release; in the test's transaction the
# request's scope adds a savepoint, its release and the scope's reset
BATCH_QUERIES = 11


@pytest.fixture
def brand(tenant):
    return make_ingest_brand(tenant)


def test_a_brand_is_throttled_as_one_whoever_posts_and_another_brand_is_not(api, brand, other_tenant, throttle_rates):
    # given a budget of two batches a minute per brand
    throttle_rates(events="2/min")
    make_ingest_brand(other_tenant)
    first, second = api(None, brand.tenant), api(None, brand.tenant)
    second.defaults["REMOTE_ADDR"] = "10.1.2.3"
    # when two devices of the brand, at two addresses, post three batches
    statuses = [post(first, [event(1)]).status_code, post(second, [event(2)]).status_code]
    throttled = post(second, [event(3)])
    # then the third is refused with the contract's 429, and stored nothing
    assert statuses == [202, 202]
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert brand.touchpoints("client_event_id") == [("e0001",), ("e0002",)]
    # and the other brand's devices still post
    assert post(api(None, other_tenant), [event(1)]).status_code == 202


def test_the_same_idempotency_key_and_body_replays_the_answer_and_another_body_is_a_409(api, brand):
    device = api(None, brand.tenant)
    events = [event(1), event(2, link="NOSUCH")]
    first = post(device, events, HTTP_IDEMPOTENCY_KEY="batch-7")
    replay = post(device, events, HTTP_IDEMPOTENCY_KEY="batch-7")
    other = post(device, [event(3)], HTTP_IDEMPOTENCY_KEY="batch-7")
    assert (first.status_code, replay.status_code) == (202, 202)
    assert (
        first.json()
        == replay.json()
        == {
            "accepted": 1,
            "rejected": [{"index": 1, "errors": {"link": ["No link of this brand has this code."]}}],
        }
    )
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert brand.touchpoints("client_event_id") == [("e0001",)]


def test_a_batch_of_500_makes_the_same_queries_as_a_batch_of_10(api, brand, django_assert_num_queries):
    # given a device, and events naming a link, a campaign, or both, by many visitors
    device = api(None, brand.tenant)

    def batch(start: int, size: int) -> list[dict]:
        kinds = [{}, {"link": "GUIDE1", "campaign": brand.spring.pk}, {"link": None, "campaign": brand.tmall.pk}]
        return [event(n, **kinds[n % 3]) for n in range(start, start + size)]

    post(device, batch(1, 3))
    # when it posts 10 events, then 500
    with CaptureQueriesContext(connection) as ten:
        assert post(device, batch(100, 10)).json() == {"accepted": 10, "rejected": []}
    with django_assert_num_queries(BATCH_QUERIES):
        assert post(device, batch(1000, 500)).json() == {"accepted": 500, "rejected": []}
    # then both cost the pinned count
    assert len(ten.captured_queries) == BATCH_QUERIES
    assert brand.count() == 513
