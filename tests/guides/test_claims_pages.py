"""The store manager's claims page `/store/claims/`: pending claims with their order, lines, guide and
note; approve, or reject with a reason (required); decided claims below; pinned query counts; a
guide and another store's manager cannot decide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from guides.models import CommissionClaim
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.choices import StaffRole
from tests.guides.test_workbench_pages import messages_of, page_of, texts

pytestmark = pytest.mark.django_db


def manager_page(world) -> Client:
    client = Client(HTTP_HOST=f"{world.tenant.slug}.localhost")
    with tenant_scope(world.tenant):
        manager = world.store.staff.get(role=StaffRole.STORE_MANAGER).user
    client.force_login(manager)
    return client


def claimed(world, post, *lines, note="tried it on Sunday"):
    order = world.place(*lines)
    with tenant_scope(world.tenant):
        number = Order.objects.get(pk=order["id"]).number
    response = page_of(world, post).post("/guide/claims/", {"order": number, "note": note})
    assert response.status_code == 302, response.content
    with tenant_scope(world.tenant):
        return CommissionClaim.objects.get(order_id=order["id"], guide=post), number


def test_the_manager_sees_a_pending_claim_with_its_order_lines_guide_and_note(world):
    _claim, number = claimed(world, world.guide, (world.brand.lamp, 1), (world.brand.bulb, 2))
    response = manager_page(world).get("/store/claims/")
    assert response.status_code == 200
    assert texts(response, "claim-order") == [number]
    assert texts(response, "claim-guide") == [f"guide of GUIDE · {world.guide.code}"]
    assert texts(response, "claim-note") == ["tried it on Sunday"]
    lamp, bulb = world.brand.lamp.product.name, world.brand.bulb.product.name
    assert texts(response, "claim-line") == [f"{lamp} × 1 ¥199.00", f"{bulb} × 2 ¥25.00"]
    assert texts(response, "no-decided") == ["No claim decided yet."]


def test_approving_credits_the_guide_and_the_guide_sees_it_approved(world):
    claim, number = claimed(world, world.guide, (world.brand.lamp, 1))
    approved = manager_page(world).post(f"/store/claims/{claim.pk}/approve/", follow=True)
    assert messages_of(approved) == [f"Claim on order {number} approved."]
    assert texts(approved, "no-pending") == ["No claim waits for a decision."]
    assert texts(approved, "claim-status") == ["Approved"]
    world.complete(claim.order_id)
    assert world.commissions() == [("sale", "pending", Decimal("5.97"), "guide-a")]
    mine = page_of(world, world.guide).get("/guide/")
    assert texts(mine, "claim-status") == ["Approved"]
    assert texts(mine, "total-pending") == ["¥5.97"]


def test_rejecting_needs_a_reason_and_the_guide_reads_it(world):
    claim, _number = claimed(world, world.guide, (world.brand.lamp, 1))
    client = manager_page(world)
    refused = client.post(f"/store/claims/{claim.pk}/reject/", {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["reject_form"].errors == {"reason": ["Say why the claim is rejected."]}
    assert texts(refused, "claim-order") == [_number]  # still pending
    rejected = client.post(f"/store/claims/{claim.pk}/reject/", {"reason": "the customer came alone"}, follow=True)
    assert texts(rejected, "claim-reason") == ["the customer came alone"]
    mine = page_of(world, world.guide).get("/guide/")
    assert texts(mine, "claim-status") == ["Rejected"]
    assert texts(mine, "claim-reason") == ["Manager's reason: the customer came alone"]
    twice = client.post(f"/store/claims/{claim.pk}/approve/")
    assert twice.status_code == 409


def test_a_guide_cannot_open_it_and_another_stores_manager_does_not_see_the_claim(world):
    claim, _number = claimed(world, world.guide, (world.brand.lamp, 1))
    assert page_of(world, world.guide).get("/store/claims/").status_code == 403
    assert page_of(world, world.guide).post(f"/store/claims/{claim.pk}/approve/").status_code == 403
    other = world.brand.store("ELSEWHERE", km=5.0)
    stranger = Client(HTTP_HOST=f"{world.tenant.slug}.localhost")
    stranger.force_login(world.brand.staff(other, Role.STORE_MANAGER, username="other-manager"))
    assert texts(stranger.get("/store/claims/"), "no-pending") == ["No claim waits for a decision."]
    assert stranger.post(f"/store/claims/{claim.pk}/approve/").status_code == 404
    with tenant_scope(world.tenant):
        assert CommissionClaim.objects.get(pk=claim.pk).status == "pending"


def test_the_claims_page_takes_the_same_queries_with_more_claims(world, django_assert_num_queries):
    claimed(world, world.guide, (world.brand.lamp, 1))
    client = manager_page(world)
    with django_assert_num_queries(QUERIES):
        client.get("/store/claims/")
    claimed(world, world.other_guide, (world.brand.bulb, 1), (world.brand.lamp, 2))
    decided, _number = claimed(world, world.guide, (world.brand.bulb, 3))
    client.post(f"/store/claims/{decided.pk}/reject/", {"reason": "no"})
    with django_assert_num_queries(QUERIES):
        response = client.get("/store/claims/")
    assert (len(response.context["pending"]), len(response.context["decided"])) == (2, 1)


QUERIES = 12  # session, user, actor, tenant...; pending claims, their lines, decided claims
