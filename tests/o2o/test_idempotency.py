"""The Idempotency-Key mechanism (api.md Conventions), proven on consumer sign-up."""

import datetime as dt
import hashlib
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from o2o import services
from o2o.choices import Role
from o2o.models import IdempotencyRecord, TenantRole, User
from o2o.tasks import purge_idempotency_records_all_tenants_task

SIGNUP = "/api/v1/auth/signup/"
BODY = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}


def signup(client, body, key=None):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(SIGNUP, body, format="json", **headers)


def usernames():
    return sorted(User.objects.values_list("username", flat=True))


def consumer_roles(in_tenant, tenant):
    with in_tenant(tenant):
        return sorted(
            TenantRole.objects.filter(tenant=tenant, role=Role.CONSUMER).values_list("user__username", flat=True)
        )


def records(in_tenant, tenant):
    with in_tenant(tenant):
        return sorted(IdempotencyRecord.objects.filter(tenant=tenant).values_list("key", "status_code"))


@pytest.mark.django_db
def test_the_same_key_and_body_replays_the_first_response(api, tenant, in_tenant):
    # given a sign-up made with a key
    first = signup(api(None, tenant), BODY, key="signup-7f3a")
    # when the same sign-up is submitted again with the same key
    second = signup(api(None, tenant), BODY, key="signup-7f3a")
    # then the first response is replayed and one account exists
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert first.json()["username"] == "+8613800138000"
    assert usernames() == ["+8613800138000"]
    assert consumer_roles(in_tenant, tenant) == ["+8613800138000"]
    assert records(in_tenant, tenant) == [("signup-7f3a", 201)]


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_conflict_and_creates_nothing(api, tenant, in_tenant):
    # given a sign-up made with a key
    first = signup(api(None, tenant), BODY, key="signup-7f3a")
    assert first.status_code == 201
    # when another person's sign-up reuses the key
    response = signup(api(None, tenant), {**BODY, "phone": "13900139000"}, key="signup-7f3a")
    # then it is refused and nothing more exists
    assert response.status_code == 409
    assert response.json() == {
        "code": "idempotency_key_reused",
        "detail": "This Idempotency-Key was already used with another request body.",
    }
    assert usernames() == ["+8613800138000"]
    assert consumer_roles(in_tenant, tenant) == ["+8613800138000"]
    assert records(in_tenant, tenant) == [("signup-7f3a", 201)]


@pytest.mark.django_db
def test_the_body_is_compared_as_json_whatever_the_key_order(api, tenant):
    # given a sign-up made with a key
    first = signup(api(None, tenant), BODY, key="k")
    # when the same body comes with its fields in another order
    second = signup(api(None, tenant), dict(reversed(list(BODY.items()))), key="k")
    # then it is the same request, replayed
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()


@pytest.mark.django_db
def test_without_a_key_a_second_identical_sign_up_runs_again_and_creates_nothing_more(api, tenant, in_tenant):
    # given a sign-up made without a key
    first = signup(api(None, tenant), BODY)
    assert first.status_code == 201
    # when it is submitted again without a key
    second = signup(api(None, tenant), BODY)
    # then it runs again (no replay), answers alike (sign-up never says a phone is known), and
    # still one account exists, and nothing is recorded
    assert (second.status_code, second.json()) == (201, first.json())
    assert "Idempotent-Replayed" not in second.headers
    assert usernames() == ["+8613800138000"]
    assert consumer_roles(in_tenant, tenant) == ["+8613800138000"]
    assert records(in_tenant, tenant) == []


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "k" * 256])
def test_an_empty_or_too_long_key_is_invalid_input_naming_the_header(api, tenant, in_tenant, key):
    # when a sign-up names an empty, blank or 256-character key
    response = signup(api(None, tenant), BODY, key=key)
    # then it is a 400 naming the header, and nothing is created
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Give a key of 1 to 255 characters.",
        "errors": {"Idempotency-Key": ["Give a key of 1 to 255 characters."]},
    }
    assert usernames() == []
    assert consumer_roles(in_tenant, tenant) == []
    assert records(in_tenant, tenant) == []


@pytest.mark.django_db
def test_a_key_of_255_characters_is_accepted(api, tenant, in_tenant):
    # when a sign-up names the longest key allowed
    response = signup(api(None, tenant), BODY, key="k" * 255)
    # then it runs and is recorded
    assert response.status_code == 201
    assert records(in_tenant, tenant) == [("k" * 255, 201)]


@pytest.mark.django_db
def test_a_request_failing_with_an_error_leaves_no_record_and_may_be_retried_with_its_key(api, tenant, in_tenant):
    # given a sign-up with a key that fails for a weak password
    failed = signup(api(None, tenant), {**BODY, "password": "password"}, key="k-1")
    assert failed.status_code == 400
    assert list(failed.json()["errors"]) == ["password"]
    assert records(in_tenant, tenant) == []
    # when it is sent again unchanged with the same key
    again = signup(api(None, tenant), {**BODY, "password": "password"}, key="k-1")
    # then it runs again (no replay) and fails again, creating nothing
    assert again.status_code == 400
    assert "Idempotent-Replayed" not in again.headers
    assert usernames() == []
    assert records(in_tenant, tenant) == []
    # and when the corrected body is sent with the same key, it runs and succeeds
    fixed = signup(api(None, tenant), BODY, key="k-1")
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers
    assert usernames() == ["+8613800138000"]
    assert records(in_tenant, tenant) == [("k-1", 201)]


