"""A settlement run survives its worker killed (SIGKILL) inside the posting transaction: on a real
Celery worker consuming from a Redis of the test's own.

The worker loads tests/integration/settlement_hooks.py, which holds `_write`'s transaction after
the statements, lines, entries and postings are inserted and before the commit. Killed there,
nothing of the run is posted; a fresh worker given the run again ends it done with the statements
and postings of an undisturbed run of the same inputs (the hand-worked month of
tests/settlements/scenario.py, settled in a second brand).

The killed worker's message itself would come back only after the broker's visibility timeout
(ten minutes); the retry here is the run enqueued again (what `start_run` of a failed run, HQ's
button or beat would do). Either way `execute_run` starts again from the inputs.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from settlements.models import JournalEntry, Posting, RunStatus, SettlementRun, Statement, StatementLine
from settlements.services.runs import start_run
from settlements.tasks import execute_run_task
from tests.integration.processes import START_SECONDS, Process, RedisServer, app_env, free_port, start, wait_for
from tests.settlements.scenario import MAY, build_scenario

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.usefixtures("transactional_db"),  # the worker sees what the test commits
]

# a run of the scenario takes well under a second; a worker's start is seconds more on a loaded machine
RUN_SECONDS = 90


@pytest.fixture
def notes() -> Iterator[Path]:
    """Where the hook notes the posting transactions it saw."""
    with tempfile.TemporaryDirectory(prefix="o2o-settlement-") as directory:
        yield Path(directory)


@pytest.fixture
def producer(own_redis: RedisServer) -> Iterator[Celery]:
    """A Celery client of the test's Redis (not the current app: the test process stays eager)."""
    app = Celery("o2o-test-producer", broker=own_redis.url(), set_as_current=False)
    app.conf.update(task_serializer="json", accept_content=["json"])
    try:
        yield app
    finally:
        app.close()


def start_worker(redis_url: str, notes: Path, *, hold: bool) -> Process:
    """`celery -A o2o worker` (solo) with the hook loaded; holding its posting transaction when `hold`."""
    command = [sys.executable, "-m", "celery", "-A", "o2o", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", f"--hostname=test-{free_port()}@%h"]
    command += ["--include", "tests.integration.settlement_hooks"]
    env = app_env(redis_url, O2O_TEST_SETTLEMENT_DIR=str(notes), O2O_TEST_HOLD_POSTING="1" if hold else "")
    worker = start("celery-worker", command, env=env)
    wait_for(lambda: "ready." in worker.log() or not worker.running(), seconds=START_SECONDS, what="worker ready")
    assert worker.running(), worker.log()
    return worker


def enqueue(producer: Celery, tenant: Tenant, run: SettlementRun) -> None:
    producer.send_task(execute_run_task.name, kwargs={"tenant_id": tenant.pk, "run_id": run.pk})


def new_run(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> SettlementRun:
    """The brand's run of May, created and committed without enqueueing it here (the test does)."""
    monkeypatch.setattr("settlements.services.runs._enqueue", lambda tenant, run: None)
    with tenant_scope(tenant):
        run, created = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1])
    assert created
    return run


def posted(tenant: Tenant, run: SettlementRun) -> dict[str, Any]:
    """What the run wrote, without ids: its status, statements and lines per store code, its
    entries' postings (entry's store, account kind and store, amount), and its totals."""
    with tenant_scope(tenant):
        run.refresh_from_db()
        statements = {
            row["store__code"]: (str(row["net"]), row["status"])
            for row in Statement.objects.filter(run=run).values("store__code", "net", "status")
        }
        lines = sorted(
            (row["statement__store__code"], row["position"], row["kind"], str(row["amount"]), row["counts"])
            for row in StatementLine.objects.filter(statement__run=run).values(
                "statement__store__code", "position", "kind", "amount", "counts"
            )
        )
        postings = sorted(
            (
                row["entry__statement__store__code"],
                row["account__kind"],
                row["account__store__code"] or "",
                str(row["amount"]),
            )
            for row in Posting.objects.filter(entry__run=run).values(
                "entry__statement__store__code", "account__kind", "account__store__code", "amount"
            )
        )
        return {
            "status": run.status,
            "statements": statements,
            "lines": lines,
            "entries": JournalEntry.objects.filter(run=run).count(),
            "postings": postings,
            "totals": run.totals,
        }


def test_a_worker_killed_inside_the_posting_transaction_posts_nothing_and_the_retry_settles_as_undisturbed(
    tenant, other_tenant, own_redis, workers, notes, producer, monkeypatch
):
    # given the hand-worked month in two brands (no guide commissions: the task reads none), and in
    # brand B its run settled undisturbed: F 1932.00 share - 233.33 TAC = 1698.67
    build_scenario(tenant)
    build_scenario(other_tenant)
    undisturbed_run = new_run(other_tenant, monkeypatch)
    assert execute_run_task.run(tenant_id=other_tenant.pk, run_id=undisturbed_run.pk) == RunStatus.DONE
    undisturbed = posted(other_tenant, undisturbed_run)
    assert (undisturbed["status"], undisturbed["statements"]) == (
        RunStatus.DONE,
        {"D": ("0.00", "open"), "F": ("1698.67", "open"), "C": ("246.91", "open")},
    )
    # (one entry per statement with something to post: D's lines all stay with HQ)
    assert (undisturbed["entries"], len(undisturbed["lines"])) == (2, 12)
    assert undisturbed["postings"] == [
        ("C", "sales_clearing", "", "-246.91"),
        ("C", "store_operator", "C", "246.91"),
        ("F", "sales_clearing", "", "-1932.00"),
        ("F", "store_operator", "F", "-233.33"),
        ("F", "store_operator", "F", "1932.00"),
        ("F", "tac_clearing", "", "233.33"),
    ]
    # and brand A's run of the same month, sent to a real worker that holds its posting transaction
    run = new_run(tenant, monkeypatch)
    first = start_worker(own_redis.url(), notes, hold=True)
    workers.append(first)
    enqueue(producer, tenant, run)
    # when the worker is killed (SIGKILL: no rollback of its own, no acknowledgement) once the
    # statements, lines, entries and postings are inserted and before the commit
    seen = wait_for(
        lambda: list(notes.glob(f"posting-{run.pk}-*")), seconds=RUN_SECONDS, what="the posting", logs=first.log
    )
    assert seen == [notes / f"posting-{run.pk}-{first.process.pid}"]
    first.kill()
    # then nothing of the run is posted: no statement, line, entry or posting, and the run is not
    # done: HQ sees it running at 80% (the progress is committed step by step; the posting
    # transaction died with the worker)
    assert posted(tenant, run) == {
        "status": RunStatus.RUNNING,
        "statements": {},
        "lines": [],
        "entries": 0,
        "postings": [],
        "totals": {},
    }
    assert run.progress == 80
    # when a fresh worker gets the run again
    second = start_worker(own_redis.url(), notes, hold=False)
    workers.append(second)
    enqueue(producer, tenant, run)
    # then the run ends done, with exactly the statements, lines and postings of the undisturbed run
    wait_for(
        lambda: posted(tenant, run)["status"] == RunStatus.DONE,
        seconds=RUN_SECONDS,
        what="the run done",
        logs=second.log,
    )
    assert posted(tenant, run) == undisturbed
    with tenant_scope(tenant):
        run.refresh_from_db()
        assert run.reconciliation["ok"] is True
    # and it was posted once more, by the fresh worker
    assert sorted(path.name for path in notes.iterdir()) == sorted(
        [f"posting-{run.pk}-{first.process.pid}", f"posting-{run.pk}-{second.process.pid}"]
    )
