"""A statement's decisions (rules.md 5; api.md Settlement): its store manager confirms or disputes
it, HQ answers a dispute. Each step is kept in the statement's history (`StatementEvent`: who,
when, the note).

The states, decided here:
- `open` -> confirmed (confirm) or disputed (dispute, a note required);
- `disputed` and not yet answered: HQ answers (the answer is kept with the statement); the manager
  may neither confirm nor dispute again until then (409 `dispute_unanswered`);
- `disputed` and answered: the manager confirms (accepting the answer) or disputes again (a new
  round, HQ answers again);
- `confirmed` is final: disputing it is 409 `statement_confirmed`; confirming it again changes
  nothing.
A statement of a dry run (HQ's preview) is neither confirmed nor disputed (409 `statement_preview`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.errors import Conflict, Forbidden, InvalidInput
from o2o.models import Tenant, User
from o2o.tenancy.actor import Actor
from settlements import policies
from settlements.models import Statement, StatementAction, StatementEvent, StatementStatus

NOTE_MAX = 2000


def _locked(tenant: Tenant, statement: Statement) -> Statement:
    return Statement.objects.select_for_update().select_related("run").get(tenant=tenant, pk=statement.pk)


def _note(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise InvalidInput("note", _("Say what is wrong in a note."))
    if len(text) > NOTE_MAX:
        raise InvalidInput("note", _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX})
    return text


def _record(tenant: Tenant, statement: Statement, action: str, note: str, by: User | None) -> None:
    StatementEvent.objects.create(tenant=tenant, statement=statement, action=action, note=note, by=by)


def _decider(actor: Actor, statement: Statement) -> None:
    if not policies.can_decide_statement(actor, statement):
        raise Forbidden(_("Only the manager of this store confirms or disputes its statement."))
    if statement.run.dry_run:
        raise Conflict(_("A preview is not a statement to confirm or dispute."), code="statement_preview")


@transaction.atomic
def confirm_statement(*, tenant: Tenant, statement: Statement, actor: Actor) -> Statement:
    """The store manager accepts the statement (open, or disputed and answered by HQ).
    Confirming a confirmed statement changes nothing. Conflict while a dispute awaits HQ."""
    locked = _locked(tenant, statement)
    _decider(actor, locked)
    if locked.status == StatementStatus.CONFIRMED:
        return locked
    if locked.status == StatementStatus.DISPUTED and locked.answered_at is None:
        raise Conflict(_("HQ has not answered the dispute yet."), code="dispute_unanswered")
    locked.status = StatementStatus.CONFIRMED
    locked.save(update_fields=["status"])
    _record(tenant, locked, StatementAction.CONFIRM, "", actor.signed_in_user)
    return locked


@transaction.atomic
def dispute_statement(*, tenant: Tenant, statement: Statement, actor: Actor, note: str | None) -> Statement:
    """The store manager disputes the statement with a note (required: InvalidInput naming `note`).
    Conflict when it is confirmed, or when a dispute already awaits HQ's answer."""
    locked = _locked(tenant, statement)
    _decider(actor, locked)
    text = _note(note)
    if locked.status == StatementStatus.CONFIRMED:
        raise Conflict(_("A confirmed statement cannot be disputed."), code="statement_confirmed")
    if locked.status == StatementStatus.DISPUTED and locked.answered_at is None:
        raise Conflict(_("HQ has not answered the dispute yet."), code="dispute_unanswered")
    locked.status, locked.note, locked.answer, locked.answered_at = StatementStatus.DISPUTED, text, "", None
    locked.save(update_fields=["status", "note", "answer", "answered_at"])
    _record(tenant, locked, StatementAction.DISPUTE, text, actor.signed_in_user)
    return locked


@transaction.atomic
def answer_dispute(*, tenant: Tenant, statement: Statement, actor: Actor, note: str | None) -> Statement:
    """HQ answers the statement's open dispute (a note required); the answer is kept with the
    statement, which stays disputed until its manager confirms it or disputes it again.
    Conflict when it is not disputed or already answered."""
    if not policies.can_answer_dispute(actor):
        raise Forbidden(_("Only HQ answers a dispute."))
    locked = _locked(tenant, statement)
    text = _note(note)
    if locked.status != StatementStatus.DISPUTED or locked.answered_at is not None:
        raise Conflict(_("This statement has no dispute waiting for an answer."), code="no_open_dispute")
    locked.answer, locked.answered_at = text, timezone.now()
    locked.save(update_fields=["answer", "answered_at"])
    _record(tenant, locked, StatementAction.ANSWER, text, actor.signed_in_user)
    return locked
