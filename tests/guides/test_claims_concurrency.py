"""Two guides claiming one order at the same moment, and the manager approving both at once, end
with one approved beneficiary per line: real concurrent transactions on PostgreSQL, and the
database itself refusing a second approved claim or a second beneficiary of a line."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from guides.choices import ClaimStatus
from guides.models import ClaimedLine, CommissionClaim
from o2o.tenancy import tenant_scope


@pytest.mark.postgres
def test_two_claims_at_once_then_two_approvals_at_once_end_with_one_beneficiary(world, run_concurrently):
    order = world.place((world.brand.lamp, 1), (world.brand.bulb, 1))
    world.complete(order["id"])
    guides = iter([world.guide, world.other_guide])
    clients = {post.pk: world.as_guide(post) for post in (world.guide, world.other_guide)}
    posts = [next(guides), next(guides)]
    turn = iter(range(2))

    def one_claim():
        post = posts[next(turn)]
        return clients[post.pk].post(
            "/api/v1/commission-claims/", {"order": order["id"], "note": "mine"}, format="json"
        )

    # when both guides claim at the same moment: both claims wait for the manager
    claimed = run_concurrently(2, one_claim)
    assert [r.status_code for r in claimed] == [201, 201], [r.content for r in claimed]
    claim_ids = iter(sorted(r.json()["id"] for r in claimed))

    def one_approval():
        return world.manager.post(f"/api/v1/commission-claims/{next(claim_ids)}/approve/")

    # and the manager approves both at the same moment
    approved = run_concurrently(2, one_approval)
    # then one approval wins, the other is refused (never a 500), and each line has one beneficiary
    assert sorted(r.status_code for r in approved) == [200, 409]
    with tenant_scope(world.tenant):
        assert CommissionClaim.objects.filter(status=ClaimStatus.APPROVED).count() == 1
        winner = CommissionClaim.objects.get(status=ClaimStatus.APPROVED)
        assert sorted(ClaimedLine.objects.values_list("line_id", "claim_id")) == [
            (line["id"], winner.pk) for line in order["lines"]
        ]
        winner_name = winner.guide.user.username
    usernames = {row[3] for row in world.commissions()}
    assert len(world.commissions()) == 2
    assert usernames == {winner_name}


@pytest.mark.django_db
def test_the_database_refuses_a_second_approved_claim_and_a_second_beneficiary(world):
    order = world.place((world.brand.lamp, 1))
    with tenant_scope(world.tenant):
        first = CommissionClaim.objects.create(
            tenant=world.tenant, guide=world.guide, order_id=order["id"], note="a", status=ClaimStatus.APPROVED
        )
        ClaimedLine.objects.create(tenant=world.tenant, claim=first, line_id=order["lines"][0]["id"])
        with pytest.raises(IntegrityError), transaction.atomic():
            CommissionClaim.objects.create(
                tenant=world.tenant,
                guide=world.other_guide,
                order_id=order["id"],
                note="b",
                status=ClaimStatus.APPROVED,
            )
        second = CommissionClaim.objects.create(
            tenant=world.tenant, guide=world.other_guide, order_id=order["id"], note="b"
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            ClaimedLine.objects.create(tenant=world.tenant, claim=second, line_id=order["lines"][0]["id"])
        assert ClaimedLine.objects.count() == 1
