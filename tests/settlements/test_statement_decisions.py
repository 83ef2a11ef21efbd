"""A statement's manager confirms or disputes it with a note; HQ answers a dispute; the history
keeps who did what and when (settlements.services.statements documents the states)."""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from settlements.models import Statement, StatementEvent
from tests.settlements.statement_world import World, settle

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(api):
    def call(world: World, user, statement: Statement, action: str, **body):
        return api(user, world.scenario.tenant).post(
            f"/api/v1/statements/{statement.pk}/{action}/", body, format="json"
        )

    return call


def _state(world: World, statement: Statement) -> tuple[str, str, str]:
    with tenant_scope(world.scenario.tenant):
        statement.refresh_from_db()
    return statement.status, statement.note, statement.answer


def test_a_dispute_needs_a_note(post, world):
    # when the manager disputes without a note, then 400 names `note` and nothing changes
    response = post(world, world.manager, world.franchise, "dispute", note="  ")
    assert response.status_code == 400
    assert response.json()["errors"] == {"note": ["Say what is wrong in a note."]}
    assert _state(world, world.franchise) == ("open", "", "")
    with tenant_scope(world.scenario.tenant):
        assert StatementEvent.objects.count() == 0


def test_dispute_answer_then_confirm_with_its_history(post, world):
    # when the manager disputes, HQ answers and the manager confirms
    disputed = post(world, world.manager, world.franchise, "dispute", note="Campaign B's visits look high")
    assert disputed.status_code == 200
    assert disputed.json()["status"] == "disputed"
    assert (
        post(world, world.hq, world.franchise, "answer", note="Checked: 2.5 visits, capped at 200.00").status_code
        == 200
    )
    confirmed = post(world, world.manager, world.franchise, "confirm")
    # then the statement is confirmed, keeps the note and HQ's answer, and its history says who and what
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["status"], body["note"], body["answer"]) == (
        "confirmed",
        "Campaign B's visits look high",
        "Checked: 2.5 visits, capped at 200.00",
    )
    assert [(e["action"], e["note"], e["by"]) for e in body["history"]] == [
        ("dispute", "Campaign B's visits look high", world.manager.username),
        ("answer", "Checked: 2.5 visits, capped at 200.00", world.hq.username),
        ("confirm", "", world.manager.username),
    ]


def test_the_conflicts_of_the_states(post, world):
    # a dispute HQ has not answered: neither confirmed nor disputed again
    post(world, world.manager, world.franchise, "dispute", note="wrong")
    again = post(world, world.manager, world.franchise, "dispute", note="still wrong")
    assert (again.status_code, again.json()["code"]) == (409, "dispute_unanswered")
    assert post(world, world.manager, world.franchise, "confirm").json()["code"] == "dispute_unanswered"
    # answered twice: 409; an open statement has nothing to answer
    post(world, world.hq, world.franchise, "answer", note="right")
    assert post(world, world.hq, world.franchise, "answer", note="right").json()["code"] == "no_open_dispute"
    assert post(world, world.hq, world.counter, "answer", note="?").json()["code"] == "no_open_dispute"
    # confirmed is final: confirming again changes nothing, disputing it is 409
    post(world, world.other_manager, world.counter, "confirm")
    assert post(world, world.other_manager, world.counter, "confirm").status_code == 200
    refused = post(world, world.other_manager, world.counter, "dispute", note="late")
    assert (refused.status_code, refused.json()["code"]) == (409, "statement_confirmed")
    assert _state(world, world.counter) == ("confirmed", "", "")
    with tenant_scope(world.scenario.tenant):
        assert list(StatementEvent.objects.order_by("pk").values_list("action", flat=True)) == [
            "dispute",
            "answer",
            "confirm",
        ]


def test_only_the_stores_manager_decides_and_only_hq_answers(post, world):
    # another store's manager: the statement does not exist for them; HQ and guides: not their role
    assert post(world, world.other_manager, world.franchise, "confirm").status_code == 404
    assert post(world, world.hq, world.franchise, "confirm").status_code == 403
    assert post(world, world.guide, world.franchise, "dispute", note="x").status_code == 403
    assert post(world, world.manager, world.franchise, "answer", note="x").status_code == 403
    assert _state(world, world.franchise) == ("open", "", "")


def test_a_preview_is_not_shown_to_the_store(post, world, api):
    # given HQ's dry run of the same month: its statements are not the manager's to see
    preview = settle(world.scenario, dry_run=True)
    with tenant_scope(world.scenario.tenant):
        statement = Statement.objects.get(run=preview, store=world.scenario.franchise)
    assert post(world, world.manager, statement, "confirm").status_code == 404
    assert api(world.hq, world.scenario.tenant).get(f"/api/v1/statements/{statement.pk}/export.csv").status_code == 200


@pytest.mark.parametrize("action", ["confirm", "dispute"])
def test_a_decision_reads_a_fixed_number_of_queries(post, world, django_assert_num_queries, action):
    with django_assert_num_queries(QUERIES[action]):
        assert post(world, world.manager, world.franchise, action, note="n").status_code == 200


QUERIES = {"confirm": 21, "dispute": 21}  # auth and scope, lock, write, history, the answer
