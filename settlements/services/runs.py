"""Settlement runs (rules.md 5.5): started once per brand and period, executed by a worker,
posted in one transaction, closed by HQ.

- `start_run` returns the brand's run of the period, creating and enqueueing it when there is none:
  the partial unique constraint holds one real run per brand and period, and an advisory lock per
  brand (PostgreSQL) serialises two schedulers so that neither sees the other's constraint error.
  A real run of a period overlapping another run's is refused. A dry run replaces the period's
  previous dry runs.
- `execute_run` reads the inputs (a fixed number of set-based queries), computes the statements
  (a pure function), then writes statements, lines, postings and the status `done` in ONE
  transaction: a worker killed mid-run leaves nothing half-posted, and the retry (acks_late)
  starts again from the same inputs and ends with the same statements. A run already done returns
  as it is (no new postings).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.db import insert_rows
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from settlements.commissions import make_payable, mark_commissions_paid
from settlements.computation import LINE_DESCRIPTIONS, StatementData, compute_statements, run_totals
from settlements.models import LineKind, RunStatus, SettlementRun, Statement, StatementLine
from settlements.selectors.inputs import Rules, gather_inputs
from settlements.services.ledger import post_entries
from settlements.services.posting import statement_entries

FINISHED = (RunStatus.DONE, RunStatus.CLOSED)
LOCK_NAMESPACE = 0x5E77  # pg_advisory_xact_lock(namespace, tenant id): one brand's runs at a time


def lock_brand_runs(tenant: Tenant) -> None:
    """Serialise run creation for `tenant` until the transaction ends (PostgreSQL; SQLite
    serialises writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tenant.pk])


def _validate_period(tenant: Tenant, start: dt.date, end: dt.date, *, dry_run: bool) -> None:
    if end <= start:
        raise InvalidInput("period_end", _("The period must end after it starts."))
    today = timezone.now().astimezone(ZoneInfo(tenant.timezone)).date()
    if not dry_run and end > today:
        raise InvalidInput("period_end", _("A period is settled once it has ended; preview it with a dry run."))


def _enqueue(tenant: Tenant, run: SettlementRun) -> None:
    from settlements.tasks import execute_run_task

    execute_run_task.delay_on_commit(tenant_id=tenant.pk, run_id=run.pk)


@transaction.atomic
def start_run(
    *, tenant: Tenant, period_start: dt.date, period_end: dt.date, dry_run: bool = False
) -> tuple[SettlementRun, bool]:
    """The brand's run of `[period_start, period_end)` and whether it was created now (and
    enqueued). The same period again returns the same run; a failed run is queued again."""
    _validate_period(tenant, period_start, period_end, dry_run=dry_run)
    lock_brand_runs(tenant)
    period = {"tenant": tenant, "period_start": period_start, "period_end": period_end}
    if dry_run:
        SettlementRun.objects.filter(**period, dry_run=True).delete()
        run = SettlementRun.objects.create(**period, dry_run=True)
        _enqueue(tenant, run)
        return run, True
    existing = SettlementRun.objects.select_for_update().filter(**period, dry_run=False).first()
    if existing is not None:
        if existing.status == RunStatus.FAILED:
            existing.status, existing.error, existing.progress = RunStatus.QUEUED, "", 0
            existing.save(update_fields=["status", "error", "progress"])
            _enqueue(tenant, existing)
        return existing, False
    if SettlementRun.objects.filter(
        tenant=tenant, dry_run=False, period_start__lt=period_end, period_end__gt=period_start
    ).exists():
        raise Conflict(_("This period overlaps a period already settled."), code="period_overlaps")
    try:
        with transaction.atomic():
            run = SettlementRun.objects.create(**period, dry_run=False)
    except IntegrityError:  # a scheduler without the lock (SQLite) got there first
        return SettlementRun.objects.get(**period, dry_run=False), False
    _enqueue(tenant, run)
    return run, True


def _set_progress(*, tenant: Tenant, run: SettlementRun, progress: int, **fields: object) -> None:
    """The run's progress (and other fields), in its own step: committed at once when the caller
    is in no transaction (a worker), so HQ's page sees it while the run goes on."""
    with tenant_scope(tenant):
        SettlementRun.objects.filter(tenant=tenant, pk=run.pk).update(progress=progress, **fields)


