"""What the HTTP benchmarks share: driving a server with closed-loop (as fast as it answers) or
open-loop (paced) callers, and the figures they print: rate, latency percentiles, server CPU."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bench._cpu import server_cpu
from bench._gunicorn import Server


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    examples: dict[int, str] = field(default_factory=dict)
    elapsed: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds over the measured window
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, latency_ms: float, body: bytes) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if 200 <= status < 300:
                self.latencies_ms.append(latency_ms)
            elif status not in self.examples:
                self.examples[status] = body[:300].decode(errors="replace")

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    @property
    def error_share(self) -> float:
        return (self.total - self.ok) / self.total if self.total else 1.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Caller(Protocol):
    """One simulated caller: sends its next request on its own connection."""

    def request(self) -> tuple[int, bytes]: ...

    def close(self) -> None: ...


def closed_loop(
    make_caller: Callable[[int], Caller], *, clients: int, warmup: float, duration: float, server: Server
) -> Results:
    """`clients` callers (`make_caller(seed)`) each sending the next request as soon as the last one
    answered; the CPU the server and its database backends used is read at the start and end of the
    measured window."""
    results = Results()
    start = time.monotonic() + 0.2
    measure_from = start + warmup
    stop_at = measure_from + duration

    def run(index: int) -> None:
        client = make_caller(1000 + index)
        while time.monotonic() < start:
            time.sleep(0.005)
        while True:
            sent = time.monotonic()
            if sent >= stop_at:
                break
            status, body = client.request()
            done = time.monotonic()
            if sent >= measure_from and done <= stop_at:
                results.add(status, (done - sent) * 1000, body)
        client.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, measure_from - time.monotonic()))
    before = server_cpu(server.process.pid)
    time.sleep(max(0.0, stop_at - time.monotonic()))
    after = server_cpu(server.process.pid)
    for thread in threads:
        thread.join()
    results.elapsed = duration
    results.cpu = {side: after[side] - before[side] for side in after}
    return results


def cpu_per_request(name: str, results: Results) -> float:
    """Print and return the server's CPU per request (gunicorn + PostgreSQL) over the window."""
    app_ms, db_ms = (results.cpu[side] / results.total * 1000 for side in ("app", "db"))
    cpus = os.cpu_count() or 1
    print(
        f"  {name}: server CPU {app_ms + db_ms:.1f} ms per request ({app_ms:.1f} gunicorn + {db_ms:.1f} PostgreSQL), "
        f"so at most {cpus * 1000 / (app_ms + db_ms):.0f}/s on all {cpus} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return app_ms + db_ms


def paced(make_caller: Callable[[int], Caller], *, rate: float, duration: float, clients: int) -> Results:
    """Open loop: requests due at `rate` per second, spread over `clients` callers (`make_caller(seed)`);
    the latency of a request counts from when it was due, so a caller held up by a slow answer still
    pays for it."""
    results = Results()
    interval = clients / rate
    start = time.monotonic() + 0.5
    stop_at = start + duration

    def run(index: int) -> None:
        client = make_caller(5000 + index)
        due = start + index / rate
        while due < stop_at:
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            status, body = client.request()
            results.add(status, (time.monotonic() - due) * 1000, body)
            due += interval
        client.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.elapsed = duration
    return results


def describe(name: str, results: Results) -> None:
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(results.statuses.items()))
    print(
        f"{name}: {results.ok} ok of {results.total} in {results.elapsed:.0f}s = {results.rate:.1f}/s; "
        f"latency p50 {results.percentile(0.50):.1f} ms, p95 {results.percentile(0.95):.1f} ms, "
        f"p99 {results.percentile(0.99):.1f} ms (statuses {statuses})",
        flush=True,
    )
    for status, example in sorted(results.examples.items()):
        print(f"  e.g. {status}: {example}")


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"
