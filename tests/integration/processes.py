"""Real processes for the integration tests: a Redis server of the test's own, the web application
on gunicorn and Celery workers (with beat), each on the test database and that Redis.

Each process runs in a session of its own, so that stopping or killing it takes its children (the
beat a worker embeds) with it. What a test waits for, it polls (`wait_for`), never a fixed sleep.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from tests import services

BASE_DIR = Path(__file__).resolve().parents[2]
# What a process takes to start (import Django, connect) is seconds on a quiet machine and more on
# a loaded one; a condition that does come true is seen at once, so a generous limit costs nothing.
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The test database (pytest-django's, not the one DATABASE_URL names) as the login user."""
    params = connection.settings_dict
    credentials = quote(params["USER"], safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{params['NAME']}"


def wait_for(condition: Callable[[], Any], *, seconds: float, what: str, logs: Callable[[], str] = str) -> Any:
    """Poll `condition` until it answers something true, and return that; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {seconds} s\n{logs()}")
        time.sleep(0.05)


@dataclass
class Process:
    """A process started by a test, its output in a log file; stopped (or killed) by the test."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        if not self.log_path.exists():
            return f"--- {self.name}: stopped, no log ---"
        return f"--- {self.name} log ---\n" + self.log_path.read_text(errors="replace")[-8000:]

    def running(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost machine does: no shutdown, no acknowledgement."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL for whatever is left after 10 s; the log is removed."""
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self._signal(signal.SIGKILL)  # children left in its session (an embedded beat)
        self.log_path.unlink(missing_ok=True)

    def _signal(self, number: int) -> None:
        with suppress(ProcessLookupError):  # gone already
            os.killpg(self.process.pid, number)  # its own session: the group is its pid


def start(name: str, command: list[str], *, env: dict[str, str] | None = None) -> Process:
    log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    return Process(name=name, process=process, log_path=Path(log.name))


@dataclass
class RedisServer:
    """A `redis-server` of the test's own on a free port, without persistence: stopped, it is an
    outage; started again on the same port, it is Redis back (empty, as after losing its data)."""

    port: int = field(default_factory=free_port)
    process: Process | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = start("redis", command)
        wait_for(self._answers, seconds=START_SECONDS, what="redis-server answering", logs=self.process.log)

    def stop(self) -> None:
        assert self.process is not None
        self.process.stop()
        self.process = None

    def _answers(self) -> bool:
        try:
            with self.client() as client:
                return bool(client.ping())
        except redis.ConnectionError:
            return False


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A started `RedisServer`, stopped at the end whatever happened."""
    if shutil.which("redis-server") is None and not os.path.exists("/usr/bin/redis-server"):
        if services.required():
            pytest.fail("O2O_REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()
        server.process = None


def app_env(redis_url: str, **extra: str) -> dict[str, str]:
    """The production settings on the test database and `redis_url`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "o2o.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "DEBUG": "0",
        "SECRET_KEY": "integration-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("DATABASE_OWNER_URL", None)
    return env


def start_worker(redis_url: str, *, beat: bool = False) -> Process:
    """`celery -A o2o worker` (solo: one task at a time), with beat embedded when `beat`; returns
    once it consumes (its first task may be sent before, it waits in Redis)."""
    command = [sys.executable, "-m", "celery", "-A", "o2o", "worker", "--pool=solo", "--loglevel=INFO"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", f"--hostname=test-{free_port()}@%h"]
    if beat:
        command.append("--beat")
    worker = start("celery-worker", command, env=app_env(redis_url))
    wait_for(lambda: "ready." in worker.log() or not worker.running(), seconds=START_SECONDS, what="worker ready")
    assert worker.running(), worker.log()
    return worker


@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class Web:
    """The application on gunicorn, answering on `port`."""

    process: Process
    port: int

    def call(self, method: str, path: str, body: Any = None, *, token: str = "", tenant: str = "") -> Answer:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Token {token}"
        if tenant:
            headers["X-Tenant"] = tenant
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = client.getresponse()
            raw = response.read()
        finally:
            client.close()
        try:
            return Answer(response.status, json.loads(raw) if raw else None)
        except ValueError:
            return Answer(response.status, raw.decode(errors="replace")[:2000])

    def sign_in(self, username: str, password: str) -> str:
        answer = self.call("POST", "/api/v1/auth/token/", {"username": username, "password": password})
        assert answer.status == 200, answer
        return str(answer.body["token"])


def start_web(redis_url: str, *, application: str = "o2o.wsgi:application") -> Web:
    """gunicorn serving the application (one process, four threads), on a free port."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", application, "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--threads", "4", "--graceful-timeout", "5", "--log-level", "info"]
    web = Web(process=start("gunicorn", command, env=app_env(redis_url)), port=port)

    def answers() -> bool:
        if not web.process.running():
            pytest.fail(f"gunicorn exited\n{web.process.log()}")
        try:
            return web.call("GET", "/api/v1/schema-probe/").status == 404
        except OSError:
            return False

    wait_for(answers, seconds=START_SECONDS, what="gunicorn answering", logs=web.process.log)
    return web
