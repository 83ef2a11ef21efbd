"""The ledger's invariants held by PostgreSQL itself, as the application role: an unbalanced entry
fails at commit, posted entries and postings are never updated nor deleted, and two runs of one
period started at the same moment make one run."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, ProgrammingError, connection, transaction

from o2o.tenancy import tenant_scope
from settlements.models import Account, AccountKind, JournalEntry, Posting, SettlementRun
from settlements.selectors.ledger import balances
from settlements.services.ledger import EntryInput, PostingInput, UnbalancedEntry, post_entries, reverse_entry
from settlements.services.runs import start_run
from tests.settlements.scenario import MAY, build_scenario

pytestmark = pytest.mark.postgres
DENIED = "permission denied for table"


def balanced_entry(tenant) -> JournalEntry:
    entry = EntryInput(
        description="HQ moves 10.00",
        postings=[
            PostingInput((AccountKind.HQ, None), Decimal("10.00")),
            PostingInput((AccountKind.SALES_CLEARING, None), Decimal("-10.00")),
        ],
    )
    return post_entries(tenant=tenant, entries=[entry])[0]


@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_entry_fails_at_commit_and_leaves_nothing(tenant, pg):
    # given a balanced entry posted
    with tenant_scope(tenant):
        entry = balanced_entry(tenant)
        hq = Account.objects.get(kind=AccountKind.HQ)
    # when a posting that unbalances it is inserted directly (past the service's own check)
    inserted: list[int] = []

    def unbalance() -> None:
        with tenant_scope(tenant):
            Posting.objects.create(tenant=tenant, entry=entry, account=hq, amount=Decimal("0.01"))
            # the insert itself passes: the check is deferred to the commit
            inserted.append(Posting.objects.filter(entry=entry).count())

    with pytest.raises(IntegrityError, match=f"journal entry {entry.pk} does not balance"):
        unbalance()
    assert inserted == [3]
    # then the commit failed and the entry is as posted
    with tenant_scope(tenant):
        assert sorted(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == [
            Decimal("-10.00"),
            Decimal("10.00"),
        ]
    # and the service refuses an unbalanced entry before it reaches the database
    with pytest.raises(UnbalancedEntry), tenant_scope(tenant):
        post_entries(
            tenant=tenant,
            entries=[EntryInput("lopsided", [PostingInput((AccountKind.HQ, None), Decimal("1.00"))])],
        )


@pytest.mark.django_db
def test_posted_entries_and_postings_are_never_updated_nor_deleted_by_the_application(tenant, pg):
    with tenant_scope(tenant):
        entry = balanced_entry(tenant)
    with tenant_scope(tenant):
        posting_pk = Posting.objects.filter(entry=entry).values_list("pk", flat=True)[0]
    for statement, table in (
        (lambda: Posting.objects.filter(pk=posting_pk).update(amount=Decimal("99.00")), "settlements_posting"),
        (lambda: Posting.objects.filter(pk=posting_pk).delete(), "settlements_posting"),
        (lambda: JournalEntry.objects.filter(pk=entry.pk).update(description="forged"), "settlements_journalentry"),
        (lambda: JournalEntry.objects.filter(pk=entry.pk)._raw_delete(connection.alias), "settlements_journalentry"),
    ):
        with pytest.raises(ProgrammingError, match=f"{DENIED} {table}"), tenant_scope(tenant):
            statement()
    # and a correction is a reversing entry: the balances come back to zero, both entries kept
    with tenant_scope(tenant):
        reversal = reverse_entry(tenant=tenant, entry=entry)
        assert sorted(Posting.objects.filter(entry=reversal).values_list("amount", flat=True)) == [
            Decimal("-10.00"),
            Decimal("10.00"),
        ]
        assert set(balances(tenant=tenant).values()) == {Decimal("0.00")}
        assert JournalEntry.objects.count() == 2
        with pytest.raises(DatabaseError), transaction.atomic():  # reversed once, by the constraint
            JournalEntry.objects.create(tenant=tenant, description="again", reverses=entry)


def test_two_runs_of_a_period_started_at_the_same_moment_make_one_run(tenant, run_concurrently):
    scenario = build_scenario(tenant)

    def start():
        with tenant_scope(scenario.tenant):
            run, created = start_run(tenant=scenario.tenant, period_start=MAY[0], period_end=MAY[1])
            return run.pk, created

    results = run_concurrently(6, start)
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    with tenant_scope(tenant):
        assert SettlementRun.objects.filter(dry_run=False).count() == 1
