"""How memberships come to be: sign-up, a first booking or order by phone, and the consent record."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from members.models import Member, ServedBy
from members.services import KEEP, MembershipChanges, join_brand, update_membership
from o2o.errors import InvalidInput, NotFound
from o2o.models import User
from o2o.tenancy import tenant_scope

T1 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 5, 18, 30, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)


def clock(at: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=at)


def members_of(tenant):
    with tenant_scope(tenant):
        return list(
            Member.objects.filter(tenant=tenant).order_by("pk").values("phone", "name", "user_id", "home_store_id")
        )


def signup(api, tenant, phone="13812345678", name="张伟", password="long-enough-pw-1"):
    return api(None, tenant).post(
        "/api/v1/auth/signup/", {"phone": phone, "password": password, "name": name}, format="json"
    )


@pytest.mark.django_db
def test_signing_up_makes_the_consumer_a_member_with_their_phone_name_and_account(
    api, tenant, django_capture_on_commit_callbacks
):
    # when a consumer signs up with a national number (the membership follows the commit: o2o.events)
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(api, tenant)
    # then the brand has one member: the E.164 phone, the name and the new account
    assert response.status_code == 201
    user = User.objects.get(username="+8613812345678")
    assert members_of(tenant) == [
        {"phone": "+8613812345678", "name": "张伟", "user_id": user.pk, "home_store_id": None}
    ]


@pytest.mark.django_db
def test_joining_a_second_brand_creates_a_second_separate_membership(
    api, tenant, other_tenant, django_capture_on_commit_callbacks
):
    # given a member of one brand
    with django_capture_on_commit_callbacks(execute=True):
        assert signup(api, tenant).status_code == 201
    user = User.objects.get(username="+8613812345678")
    # when the same person, signed in, joins another brand
    with django_capture_on_commit_callbacks(execute=True):
        response = api(user, other_tenant).post("/api/v1/auth/join/", format="json")
    # then each brand has its own membership of that one account
    assert response.status_code == 201
    row = {"phone": "+8613812345678", "name": "张伟", "user_id": user.pk, "home_store_id": None}
    assert members_of(tenant) == [row]
    assert members_of(other_tenant) == [row]
    with tenant_scope(tenant):
        first = Member.objects.get(tenant=tenant).pk
    with tenant_scope(other_tenant):
        second = Member.objects.get(tenant=other_tenant).pk
    assert first != second


@pytest.mark.django_db
def test_a_later_sign_up_links_the_member_of_a_first_booking_to_the_new_account(
    api, tenant, make_store, django_capture_on_commit_callbacks
):
    # given a member created by a first booking by phone, at a store, without an account
    store = make_store(tenant, "SH01")
    with tenant_scope(tenant):
        booked = join_brand(tenant=tenant, phone="138 1234 5678", name="张三", home_store=store)
    # when that phone signs up (with another spelling of the name)
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(api, tenant, phone="+86 138-1234-5678", name="张三丰")
    # then the same member is linked to the account: no second member, and its data kept
    assert response.status_code == 201
    user = User.objects.get(username="+8613812345678")
    assert members_of(tenant) == [
        {"phone": "+8613812345678", "name": "张三", "user_id": user.pk, "home_store_id": store.pk}
    ]
    with tenant_scope(tenant):
        assert Member.objects.get().pk == booked.pk


@pytest.mark.django_db
def test_join_brand_knows_one_phone_in_any_spelling(tenant):
    # given a member who booked with a national number
    with tenant_scope(tenant):
        first = join_brand(tenant=tenant, phone="13812345678", name="张伟")
        # when they order with the international spelling
        again = join_brand(tenant=tenant, phone="+86 138 1234 5678")
    # then it is the same member, stored in E.164
    assert again.pk == first.pk
    assert members_of(tenant) == [{"phone": "+8613812345678", "name": "张伟", "user_id": None, "home_store_id": None}]


@pytest.mark.django_db
def test_join_brand_refuses_an_invalid_phone_and_creates_nothing(tenant):
    with tenant_scope(tenant), pytest.raises(InvalidInput) as caught:
        join_brand(tenant=tenant, phone="12345", name="张伟")
    assert caught.value.extra == {"errors": {"phone": ["Enter a valid phone number."]}}
    assert members_of(tenant) == []


@pytest.mark.django_db
def test_a_home_store_given_at_first_contact_is_recorded_as_serving_the_member(tenant, make_store):
    store = make_store(tenant, "SH01")
    with tenant_scope(tenant):
        member = join_brand(tenant=tenant, phone="13812345678", home_store=store)
        assert list(ServedBy.objects.values_list("member_id", "store_id")) == [(member.pk, store.pk)]


@pytest.mark.postgres
def test_concurrent_first_contacts_by_one_phone_create_one_member(tenant, run_concurrently):
    # when ten bookings and orders by the same new phone arrive at the same moment
    def first_contact() -> int:
        with tenant_scope(tenant):
            return join_brand(tenant=tenant, phone="+8613812345678", name="张伟").pk

    ids = run_concurrently(10, first_contact)
    # then all of them got the one member the brand has
    with tenant_scope(tenant):
        members = list(Member.objects.values_list("pk", "phone"))
    assert members == [(ids[0], "+8613812345678")]
    assert ids == [ids[0]] * 10


@pytest.mark.django_db
def test_consent_is_recorded_with_the_time_it_was_given(tenant):
    # when a consumer consents at their first contact
    with tenant_scope(tenant), clock(T1):
        member = join_brand(tenant=tenant, phone="13812345678", consent_marketing=True)
    # then the consent and its time are recorded
    with tenant_scope(tenant):
        assert Member.objects.filter(pk=member.pk).values_list("consent_marketing", "consent_recorded_at").get() == (
            True,
            T1,
        )


@pytest.mark.django_db
def test_a_first_refusal_is_recorded_too(tenant):
    with tenant_scope(tenant), clock(T1):
        member = join_brand(tenant=tenant, phone="13812345678", consent_marketing=False)
    with tenant_scope(tenant):
        assert Member.objects.filter(pk=member.pk).values_list("consent_marketing", "consent_recorded_at").get() == (
            False,
            T1,
        )


@pytest.mark.django_db
def test_changing_consent_updates_its_time_and_repeating_it_does_not(tenant):
    # given a consent given at T1
    with tenant_scope(tenant), clock(T1):
        member = join_brand(tenant=tenant, phone="13812345678", consent_marketing=True)
    # when it is withdrawn at T2, and withdrawn again at T3
    with tenant_scope(tenant), clock(T2):
        update_membership(tenant=tenant, member=member, changes=MembershipChanges(consent_marketing=False))
    with tenant_scope(tenant), clock(T3):
        update_membership(tenant=tenant, member=member, changes=MembershipChanges(consent_marketing=False))
        join_brand(tenant=tenant, phone="13812345678", consent_marketing=False)
    # then the record says when the current answer was given: T2
    with tenant_scope(tenant):
        assert Member.objects.filter(pk=member.pk).values_list("consent_marketing", "consent_recorded_at").get() == (
            False,
            T2,
        )


@pytest.mark.django_db
def test_a_change_of_home_store_leaves_the_consent_record_alone(tenant, make_store):
    store = make_store(tenant, "SH01")
    with tenant_scope(tenant), clock(T1):
        member = join_brand(tenant=tenant, phone="13812345678", consent_marketing=True)
    with tenant_scope(tenant), clock(T2):
        update_membership(
            tenant=tenant, member=member, changes=MembershipChanges(consent_marketing=KEEP, home_store_id=store.pk)
        )
    with tenant_scope(tenant):
        assert Member.objects.filter(pk=member.pk).values_list(
            "home_store_id", "consent_marketing", "consent_recorded_at"
        ).get() == (store.pk, True, T1)


@pytest.mark.django_db
def test_changing_a_membership_deleted_meanwhile_is_not_found(tenant):
    # given a member read, then deleted by someone else (the admin, for instance), and another member
    with tenant_scope(tenant):
        stale = join_brand(tenant=tenant, phone="13812345678", consent_marketing=True)
        join_brand(tenant=tenant, phone="13912345678", consent_marketing=True)
        Member.objects.filter(pk=stale.pk).delete()
    with tenant_scope(tenant):
        before = list(Member.objects.order_by("pk").values())
    # when the first request goes on to change the consent
    with tenant_scope(tenant), pytest.raises(NotFound) as raised:
        update_membership(tenant=tenant, member=stale, changes=MembershipChanges(consent_marketing=False))
    # then it is told the member is gone, and nothing changed
    assert raised.value.detail == "No such member."
    with tenant_scope(tenant):
        assert list(Member.objects.order_by("pk").values()) == before
