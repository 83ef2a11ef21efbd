"""How a statement is posted: one balanced journal entry per store statement of a run.

For each line that counts (rules.md 5.4), the store operator's account takes the line's amount
and a clearing account the opposite:

    store share   store_operator(S) +share        sales_clearing       -share
    TAC           store_operator(S) -tac          tac_clearing         +tac
    commission    store_operator(S) -commission   commission_clearing  +commission

so the store operator's postings of a run sum to the statement's net (positive: HQ owes the store),
and each entry sums to zero. Lines shown for information only (net sales, a TAC or commission HQ
bears) and zero amounts post nothing; a statement with nothing to post gets no entry. Settling the
clearing accounts (cash, campaign spend, paying guides) is outside the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from settlements.computation import StatementData
from settlements.models import AccountKind, LineKind, Statement
from settlements.services.ledger import EntryInput, PostingInput

CLEARING = {
    LineKind.STORE_SHARE: AccountKind.SALES_CLEARING,
    LineKind.TAC: AccountKind.TAC_CLEARING,
    LineKind.COMMISSION: AccountKind.COMMISSION_CLEARING,
}


def statement_entries(
    statements: Iterable[StatementData], saved: Mapping[int, Statement], *, label: str
) -> list[EntryInput]:
    """The entries of a run's statements (`saved`: the statement rows by store id)."""
    entries = []
    for statement in statements:
        postings: list[PostingInput] = []
        for line in statement.lines:
            if not line.counts or line.amount == 0 or line.kind not in CLEARING:
                continue
            postings.append(PostingInput((AccountKind.STORE_OPERATOR, statement.store_id), line.amount, line.kind))
            postings.append(PostingInput((CLEARING[LineKind(line.kind)], None), -line.amount, line.kind))
        if postings:
            entries.append(
                EntryInput(
                    description=f"{label}: store {statement.store_id}"[:200],
                    postings=postings,
                    statement=saved[statement.store_id],
                )
            )
    return entries
