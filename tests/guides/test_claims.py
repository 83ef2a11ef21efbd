"""Claims (rules.md 4.3): a guide claims an uncredited order of their store's consumers within the
window, with a note; the manager of the guide's store approves or rejects with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from guides.models import ClaimedLine, CommissionClaim
from o2o.tenancy import tenant_scope
from tests.guides.conftest import T0

pytestmark = pytest.mark.django_db


def claim(world, post, order_id, note="tried it in store on Sunday"):
    return world.as_guide(post).post("/api/v1/commission-claims/", {"order": order_id, "note": note}, format="json")


def claims(world):
    with tenant_scope(world.tenant):
        return list(CommissionClaim.objects.order_by("pk").values_list("guide__user__username", "status", "reason"))


def test_an_approved_claim_on_a_completed_order_earns_at_once_with_the_rule_at_completion(world):
    order = world.place((world.brand.lamp, 1), (world.brand.bulb, 2))
    world.complete(order["id"])
    response = claim(world, world.guide, order["id"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["order"], body["guide"], body["status"], body["note"]) == (
        order["id"],
        world.guide.pk,
        "pending",
        "tried it in store on Sunday",
    )
    approved = world.manager.post(f"/api/v1/commission-claims/{body['id']}/approve/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert world.commissions() == [
        ("sale", "pending", Decimal("5.97"), "guide-a"),
        ("sale", "pending", Decimal("0.75"), "guide-a"),  # 3% of 25.00
    ]


def test_a_claim_approved_before_completion_earns_at_completion(world):
    order = world.place((world.brand.lamp, 1))
    claim_id = claim(world, world.guide, order["id"]).json()["id"]
    assert world.manager.post(f"/api/v1/commission-claims/{claim_id}/approve/").status_code == 200
    assert world.commissions() == []
    world.complete(order["id"])
    assert world.commissions() == [("sale", "pending", Decimal("5.97"), "guide-a")]


def test_a_credited_order_cannot_be_claimed(world):
    order = world.place((world.brand.lamp, 1), code=world.other_guide.code)
    response = claim(world, world.guide, order["id"])
    assert (response.status_code, response.json()["code"]) == (409, "already_credited")
    assert claims(world) == []


def test_a_second_claim_after_one_approved_is_refused(world):
    order = world.place((world.brand.lamp, 1))
    first = claim(world, world.guide, order["id"]).json()["id"]
    second = claim(world, world.other_guide, order["id"]).json()["id"]
    assert world.manager.post(f"/api/v1/commission-claims/{first}/approve/").status_code == 200
    response = world.manager.post(f"/api/v1/commission-claims/{second}/approve/")
    assert (response.status_code, response.json()["code"]) == (409, "already_credited")
    assert (claim(world, world.other_guide, order["id"]).status_code) == 409
    assert claims(world) == [("guide-a", "approved", ""), ("guide-b", "pending", "")]


def test_the_claim_window_counts_from_the_order(world, frozen):
    frozen(T0)
    order = world.place((world.brand.lamp, 1))
    frozen(T0 + dt.timedelta(days=14, seconds=1))
    response = claim(world, world.guide, order["id"])
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["order"]
    frozen(T0 + dt.timedelta(days=14))
    assert claim(world, world.guide, order["id"]).status_code == 201


def test_an_order_of_another_store_s_consumer_cannot_be_claimed(world):
    # given an order routed to a nearer store, of a member not of the guide's store
    world.brand.store("NEAR", km=0.2, stock={world.brand.lamp: 5})
    order = world.place((world.brand.lamp, 1))
    assert order["store"] != world.store.pk
    response = claim(world, world.guide, order["id"])
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["order"]
    assert claims(world) == []


def test_bad_claims_name_the_field(world):
    guide = world.as_guide(world.guide)
    for body, field in [
        ({"note": "x"}, "order"),
        ({"order": "abc", "note": "x"}, "order"),
        ({"order": 2**63, "note": "x"}, "order"),
        ({"order": 999999, "note": "x"}, "order"),
        ({"order": 1}, "note"),
    ]:
        response = guide.post("/api/v1/commission-claims/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    assert claims(world) == []


def test_a_rejection_needs_a_reason_and_keeps_it(world):
    order = world.place((world.brand.lamp, 1))
    claim_id = claim(world, world.guide, order["id"]).json()["id"]
    response = world.manager.post(f"/api/v1/commission-claims/{claim_id}/reject/", {"reason": " "}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert claims(world) == [("guide-a", "pending", "")]
    response = world.manager.post(
        f"/api/v1/commission-claims/{claim_id}/reject/", {"reason": "served by the counter"}, format="json"
    )
    assert (response.status_code, response.json()["status"], response.json()["reason"]) == (
        200,
        "rejected",
        "served by the counter",
    )
    again = world.manager.post(f"/api/v1/commission-claims/{claim_id}/approve/")
    assert (again.status_code, again.json()["code"]) == (409, "claim_decided")


def test_only_the_manager_of_the_guide_s_store_decides(world):
    order = world.place((world.brand.lamp, 1))
    claim_id = claim(world, world.guide, order["id"]).json()["id"]
    other_store = world.brand.store("ELSE", km=9.0)
    other_manager = world.api(world.brand.staff(other_store), world.tenant)
    assert other_manager.post(f"/api/v1/commission-claims/{claim_id}/approve/").status_code == 404
    assert world.as_guide(world.other_guide).post(f"/api/v1/commission-claims/{claim_id}/approve/").status_code == 403
    assert claims(world) == [("guide-a", "pending", "")]
    with tenant_scope(world.tenant):
        assert ClaimedLine.objects.count() == 0
