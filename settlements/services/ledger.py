"""Writes to the double-entry ledger: accounts, balanced entries, reversing entries.

Entries are only ever inserted. Each entry's postings must sum to zero: checked here before the
insert (the only check on SQLite) and by PostgreSQL at commit (a deferred constraint trigger,
migration 0002). A posted entry is never changed: `reverse_entry` posts its mirror image.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.db import insert_rows
from o2o.errors import Conflict
from o2o.models import Tenant
from settlements.models import BRAND_ACCOUNTS, Account, AccountKind, JournalEntry, Posting, SettlementRun, Statement

AccountKey = tuple[str, int | None]  # (kind, store id) ; brand accounts have None


class UnbalancedEntry(Conflict):
    code = "unbalanced_entry"


@dataclass(frozen=True)
class PostingInput:
    account: AccountKey
    amount: Decimal
    memo: str = ""


@dataclass(frozen=True)
class EntryInput:
    description: str
    postings: Sequence[PostingInput]
    statement: Statement | None = None


def check_balanced(postings: Iterable[PostingInput | Posting], *, description: str) -> None:
    total = sum((posting.amount for posting in postings), Decimal(0))
    if total != 0:
        raise UnbalancedEntry(f"the entry {description!r} does not balance: its postings sum to {total}")


def ensure_accounts(*, tenant: Tenant, keys: Iterable[AccountKey]) -> dict[AccountKey, Account]:
    """The brand's accounts for `keys`, created when missing (three queries, however many keys;
    a concurrent creation is absorbed by the unique constraints)."""
    wanted = set(keys) | {(kind, None) for kind in BRAND_ACCOUNTS}

    def existing() -> dict[AccountKey, Account]:
        stores = sorted(store for kind, store in wanted if store is not None)
        rows = Account.objects.filter(
            Q(store__isnull=True, guide__isnull=True) | Q(kind=AccountKind.STORE_OPERATOR, store_id__in=stores),
            tenant=tenant,
        )
        return {(account.kind, account.store_id): account for account in rows}

    found = existing()
    missing = sorted(wanted - set(found), key=lambda key: (key[0], key[1] or 0))
    if not missing:
        return found
    Account.objects.bulk_create(
        [Account(tenant=tenant, kind=kind, store_id=store) for kind, store in missing], ignore_conflicts=True
    )
    return existing()


@transaction.atomic
def post_entries(
    *, tenant: Tenant, entries: Sequence[EntryInput], run: SettlementRun | None = None
) -> list[JournalEntry]:
    """Post `entries` (each balanced, else UnbalancedEntry and nothing posted): a constant number
    of queries, however many entries."""
    for entry in entries:
        check_balanced(entry.postings, description=entry.description)
    accounts = ensure_accounts(tenant=tenant, keys=(p.account for entry in entries for p in entry.postings))
    now = timezone.now()
    created = JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                tenant=tenant, posted_at=now, description=entry.description, run=run, statement=entry.statement
            )
            for entry in entries
        ]
    )
    insert_rows(
        Posting,
        ["tenant_id", "entry_id", "account_id", "amount", "memo"],
        [
            (tenant.pk, journal.pk, accounts[p.account].pk, p.amount, p.memo)
            for journal, entry in zip(created, entries, strict=True)
            for p in entry.postings
        ],
    )
    return created


@transaction.atomic
def reverse_entry(*, tenant: Tenant, entry: JournalEntry, description: str = "") -> JournalEntry:
    """Post the mirror image of `entry` (every posting negated), naming it in `reverses`. An entry
    is reversed once (Conflict otherwise; the database holds it too)."""
    if JournalEntry.objects.filter(tenant=tenant, reverses=entry).exists():
        raise Conflict(_("Journal entry %(entry)s is already reversed.") % {"entry": entry.pk}, code="already_reversed")
    postings = list(Posting.objects.filter(tenant=tenant, entry=entry).order_by("pk"))
    reversal = JournalEntry.objects.create(
        tenant=tenant,
        description=description or f"Reversal of entry {entry.pk}: {entry.description}"[:200],
        run=entry.run,
        statement=entry.statement,
        reverses=entry,
    )
    mirrored = [
        Posting(tenant=tenant, entry=reversal, account_id=p.account_id, amount=-p.amount, memo=p.memo) for p in postings
    ]
    check_balanced(mirrored, description=reversal.description)
    Posting.objects.bulk_create(mirrored)
    return reversal
