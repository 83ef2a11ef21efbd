"""The guide workbench `/guide/` (issue 12 item 7): links and QR codes, customers, serving in store,
orders, commissions by status and month, claims; the forms' refusals; pinned query counts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from attribution.services.links import link_url
from guides.models import GuideLink
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.models import Order
from tests.guides.conftest import T0
from tests.harness import role_user

pytestmark = pytest.mark.django_db


def page_of(world, post) -> Client:
    client = Client(HTTP_HOST=f"{world.tenant.slug}.localhost")
    client.force_login(post.user)
    return client


def texts(response, testid: str) -> list[str]:
    found = re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</', response.content.decode(), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_my_links_show_the_store_link_its_qr_code_and_downloads_and_the_guide_code(world):
    response = page_of(world, world.guide).get("/guide/")
    assert response.status_code == 200
    with tenant_scope(world.tenant):
        store_link = GuideLink.objects.get(guide=world.guide).link
    page = response.content.decode()
    assert texts(response, "guide-code") == [world.guide.code]
    assert f'src="/t/{store_link.code}/qr.svg"' in page
    assert f'href="/t/{store_link.code}/qr.png?download=1"' in page
    assert f'href="/t/{store_link.code}/qr.svg?download=1"' in page
    assert texts(response, "share-link-label") == [f"My store: {world.store.name}"]
    assert f'value="{link_url(world.tenant, store_link.code)}"' in page
    assert 'src="/static/guides/workbench.js"' in page
    assert "<script>" not in page  # CSP: no inline script


def test_a_guide_makes_a_product_link_once_and_a_bad_one_is_refused_next_to_the_field(world):
    client = page_of(world, world.guide)
    product_id = world.brand.lamp.product_id
    made = client.post("/guide/links/", {"target": "product", "product": product_id})
    assert (made.status_code, made["Location"]) == (302, "/guide/#links")
    again = client.post("/guide/links/", {"target": "product", "product": product_id}, follow=True)
    with tenant_scope(world.tenant):
        assert GuideLink.objects.filter(guide=world.guide).count() == 2  # the store's and the lamp's
        name = world.brand.lamp.product.name
    assert [row.label for row in again.context["links"]] == [f"My store: {world.store.name}", f"Product: {name}"]
    refused = client.post("/guide/links/", {"target": "product", "product": ""})
    assert refused.status_code == 400
    assert refused.context["link_form"].errors == {"product": ["Choose the product the link leads to."]}


def test_recording_serving_says_what_happened_and_never_poaches(world):
    ada = page_of(world, world.guide).post("/guide/served/", {"phone": "13800138000"}, follow=True)
    assert messages_of(ada) == ["张伟 (138****8000) is now your customer for 30 days."]
    again = page_of(world, world.guide).post("/guide/served/", {"phone": "13800138000"}, follow=True)
    assert messages_of(again) == ["张伟 (138****8000) stays your customer: protection renewed for 30 days."]
    poach = page_of(world, world.other_guide).post("/guide/served/", {"phone": "13800138000"}, follow=True)
    assert messages_of(poach) == [
        "张伟 (138****8000) is another guide's customer while their protection lasts: no re-binding."
    ]
    assert texts(poach, "customer-count") == ["0"]


def test_a_bad_phone_stays_typed_with_its_error_next_to_it(world):
    refused = page_of(world, world.guide).post("/guide/served/", {"phone": "13999999999"})
    assert refused.status_code == 400
    assert refused.context["served_form"].errors == {"phone": ["No member of this brand has this phone number."]}
    assert 'value="13999999999"' in refused.content.decode()


def test_my_customers_show_days_left_highlighted_within_a_week_last_visit_and_order(world, frozen):
    frozen(T0)
    page_of(world, world.guide).post("/guide/served/", {"phone": "13800138000"})
    fresh = page_of(world, world.guide).get("/guide/")
    assert texts(fresh, "customer-name") == ["张伟"]
    assert texts(fresh, "customer-phone") == ["138****8000"]
    assert texts(fresh, "days-left") == ["30 days left"]
    assert 'class="badge warn"' not in fresh.content.decode()
    world.place((world.brand.lamp, 1))  # credited to Ada through the binding
    frozen(T0 + dt.timedelta(days=24))
    later = page_of(world, world.guide).get("/guide/")
    assert texts(later, "days-left") == ["6 days left"]
    assert 'data-testid="days-left" class="badge warn"' in later.content.decode()
    assert texts(later, "last-order") == ["Last order: 2026-05-04"]
    assert texts(later, "last-visit") == ["Last visit: —"]


def test_my_orders_and_commissions_by_status_and_month(world, frozen):
    frozen(T0)
    first = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.place((world.brand.bulb, 2), code=world.other_guide.code)  # another guide's
    world.complete(first["id"])
    response = page_of(world, world.guide).get("/guide/")
    with tenant_scope(world.tenant):
        order = Order.objects.get(pk=first["id"])
    assert texts(response, "order-number") == [order.number]
    assert texts(response, "order-status") == ["Completed"]
    assert texts(response, "order-total") == [f"¥{order.total_amount}"]
    assert texts(response, "total-pending") == ["¥5.97"]  # 3% of 199.00
    assert texts(response, "total-paid") == ["¥0.00"]
    assert texts(response, "month-total") == ["5.97"]
    assert re.findall(r'data-month="([^"]+)"', response.content.decode()) == ["2026-05"]
    found = re.search(r'id="commission-chart"[^>]*>(.*?)</script>', response.content.decode())
    assert found is not None
    chart = json.loads(found.group(1))
    assert chart["months"] == ["2026-05"]
    assert [(s["name"], s["data"]) for s in chart["series"]][:2] == [("Pending", ["5.97"]), ("Approved", ["0.00"])]


def test_a_guide_claims_an_order_by_number_and_sees_the_claim_and_its_refusals(world):
    order = world.place((world.brand.lamp, 1))
    with tenant_scope(world.tenant):
        number = Order.objects.get(pk=order["id"]).number
    client = page_of(world, world.guide)
    no_note = client.post("/guide/claims/", {"order": number, "note": ""})
    assert (no_note.status_code, no_note.context["claim_form"].errors) == (400, {"note": ["This field is required."]})
    unknown = client.post("/guide/claims/", {"order": "NO-SUCH", "note": "mine"})
    assert (unknown.status_code, unknown.context["claim_form"].errors) == (
        400,
        {"order": ["No order has this number."]},
    )
    made = client.post("/guide/claims/", {"order": number, "note": "tried it on Sunday"}, follow=True)
    assert messages_of(made) == [f"Claim on order {number} sent to your manager."]
    assert texts(made, "claim-order") == [number]
    assert texts(made, "claim-status") == ["Pending"]
    assert texts(made, "claim-note") == ["tried it on Sunday"]
    twice = client.post("/guide/claims/", {"order": number, "note": "again"})
    assert twice.status_code == 409
    assert twice.context["claim_form"].non_field_errors() == ["Your claim on this order is waiting for a decision."]


def test_a_guide_role_without_a_post_is_told_so(world):
    client = Client(HTTP_HOST=f"{world.tenant.slug}.localhost")
    client.force_login(role_user(world.tenant, Role.GUIDE, "postless"))
    response = client.get("/guide/")
    assert response.status_code == 200
    assert texts(response, "no-post") == [
        f"You hold no guide post at a store of {world.tenant.name} yet: ask your store manager."
    ]
    assert client.post("/guide/served/", {"phone": "13800138000"}).status_code == 404


def test_the_workbench_takes_the_same_queries_with_more_customers_orders_commissions_and_claims(
    world, django_assert_num_queries
):
    client = page_of(world, world.guide)
    client.get("/guide/")  # the store link made once in the guide's life
    with django_assert_num_queries(QUERIES):
        client.get("/guide/")
    client.post("/guide/served/", {"phone": "13800138000"})
    client.post("/guide/links/", {"target": "product", "product": world.brand.lamp.product_id})
    for _n in range(2):
        placed = world.place((world.brand.lamp, 1), code=world.guide.code)
        world.complete(placed["id"])
    loose = world.place((world.brand.bulb, 1), code=world.other_guide.code)
    with tenant_scope(world.tenant):
        Order.objects.filter(pk=loose["id"]).update(guide=None)
        number = Order.objects.get(pk=loose["id"]).number
    client.post("/guide/claims/", {"order": number, "note": "mine"})
    with django_assert_num_queries(QUERIES):
        response = client.get("/guide/")
    assert (len(response.context["orders"]), len(response.context["customers"]), len(response.context["claims"])) == (
        2,
        1,
        1,
    )


QUERIES = 17  # session, user, actor, tenant settings...; links 2, link form 2, customers, orders, commissions, claims
