"""What the HTTP benchmarks share: gunicorn serving the application on a free port of 127.0.0.1,
with a Redis database of its own for Celery's queue."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_redis_db() -> str | None:
    """A Redis database of this benchmark's own (an empty one of 10-15) for Celery's queue, or None."""
    try:
        import redis
    except ImportError:  # pragma: no cover
        return None
    base = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
    for db in range(15, 9, -1):
        try:
            client = redis.Redis.from_url(f"{base}/{db}", socket_connect_timeout=1)
            if client.dbsize() == 0:
                return f"{base}/{db}"
        except redis.RedisError:
            return None
    return None


def clear_redis(url: str | None) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


class Server:
    """gunicorn serving o2o.wsgi on 127.0.0.1:`port`, in a process group of its own."""

    def __init__(self, *, workers: int, threads: int, redis_url: str | None) -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "0",
                "SECURE_SSL_REDIRECT": "0",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CONN_MAX_AGE": "60",
                "LOG_LEVEL": "WARNING",
                "AXES_ENABLED": "1",
                "PYTHONWARNINGS": "ignore::UserWarning",
            }
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
        else:
            env.pop("REDIS_URL", None)
        command = [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "o2o.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--threads",
            str(threads),
            "--backlog",
            "256",
            "--keep-alive",
            "5",
            "--error-logfile",
            self.log.name,
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)

    def wait_ready(self, probe: Callable[[], int], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                if probe() < 500:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        sys.exit(f"gunicorn did not answer within {timeout:.0f}s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this benchmark started
                self.process.wait(timeout=5)

    def errors(self) -> str:
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(line for line in text.splitlines() if "ERROR" in line or "Traceback" in line)[-2000:]
