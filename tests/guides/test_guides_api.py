"""The guides API (api.md "Guides and commission"): the list and detail for HQ and store managers
with each guide's store share link and QR code; a guide's own links (the same link every time),
their bound customers, recording serving; re-binding by the manager with the history."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from attribution.models import TrackingLink
from members.binding import bind
from members.cards import card_payload
from members.models import GuideBinding
from members.services import join_brand
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from tests.attribution.conftest import post_of

pytestmark = pytest.mark.django_db

SITE = "http://alpha.localhost:8000"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def link_of(tenant, guide_user, target="store"):
    with tenant_scope(tenant):
        return TrackingLink.objects.get(guide=post_of(tenant, guide_user), target=target)


def test_hq_lists_every_guide_and_a_manager_only_their_stores(api, tenant, hq_admin, manager, guide, other_guide):
    everyone = api(hq_admin, tenant).get("/api/v1/guides/").json()
    mine = api(manager, tenant).get("/api/v1/guides/").json()
    link = link_of(tenant, guide)
    ada = post_of(tenant, guide)
    assert [row["id"] for row in everyone["results"]] == [post_of(tenant, other_guide).pk, ada.pk]  # HZ01, SH01
    assert mine == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": ada.pk,
                "name": "guide of SH01",
                "store": ada.store_id,
                "code": ada.code,
                "link": f"{SITE}/t/{link.code}",
                "qr": f"{SITE}/t/{link.code}/qr.svg",
            }
        ],
    }
    assert (link.store_id, link.campaign_id) == (ada.store_id, None)
    # the same link the next time
    assert api(manager, tenant).get("/api/v1/guides/").json() == mine
    assert api(manager, tenant).get(f"/api/v1/guides/{ada.pk}/").json() == mine["results"][0]
    assert api(manager, tenant).get(f"/api/v1/guides/{post_of(tenant, other_guide).pk}/").status_code == 404
    assert api(guide, tenant).get("/api/v1/guides/").status_code == 403


def test_the_list_takes_the_same_queries_for_one_guide_or_many(
    api, tenant, hq_admin, store, guide, make_staff, django_assert_num_queries
):
    client = api(hq_admin, tenant)
    client.get("/api/v1/guides/")  # the store links made once
    with django_assert_num_queries(10):
        client.get("/api/v1/guides/")
    for _ in range(4):
        make_staff(store, Role.GUIDE)
    client.get("/api/v1/guides/")
    with django_assert_num_queries(10):
        assert client.get("/api/v1/guides/").json()["count"] == 5


def test_a_guide_gets_the_same_product_and_booking_links_every_time(api, tenant, guide, product, service):
    client = api(guide, tenant)
    product_link = client.post("/api/v1/guides/me/links/", {"target": "product", "product": product.pk}).json()
    again = client.post("/api/v1/guides/me/links/", {"target": "product", "product": product.pk}).json()
    booking = client.post("/api/v1/guides/me/links/", {"target": "booking", "service": service.pk}).json()
    assert product_link == again
    code = product_link["code"]
    assert product_link == {
        "id": product_link["id"],
        "code": code,
        "target": "product",
        "product": product.pk,
        "service": None,
        "url": f"{SITE}/t/{code}",
        "qr": f"{SITE}/t/{code}/qr.svg",
        "qr_png": f"{SITE}/t/{code}/qr.png",
    }
    me = client.get("/api/v1/guides/me/").json()
    assert [link["target"] for link in me["links"]] == ["store", "product", "booking"]
    assert me["links"][2]["code"] == booking["code"]
    assert me["code"] == post_of(tenant, guide).code


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "shop"}, "target"),
        ({"target": "product"}, "product"),
        ({"target": "product", "product": 999999}, "product"),
        ({"target": "booking", "service": 999999}, "service"),
        ({"target": "store", "service": 1}, "service"),
    ],
)
def test_a_bad_link_request_is_a_400_naming_the_field(api, tenant, guide, body, field):
    response = api(guide, tenant).post("/api/v1/guides/me/links/", body, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, [field])
    with tenant_scope(tenant):
        assert TrackingLink.objects.count() == 0


def bound(tenant, phone, guide_user, at):
    with tenant_scope(tenant):
        member = join_brand(tenant=tenant, phone=phone, name="客户")
        GuideBinding.objects.create(
            tenant=tenant,
            member=member,
            guide=post_of(tenant, guide_user),
            store=post_of(tenant, guide_user).store,
            source="link",
            bound_at=at,
            bound_until=at + dt.timedelta(days=30),
        )
        return member


def test_my_customers_are_those_bound_to_me_now_in_a_fixed_number_of_queries(
    api, tenant, guide, other_guide, django_assert_num_queries
):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    li = bound(tenant, "+8613800000001", guide, now - dt.timedelta(days=25))
    bound(tenant, "+8613800000002", guide, now - dt.timedelta(days=31))  # expired
    bound(tenant, "+8613800000003", other_guide, now - dt.timedelta(days=1))  # someone else's
    client = api(guide, tenant)
    with django_assert_num_queries(10):
        body = client.get("/api/v1/guides/me/customers/").json()
    assert body["results"] == [
        {
            "member": li.pk,
            "name": "客户",
            "phone": "138****0001",
            "source": "link",
            "bound_at": (now - dt.timedelta(days=25)).astimezone(SHANGHAI).isoformat(),
            "bound_until": (now + dt.timedelta(days=5)).astimezone(SHANGHAI).isoformat(),
            "last_visit": None,
            "last_order": None,
        }
    ]
    for n in range(4, 9):
        bound(tenant, f"+861380000000{n}", guide, now - dt.timedelta(days=n))
    with django_assert_num_queries(10):
        assert client.get("/api/v1/guides/me/customers/").json()["count"] == 6


def test_a_guide_records_serving_by_phone_and_member_code_and_never_poaches(api, tenant, guide, other_guide):
    with tenant_scope(tenant):
        member = join_brand(tenant=tenant, phone="+8613812345678", name="张伟")
    served = api(guide, tenant).post("/api/v1/guides/me/served/", {"phone": "13812345678"}).json()
    code = card_payload(tenant=tenant, member=member)
    poach = api(other_guide, tenant).post("/api/v1/guides/me/served/", {"member_code": code}).json()
    ada = post_of(tenant, guide)
    assert (served["outcome"], served["member"], served["phone"], served["binding"]["guide"]) == (
        "bound",
        member.pk,
        "138****5678",
        ada.pk,
    )
    assert (poach["outcome"], poach["binding"]["guide"]) == ("kept_by_other", ada.pk)
    bad = api(guide, tenant).post("/api/v1/guides/me/served/", {"phone": "+8613999999999"})
    assert (bad.status_code, list(bad.json()["errors"])) == (400, ["phone"])
    forged = api(guide, tenant).post("/api/v1/guides/me/served/", {"member_code": "beta:00000001:x"})
    assert (forged.status_code, list(forged.json()["errors"])) == (400, ["member_code"])


def test_the_manager_of_the_new_guides_store_rebinds_with_a_reason_and_the_history_shows_it(
    api, tenant, hq_admin, manager, other_manager, guide, other_guide
):
    with tenant_scope(tenant):
        member = join_brand(tenant=tenant, phone="+8613812345678", name="张伟")
        bind(tenant=tenant, member=member, guide=post_of(tenant, other_guide), source="qr")
    ada = post_of(tenant, guide)
    url = f"/api/v1/members/{member.pk}/rebind/"
    no_reason = api(manager, tenant).post(url, {"guide": ada.pk, "reason": " "})
    wrong_store = api(other_manager, tenant).post(url, {"guide": ada.pk, "reason": "moved"})
    as_guide = api(guide, tenant).post(url, {"guide": ada.pk, "reason": "moved"})
    done = api(manager, tenant).post(url, {"guide": ada.pk, "reason": "moved to Pudong"})
    assert (no_reason.status_code, list(no_reason.json()["errors"])) == (400, ["reason"])
    assert (wrong_store.status_code, as_guide.status_code, done.status_code) == (403, 403, 201)
    history = api(hq_admin, tenant).get(f"/api/v1/members/{member.pk}/bindings/").json()
    assert [(h["guide"], h["source"], h["reason"], h["created_by"]) for h in history] == [
        (post_of(tenant, other_guide).pk, "qr", "", None),
        (ada.pk, "manual", "moved to Pudong", manager.name),
    ]
    assert api(manager, tenant).get("/api/v1/members/999999/bindings/").status_code == 404


def test_my_customers_leave_out_another_brands_bindings_and_a_caller_without_a_guide_post_gets_404(
    api, tenant, other_tenant, guide, make_user
):
    from tests.guides.harness_guides import _guide

    now = dt.datetime.now(dt.UTC)
    mine = bound(tenant, "+8613800000001", guide, now - dt.timedelta(days=1))
    with tenant_scope(other_tenant):
        foreign_guide = _guide(other_tenant)
        foreign = join_brand(tenant=other_tenant, phone="+8613800000002", name="外部")
        bind(tenant=other_tenant, member=foreign, guide=foreign_guide, source="link")
    body = api(guide, tenant).get("/api/v1/guides/me/customers/").json()
    assert [row["member"] for row in body["results"]] == [mine.pk]
    postless = make_user(tenant, Role.GUIDE, username="no-post")
    assert api(postless, tenant).get("/api/v1/guides/me/customers/").status_code == 404
    assert api(foreign_guide.user, tenant).get("/api/v1/guides/me/customers/").status_code == 403
