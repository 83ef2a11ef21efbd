"""POST /api/v1/events/: each event accepted or rejected on its own, stored with its link's columns,
never naming another brand's link or campaign; the batch's bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.attribution.ingest_factories import ago, event, make_ingest_brand, post

pytestmark = pytest.mark.django_db

FIELDS = (
    "client_event_id",
    "visitor_id",
    "kind",
    "at",
    "link__code",
    "campaign__name",
    "channel",
    "store_id",
    "guide_id",
    "props",
    "user_agent",
)


@pytest.fixture
def brand(tenant):
    return make_ingest_brand(tenant)


@pytest.fixture
def device(api, tenant):
    """An anonymous app posting events (the endpoint is open to anyone in the brand)."""
    return api(None, tenant)


def test_a_batch_stores_each_event_with_its_links_campaign_channel_store_and_guide(brand, device):
    # given three events: a poster scan, a click on the guide's own link naming a campaign, and a
    # view of a Tmall campaign (a B2C marketplace's: it keeps its channel tag)
    at = ago(hours=2)
    events = [
        event(1, ts=at, props={"screen": "home", "lang": "zh"}),
        event(2, type="click", ts=at, link="GUIDE1", campaign=brand.spring.pk),
        {"id": "e0003", "visitor_id": "v3", "type": "view", "ts": at, "campaign": brand.tmall.pk},
    ]
    # when an app posts them
    response = post(device, events, HTTP_USER_AGENT="LampApp/3.2 (iOS 17)")
    # then all three are accepted and stored with the columns the reports group by
    assert (response.status_code, response.json()) == (202, {"accepted": 3, "rejected": []})
    when = dt.datetime.fromisoformat(at)
    store, guide = brand.store.pk, brand.guide.pk
    app = "LampApp/3.2 (iOS 17)"
    assert brand.touchpoints(*FIELDS) == [
        (
            "e0001",
            "v1",
            "scan",
            when,
            "POSTER1",
            "Spring posters",
            "poster",
            store,
            guide,
            {"screen": "home", "lang": "zh"},
            app,
        ),
        ("e0002", "v2", "click", when, "GUIDE1", "Spring posters", "poster", store, guide, {}, app),
        ("e0003", "v3", "view", when, None, "Tmall 618", "tmall", None, None, {}, app),
    ]


def test_bad_events_are_listed_by_index_with_their_errors_and_the_good_ones_kept(brand, device):
    # given a batch whose first and last events are good, and every other one wrong in one way
    events = [
        event(1),
        {"type": "scan", "ts": ago(hours=1), "link": "POSTER1"},
        event(3, type="like"),
        event(4, ts="2026-05-01T10:00:00"),
        event(5, ts=ago(minutes=-10)),
        event(6, ts=ago(days=91)),
        event(7, link=None),
        event(8, link="NOSUCH"),
        event(9, link="OFF1"),
        event(10, link=None, campaign=123456789),
        event(11, campaign=brand.tmall.pk),
        event(12, link="OLD1"),
        event(13, props={"note": "x" * 1100}),
        event(14, props=["not", "an", "object"]),
        event(15, id="x" * 65),
        "not an event",
        event(17, visitor_id="v" * 65),
        event(18, link=None, campaign=brand.ended.pk),
        event(19, props={"bad": "nul\x00"}),
        event(20),
    ]
    # when they are posted
    response = post(device, events)
    # then the two good ones are accepted and each bad one is named with its field's error
    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 2
    assert body["rejected"] == [
        {"index": 1, "errors": {"visitor_id": ["This field is required."]}},
        {"index": 2, "errors": {"type": ['"like" is not a valid choice.']}},
        {"index": 3, "errors": {"ts": ["Give the time with its offset, such as 2026-05-01T10:00:00+08:00."]}},
        {"index": 4, "errors": {"ts": ["This time is in the future."]}},
        {"index": 5, "errors": {"ts": ["This event is too old to be recorded."]}},
        {
            "index": 6,
            "errors": {"non_field_errors": ["Give a link or a campaign: an event with neither is not a touchpoint."]},
        },
        {"index": 7, "errors": {"link": ["No link of this brand has this code."]}},
        {"index": 8, "errors": {"link": ["This link is disabled."]}},
        {"index": 9, "errors": {"campaign": ["No campaign of this brand has this id."]}},
        {"index": 10, "errors": {"campaign": ["This is not the campaign of the link."]}},
        {"index": 11, "errors": {"link": ["The campaign did not run on the event's date."]}},
        {"index": 12, "errors": {"props": ["Keep the properties under 1024 bytes of JSON."]}},
        {"index": 13, "errors": {"props": ["Give a JSON object."]}},
        {"index": 14, "errors": {"id": ["Ensure this field has no more than 64 characters."]}},
        {"index": 15, "errors": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}},
        {"index": 16, "errors": {"visitor_id": ["Ensure this field has no more than 64 characters."]}},
        {"index": 17, "errors": {"campaign": ["The campaign did not run on the event's date."]}},
        {"index": 18, "errors": {"props": ["Null characters are not allowed."]}},
    ]
    assert brand.touchpoints("client_event_id") == [("e0001",), ("e0020",)]


def test_another_brands_link_codes_and_campaign_ids_are_rejected_like_unknown_ones(brand, device, other_tenant):
    # given another brand with its own poster link and campaign (its link codes start with B-)
    other = make_ingest_brand(other_tenant, prefix="B-")
    # when this brand's app names them
    response = post(device, [event(1, link="B-POSTER1"), event(2, link=None, campaign=other.spring.pk)])
    # then both are rejected exactly as made-up ones, and neither brand stored anything
    assert response.json() == {
        "accepted": 0,
        "rejected": [
            {"index": 0, "errors": {"link": ["No link of this brand has this code."]}},
            {"index": 1, "errors": {"campaign": ["No campaign of this brand has this id."]}},
        ],
    }
    assert (brand.count(), other.count()) == (0, 0)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"events": [event(n) for n in range(1001)]}, "Ensure this field has no more than 1000 elements."),
        ({"events": []}, "This list may not be empty."),
        ({}, "This field is required."),
        ({"events": {"id": "e1"}}, 'Expected a list of items but got type "dict".'),
    ],
    ids=["1001 events", "none", "no events", "not a list"],
)
def test_a_body_that_is_not_a_batch_is_a_400_naming_events_and_stores_nothing(brand, device, body, error):
    response = post(device, body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"events": [error]}
    assert brand.count() == 0


def test_a_batch_of_1000_is_accepted(brand, device):
    response = post(device, [event(n) for n in range(1, 1001)])
    assert response.json() == {"accepted": 1000, "rejected": []}
    assert brand.count() == 1000


def test_malformed_json_is_a_400_parse_error(brand, device):
    response = device.post("/api/v1/events/", '{"events": [', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert brand.count() == 0


def test_an_event_twice_in_a_batch_is_stored_once_as_first_given_and_both_count_as_accepted(brand, device):
    response = post(device, [event(1, visitor_id="first"), event(2), event(1, visitor_id="second")])
    assert response.json() == {"accepted": 3, "rejected": []}
    assert brand.touchpoints("client_event_id", "visitor_id") == [("e0001", "first"), ("e0002", "v2")]


def test_a_retried_batch_stores_nothing_again_and_gets_the_same_answer(brand, device):
    # given a batch posted once
    events = [event(1), event(2), event(3, link="NOSUCH")]
    first = post(device, events)
    # when it is posted again (the app never saw the answer), then with one new event beside an old one
    again = post(device, events)
    more = post(device, [event(2), event(4)])
    # then the retry answers as the first did, and each event is stored once
    assert (
        first.json()
        == again.json()
        == {
            "accepted": 2,
            "rejected": [{"index": 2, "errors": {"link": ["No link of this brand has this code."]}}],
        }
    )
    assert more.json() == {"accepted": 2, "rejected": []}
    assert brand.touchpoints("client_event_id") == [("e0001",), ("e0002",), ("e0004",)]


def test_events_without_a_client_id_are_stored_each_time(brand, device):
    at = ago(hours=3)
    post(device, [event(None, ts=at)])
    post(device, [event(None, ts=at)])
    assert brand.touchpoints("client_event_id", "visitor_id") == [(None, "v0"), (None, "v0")]


def test_the_same_client_id_in_another_brand_is_another_event(brand, device, api, other_tenant):
    other = make_ingest_brand(other_tenant)
    post(device, [event(1)])
    assert post(api(None, other_tenant), [event(1)]).json() == {"accepted": 1, "rejected": []}
    assert (brand.count(), other.count()) == (1, 1)


def test_a_signed_in_consumer_and_staff_may_post_too(brand, api, make_user, tenant):
    consumer = make_user(tenant, "consumer")
    assert post(api(consumer, tenant), [event(1)]).status_code == 202
    assert brand.count() == 1


WRONG_FORMAT = (
    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


@pytest.mark.parametrize(
    ("ts", "error"),
    [
        ("0001-01-01T00:00:00+14:00", "Datetime value out of range."),
        (
            "yesterday",
            WRONG_FORMAT,
        ),
        (
            1733400000,
            WRONG_FORMAT,
        ),
        ("2026-12-06T12:99:00Z", WRONG_FORMAT),
        ("2026-13-06T12:00:00+08:00", WRONG_FORMAT),
    ],
    ids=["year 1", "words", "a number", "minute 99", "month 13"],
)
def test_a_time_out_of_bounds_or_not_iso_is_rejected_never_a_500(brand, device, ts, error):
    response = post(device, [event(1, ts=ts)])
    assert response.json() == {"accepted": 0, "rejected": [{"index": 0, "errors": {"ts": [error]}}]}