def execute_run(
    *, tenant: Tenant, run_id: int, commissions: Mapping[int, Decimal], commission_ids: Sequence[int] = ()
) -> SettlementRun:
    """Compute and post run `run_id` (NotFound when it is gone: a dry run replaced meanwhile).
    `commissions`: the guides' commissions the run makes payable, per store; `commission_ids`:
    those commissions, made payable in the posting transaction of a real run
    (`settlements.commissions.commissions_for_run` gives both). Safe to run twice.

    Each step is its own tenant scope: from a worker (no enclosing transaction) the run's
    `running` and progress are committed as it goes, the posting is one transaction of its own,
    and a failure is recorded as `failed` after the failed step rolled back; inside a caller's
    transaction (a request, a test) the steps are savepoints of it."""
    with tenant_scope(tenant):
        run = SettlementRun.objects.filter(tenant=tenant, pk=run_id).first()
    if run is None:
        raise NotFound(f"settlement run {run_id} is gone")
    if run.status in FINISHED:
        return run
    _set_progress(tenant=tenant, run=run, progress=5, status=RunStatus.RUNNING, error="")
    try:
        with tenant_scope(tenant):
            inputs = gather_inputs(tenant=tenant, start=run.period_start, end=run.period_end, commissions=commissions)
        _set_progress(tenant=tenant, run=run, progress=60)
        statements = compute_statements(inputs)
        _set_progress(tenant=tenant, run=run, progress=80)
        with tenant_scope(tenant):
            return _write(
                tenant=tenant,
                run_id=run.pk,
                statements=statements,
                totals=run_totals(inputs, statements),
                commission_ids=tuple(commission_ids),
            )
    except Exception as exc:
        with tenant_scope(tenant):
            SettlementRun.objects.filter(tenant=tenant, pk=run.pk).exclude(status__in=FINISHED).update(
                status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
            )
        raise


@transaction.atomic
def _write(
    *,
    tenant: Tenant,
    run_id: int,
    statements: list[StatementData],
    totals: dict[str, object],
    commission_ids: tuple[int, ...] = (),
) -> SettlementRun:
    """Statements, lines, entries and the run's `done`, all or nothing (a constant number of
    queries, whatever the number of stores)."""
    run = SettlementRun.objects.select_for_update().get(tenant=tenant, pk=run_id)
    if run.status in FINISHED:  # another worker finished it meanwhile
        return run
    Statement.objects.filter(tenant=tenant, run=run).delete()
    saved = Statement.objects.bulk_create(
        [Statement(tenant=tenant, run=run, store_id=statement.store_id, net=statement.net) for statement in statements]
    )
    by_store = {statement.store_id: statement for statement in saved}
    insert_rows(
        StatementLine,
        ["tenant_id", "statement_id", "kind", "description", "amount", "counts", "data", "position"],
        [
            (
                tenant.pk,
                by_store[statement.store_id].pk,
                line.kind,
                str(LINE_DESCRIPTIONS[LineKind(line.kind)]),
                line.amount,
                line.counts,
                json.dumps(line.data, cls=DjangoJSONEncoder),
                position,
            )
            for statement in statements
            for position, line in enumerate(statement.lines)
        ],
    )
    if not run.dry_run:
        label = f"Settlement {run.period_start}..{run.period_end}"
        post_entries(tenant=tenant, entries=statement_entries(statements, by_store, label=label), run=run)
        make_payable(tenant=tenant, run=run, ids=commission_ids)
    run.status, run.totals, run.progress, run.finished_at = RunStatus.DONE, totals, 100, timezone.now()
    run.save(update_fields=["status", "totals", "progress", "finished_at"])
    return run


@transaction.atomic
def close_run(*, tenant: Tenant, run: SettlementRun) -> SettlementRun:
    """Close a done run: its commissions become paid (`mark_commissions_paid`); its period is never
    re-opened. Closing a closed run changes nothing; a dry, unfinished or failed run is a Conflict."""
    locked = SettlementRun.objects.select_for_update().get(tenant=tenant, pk=run.pk)
    if locked.status == RunStatus.CLOSED:
        return locked
    if locked.dry_run or locked.status != RunStatus.DONE:
        raise Conflict(_("Only a finished settlement run can be closed."), code="run_not_done")
    mark_commissions_paid(tenant=tenant, run=locked)
    locked.status, locked.closed_at = RunStatus.CLOSED, timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    return locked


__all__ = ["Rules", "close_run", "execute_run", "lock_brand_runs", "start_run"]