@pytest.mark.django_db
def test_keys_are_scoped_per_brand(api, tenant, other_tenant, in_tenant):
    # given a key used for a sign-up in brand alpha
    first = signup(api(None, tenant), BODY, key="shared-key")
    # when the same key comes with another body in brand beta
    second = signup(api(None, other_tenant), {**BODY, "phone": "13900139000"}, key="shared-key")
    # then beta runs it as a new request
    assert first.status_code == 201
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["username"] == "+8613900139000"
    assert consumer_roles(in_tenant, tenant) == ["+8613800138000"]
    assert consumer_roles(in_tenant, other_tenant) == ["+8613900139000"]
    assert records(in_tenant, tenant) == [("shared-key", 201)]
    assert records(in_tenant, other_tenant) == [("shared-key", 201)]


@pytest.mark.django_db
def test_the_recorded_body_hash_is_keyed_not_a_plain_hash_of_the_password(api, tenant, in_tenant):
    # when a sign-up with a key is recorded
    signup(api(None, tenant), BODY, key="k-3")
    # then the stored fingerprint is not the bare sha256 of the body holding the password
    with in_tenant(tenant):
        stored = IdempotencyRecord.objects.get().fingerprint
    bare = hashlib.sha256(json.dumps(BODY, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert len(stored) == 64
    assert stored != bare


@pytest.mark.postgres
def test_twenty_concurrent_identical_sign_ups_with_one_key_create_one_account(api, tenant, in_tenant, run_concurrently):
    # given twenty clients submitting the same sign-up with the same key at the same moment
    def one_signup():
        return signup(api(None, tenant), BODY, key="double-tap")

    # when they all run
    responses = run_concurrently(20, one_signup)
    # then all twenty get the one answer, executed once
    assert [response.status_code for response in responses] == [201] * 20
    bodies = [response.json() for response in responses]
    assert all(body == bodies[0] for body in bodies)
    replayed = [response.headers.get("Idempotent-Replayed") for response in responses]
    assert sorted(replayed, key=str) == [None] + ["true"] * 19
    assert User.objects.get().username == bodies[0]["username"] == "+8613800138000"
    assert consumer_roles(in_tenant, tenant) == ["+8613800138000"]
    assert records(in_tenant, tenant) == [("double-tap", 201)]


@pytest.mark.postgres
def test_concurrent_identical_sign_ups_without_a_key_give_one_account_and_no_error(
    api, tenant, in_tenant, run_concurrently
):
    # given ten clients submitting the same sign-up without a key at the same moment
    def one_signup():
        return signup(api(None, tenant), BODY)

    # when they all run
    responses = run_concurrently(10, one_signup)
    # then all get the same answer (never a 500), and one account exists
    assert [response.status_code for response in responses] == [201] * 10
    assert usernames() == ["+8613800138000"]
    assert consumer_roles(in_tenant, tenant) == ["+8613800138000"]


# --- retention -------------------------------------------------------------------------------


def _age(in_tenant, tenant, key: str, hours: float) -> None:
    """Make the record of `key` `hours` old."""
    with in_tenant(tenant):
        IdempotencyRecord.objects.filter(tenant=tenant, key=key).update(
            created_at=timezone.now() - dt.timedelta(hours=hours)
        )


@pytest.mark.django_db
@override_settings(O2O_IDEMPOTENCY_RETENTION_HOURS=72)
def test_records_past_the_retention_are_purged_per_brand_once(api, tenant, other_tenant, in_tenant, monkeypatch):
    # given records of 73 and 71 hours in one brand, and one of 73 hours in another
    monkeypatch.setattr(services, "PURGE_BATCH", 1)  # batches of one: the loop is exercised too
    for n, key in enumerate(["old-1", "old-2", "young"]):
        assert signup(api(None, tenant), {**BODY, "phone": f"1380013800{n}"}, key=key).status_code == 201
    assert signup(api(None, other_tenant), BODY, key="theirs").status_code == 201
    ages = [(tenant, "old-1", 73), (tenant, "old-2", 73), (tenant, "young", 71), (other_tenant, "theirs", 73)]
    for brand, key, hours in ages:
        _age(in_tenant, brand, key, hours)
    # when the brand's purge runs, twice
    with in_tenant(tenant):
        purged = [services.purge_idempotency_records(tenant=tenant) for _ in range(2)]
    # then its two old records went, once; its young one and the other brand's stay
    assert purged == [2, 0]
    assert records(in_tenant, tenant) == [("young", 201)]
    assert records(in_tenant, other_tenant) == [("theirs", 201)]


@pytest.mark.django_db
def test_a_key_used_again_after_its_record_was_purged_runs_as_a_new_request(api, tenant, in_tenant):
    # given a sign-up made with a key four days ago, its record purged since
    assert signup(api(None, tenant), BODY, key="signup-old").status_code == 201
    _age(in_tenant, tenant, "signup-old", 96)
    with in_tenant(tenant):
        assert services.purge_idempotency_records(tenant=tenant) == 1
    # when the same key comes with another body
    response = signup(api(None, tenant), {**BODY, "phone": "13900139000"}, key="signup-old")
    # then it runs (no 409 for a body the platform no longer remembers)
    assert response.status_code == 201
    assert usernames() == ["+8613800138000", "+8613900139000"]


@pytest.mark.django_db
def test_the_daily_fan_out_purges_every_brand(api, tenant, other_tenant, in_tenant, django_capture_on_commit_callbacks):
    for brand in (tenant, other_tenant):
        assert signup(api(None, brand), BODY, key="old").status_code == 201
        _age(in_tenant, brand, "old", 100)
    with django_capture_on_commit_callbacks(execute=True):
        brands = purge_idempotency_records_all_tenants_task()
    assert brands == 2
    assert records(in_tenant, tenant) == records(in_tenant, other_tenant) == []
