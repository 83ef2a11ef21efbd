"""A domain event survives a worker killed (SIGKILL) after the commit and before its delivery is
done: on real processes (gunicorn, Celery workers with beat) and a Redis of the test's own.

The killed worker's message comes back only after the broker's visibility timeout (ten minutes);
the delivery row says it is still pending, so beat's sweep (o2o.events) enqueues it again as soon
as a worker runs, and it is delivered once.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from members.models import Member
from o2o.events.models import Delivery
from o2o.schedules import EVENTS_SWEEP
from o2o.tenancy import tenant_scope
from tests.integration.processes import (
    START_SECONDS,
    Process,
    RedisServer,
    Web,
    app_env,
    free_port,
    start,
    start_web,
    wait_for,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.usefixtures("transactional_db"),  # the processes see what the test commits
]

SIGNUP = {"phone": "13800138000", "password": "Str0ng-pass-2026", "name": "Li Lei"}
# a delivery is seen within seconds once beat sweeps every second; a worker's start is seconds more
# on a loaded machine
DELIVERY_SECONDS = 60
# the test handler's key (tests/integration/event_handlers.py, loaded by the test's web process and
# workers: not imported here, where it would handle every sign-up of the suite)
KEY = "tests.integration.slow_crm"
# the platform's own handlers of the sign-up
STITCH, MEMBERSHIP = "attribution.stitch_on_sign_up", "members.membership_on_sign_up"


@pytest.fixture
def web(own_redis: RedisServer) -> Iterator[Web]:
    """gunicorn with the test handler loaded (deliveries are made where the event is recorded)."""
    server = start_web(own_redis.url(), application="tests.integration.wsgi_with_handlers:application")
    try:
        yield server
    finally:
        server.process.stop()


@pytest.fixture
def calls() -> Iterator[Path]:
    """Where the test handler notes its calls."""
    with tempfile.TemporaryDirectory(prefix="o2o-events-") as directory:
        yield Path(directory)


def start_worker(redis_url: str, calls: Path, *, beat: bool = False, hold: bool = False) -> Process:
    """`celery -A o2o worker` (solo) with the test handler loaded; beat embedded when `beat`; the
    handler holding its deliveries when `hold`."""
    command = [sys.executable, "-m", "celery", "-A", "o2o", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", f"--hostname=test-{free_port()}@%h"]
    command += ["--include", "tests.integration.event_handlers"] + (["--beat"] if beat else [])
    env = app_env(redis_url, O2O_TEST_EVENTS_DIR=str(calls), O2O_TEST_HOLD_DELIVERY="1" if hold else "")
    worker = start("celery-worker", command, env=env)
    wait_for(lambda: "ready." in worker.log() or not worker.running(), seconds=START_SECONDS, what="worker ready")
    assert worker.running(), worker.log()
    return worker


def sweep_every_second() -> None:
    """Beat runs the events sweep every second, for deliveries due a second ago (instead of
    every minute, for a minute; the flush after the test puts the schedule back)."""
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    job = PeriodicTask.objects.get(name=EVENTS_SWEEP.name)
    job.interval = every_second
    job.kwargs = json.dumps({"deliveries_after_seconds": 1})
    job.save()


def deliveries(tenant) -> list[tuple[str, str, int]]:
    with tenant_scope(tenant):
        return list(Delivery.objects.order_by("handler").values_list("handler", "status", "attempts"))


def test_a_worker_killed_in_the_middle_of_a_delivery_loses_nothing(tenant, own_redis, web, workers, calls):
    # given a worker whose handler of the sign-up (a slow outside call) holds its deliveries
    first = start_worker(own_redis.url(), calls, hold=True)
    workers.append(first)
    # when a consumer signs up on the web (committed; the event's delivery enqueued after the commit)
    answer = web.call("POST", "/api/v1/auth/signup/", SIGNUP, tenant=tenant.slug)
    assert answer.status == 201, answer
    # and the worker is killed (SIGKILL: it records and acknowledges nothing) inside that handler
    started = wait_for(
        lambda: list(calls.glob("started-*")), seconds=DELIVERY_SECONDS, what="the handler called", logs=first.log
    )
    first.kill()
    # then the membership's delivery is done, the held one still pending, never attempted to its knowledge
    assert deliveries(tenant) == [(STITCH, "done", 1), (MEMBERSHIP, "done", 1), (KEY, "pending", 0)]
    # when a worker with beat runs again (the killed one's message is away for ten minutes)
    sweep_every_second()
    second = start_worker(own_redis.url(), calls, beat=True)
    workers.append(second)
    # then the sweep has the held delivery run again, by the new worker, and done once
    wait_for(
        lambda: deliveries(tenant)[2] == (KEY, "done", 1),
        seconds=DELIVERY_SECONDS,
        what="the held delivery done",
        logs=second.log,
    )
    [event_id] = {path.name.split("-")[1] for path in started}
    pids = sorted(path.name for path in calls.glob("started-*"))
    assert pids == sorted([started[0].name, f"started-{event_id}-{second.process.pid}"])
    with tenant_scope(tenant):
        assert list(Member.objects.values_list("phone", flat=True)) == ["+8613800138000"]
    assert deliveries(tenant) == [(STITCH, "done", 1), (MEMBERSHIP, "done", 1), (KEY, "done", 1)]
