"""A real Celery worker (a `celery -A o2o worker` process) consuming from Redis runs tenant tasks
back to back on one pooled database connection: each sees exactly its own brand, nothing carries
over to the next task, and a task without a known tenant fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import redis
from celery import Celery
from celery.result import AsyncResult
from django.conf import settings

from o2o.choices import Role
from tests.integration.processes import database_url
from tests.integration.tasks import report_tenant_view_task, report_unscoped_view_task

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("celery_worker")]

BASE_DIR = Path(__file__).resolve().parents[2]
# The first result waits for the worker to start (import Django and Celery, connect to Redis and
# PostgreSQL), which takes seconds on a quiet machine and many more on a loaded one; a result
# that does come is read at once, so a generous deadline costs a passing run nothing.
WAIT_SECONDS = 120


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path
    producer: Celery

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def send(self, task: Any, **kwargs: Any) -> AsyncResult:
        return self.producer.send_task(task.name, kwargs=kwargs, queue=self.queue)

    def outcome(self, result: AsyncResult) -> Any:
        """The task's return value, or the exception it raised, as the result backend tells."""
        deadline = time.monotonic() + WAIT_SECONDS
        while not result.ready():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no result from the worker within {WAIT_SECONDS}s:\n{self.log()}")
            time.sleep(0.02)
        value = result.get(propagate=False)
        result.forget()
        return value


@pytest.fixture(scope="module")
def _worker(django_db_setup: None) -> Iterator[Worker]:
    """A `celery -A o2o worker` process on the test database and Redis, stopped after the module.

    One solo process, so the tasks run one after the other on one database connection, kept open
    between tasks (CONN_MAX_AGE) the way a pooled connection is. Its own queue, so nothing else
    feeds it.
    """
    redis_url = settings.O2O_TEST_REDIS_URL  # type: ignore[misc]  # a setting of tests/settings.py only
    queue = f"o2o-test-{uuid.uuid4().hex[:12]}"
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_OWNER_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "o2o",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--include",
            "tests.integration.tasks",
            "--hostname",
            f"{queue}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # not the current app: shared tasks elsewhere in this process must stay on the eager test app
    producer = Celery("o2o-test-producer", broker=redis_url, backend=redis_url, set_as_current=False)
    producer.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_accept_content=["json"],
    )
    try:
        yield Worker(process=process, queue=queue, log_path=Path(log.name), producer=producer)
    finally:
        process.terminate()  # a warm shutdown: the worker finishes its task and closes its connection
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        producer.close()
        client = redis.Redis.from_url(redis_url)
        client.delete(queue)
        for binding in client.scan_iter("_kombu.binding.*"):
            for member in cast(set[bytes], client.smembers(binding)):
                if queue.encode() in member:
                    client.srem(binding, member)
        client.close()
        log.close()
        os.unlink(log.name)


@pytest.fixture
def worker(_worker: Worker, transactional_db: None) -> Worker:
    """The module's worker; the test's rows are committed, so the worker's connection sees them."""
    return _worker


def test_a_real_worker_runs_tenant_tasks_back_to_back_each_seeing_only_its_brand(
    worker, tenant, other_tenant, make_user
):
    # given three roles in brand A and one in brand B, committed
    make_user(tenant, Role.HQ_ADMIN, Role.HQ_STAFF, username="ann")
    make_user(tenant, Role.CONSUMER, username="cid")
    make_user(other_tenant, Role.CONSUMER, username="bob")
    # when tasks for A, B and A again, then a task outside any tenant, then B once more are queued
    # back to back; each reads the roles table with no filter of its own
    sent = [
        worker.send(report_tenant_view_task, tenant_id=tenant.pk),
        worker.send(report_tenant_view_task, tenant_id=other_tenant.pk),
        worker.send(report_tenant_view_task, tenant_id=tenant.pk),
        worker.send(report_unscoped_view_task),
        worker.send(report_tenant_view_task, tenant_id=other_tenant.pk),
    ]
    seen = [worker.outcome(result) for result in sent]
    # then all ran on one backend of the restricted role, each saw exactly its own brand's rows,
    # and the unscoped task after them saw no tenant and no row: nothing carried over
    pid = seen[0]["backend_pid"]
    alpha = {
        "tenant": "alpha",
        "tenant_setting": str(tenant.pk),
        "backend_pid": pid,
        "db_user": settings.O2O_DB_APP_ROLE,
        "roles": 3,
        "role_tenants": [tenant.pk],
    }
    beta = {
        **alpha,
        "tenant": "beta",
        "tenant_setting": str(other_tenant.pk),
        "roles": 1,
        "role_tenants": [other_tenant.pk],
    }
    unscoped = {**alpha, "tenant": None, "tenant_setting": "", "roles": 0, "role_tenants": []}
    assert seen == [alpha, beta, alpha, unscoped, beta]


def test_a_real_worker_fails_a_tenant_task_without_a_tenant_or_with_an_unknown_one(worker, tenant, make_user):
    # given a brand with a role
    make_user(tenant, Role.HQ_ADMIN, username="ann")
    # when a tenant task is queued without tenant_id, then for a tenant that does not exist, then
    # properly
    sent = [
        worker.send(report_tenant_view_task),
        worker.send(report_tenant_view_task, tenant_id=999_999_999),
        worker.send(report_tenant_view_task, tenant_id=tenant.pk),
    ]
    without, unknown, proper = [worker.outcome(result) for result in sent]
    # then the first two failed before touching any row, and the worker went on serving
    assert (type(without).__name__, str(without)) == (
        "MissingTenant",
        "report_tenant_view_task needs tenant_id= (and keyword arguments only)",
    )
    assert (type(unknown).__name__, str(unknown)) == ("Http404", "No tenant 999999999")
    assert (proper["tenant"], proper["roles"], proper["role_tenants"]) == ("alpha", 1, [tenant.pk])
