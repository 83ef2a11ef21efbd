"""Benchmark: bookings (issue 5, Speed).

    python bench/bookings.py [--requests 300] [--rounds 8] [--concurrency 50] [--workers 4] [--threads 4] [--fresh]

(a) Listing a store's slots for a 30-day window: `GET /api/v1/stores/{id}/slots/?service=&date=&days=30`
    through Django's test client in-process (the whole request handling: middleware, tenant scope,
    DRF, the queries, the slot computation, serialization; no network), anonymous, as a consumer's
    booking page asks. The store opens 09:00-21:00 every day (24 half-hour slots a day, 720 in the
    window) and a third of its slots have places taken. Budget: p95 <= 30 ms.
(b) 50 concurrent bookings of one slot with room for 2, through the real HTTP stack: gunicorn
    (`o2o.wsgi`, gthread workers) on a free 127.0.0.1 port, 50 client threads released at once,
    each a guest with its own phone. Repeated over `--rounds` fresh slots, after a few rounds that
    warm the workers up (not counted), and with the server's CPU per request. Budget: every round
    exactly 2 answers 201 and 48 answer 409 (`slot_full`), no other status (so no deadlock error),
    the slot's row shows 2 taken and 2 bookings exist; and at least 100 requests per second on the
    contended slot: all the rounds' requests over the time from each round's release to its last
    answer.

Prints each figure beside its budget with PASS or FAIL; exits 1 on any FAIL. Stops the server it
starts (also on errors and Ctrl-C).

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/o2o_bench_bookings (its login user must
be a superuser or the tables' owner: the app runs as the restricted role); the database is created
and migrated when missing, the brand and its stores once (kept between runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._cpu import server_cpu  # noqa: E402
from bench._database import setup_django  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_bookings")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")  # production settings: no query log in memory
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on 127.0.0.1
os.environ.setdefault("THROTTLE_ANON", "100000000/min")
os.environ.setdefault("CONN_MAX_AGE", "60")  # persistent connections, as a production server keeps them
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ.pop("REDIS_URL", None)  # eager tasks: the confirmation runs after commit, in the request

SLOTS_BUDGET_P95_MS = 30.0
RATE_BUDGET = 100.0
CAPACITY = 2
SLUG = "bench-bookings"
ZONE = "Asia/Shanghai"


# --- database and data ------------------------------------------------------------------------


def fill() -> dict[str, Any]:
    """The brand, a store for the slot listing and one for the contended bookings, and a service."""
    from decimal import Decimal

    from catalog.models import Service
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from stores.models import Store
    from stores.services import ServiceOffering, StoreInput, create_store, set_store_services

    tenant, _ = Tenant.objects.get_or_create(slug=SLUG, defaults={"name": "Bench Bookings", "timezone": ZONE})
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    with tenant_scope(tenant):
        service, _ = Service.objects.get_or_create(
            tenant=tenant, name="Eye exam", defaults={"duration_minutes": 30, "price": Decimal("0.00")}
        )
        stores = {}
        for code, hours in (("SLOTS", [["09:00", "21:00"]]), ("RUSH", [["00:00", "24:00"]])):
            store = Store.objects.filter(tenant=tenant, code=code).first()
            if store is None:
                store = create_store(
                    tenant=tenant,
                    data=StoreInput(
                        code=code,
                        name=f"Bench {code.title()}",
                        kind="direct",
                        region="east",
                        city="Shanghai",
                        address="1 Bench Road",
                        lat=31.23,
                        lng=121.47,
                        timezone=ZONE,
                        opening_hours=dict.fromkeys(days, hours),
                        capabilities=["pickup", "services"],
                    ),
                )
            capacity = 4 if code == "SLOTS" else CAPACITY
            set_store_services(
                tenant=tenant, store=store, offerings=[ServiceOffering(service_id=service.pk, capacity=capacity)]
            )
            stores[code] = store
    return {"tenant": tenant, "service": service, **stores}


def occupy_a_third(data: dict[str, Any], today: dt.date) -> int:
    """Places taken in a third of the listing store's slots of the next 30 days (rows made afresh)."""
    from zoneinfo import ZoneInfo

    from bookings.models import SlotOccupancy
    from o2o.tenancy import tenant_scope

    tenant, store, service = data["tenant"], data["SLOTS"], data["service"]
    zone = ZoneInfo(ZONE)
    rng = random.Random(2026)
    rows = []
    for day in range(31):
        for n in range(24):
            if n % 3 == 0:
                local = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(9, 0), tzinfo=zone)
                start = (local + dt.timedelta(minutes=30 * n)).astimezone(dt.UTC)
                rows.append(
                    SlotOccupancy(
                        tenant=tenant, store=store, service=service, start_at=start, capacity=4, taken=rng.randint(1, 4)
                    )
                )
    with tenant_scope(tenant):
        SlotOccupancy.objects.filter(tenant=tenant, store=store).delete()
        SlotOccupancy.objects.bulk_create(rows)
    return len(rows)


def clear_rush(data: dict[str, Any]) -> None:
    """Forget the contended store's bookings of earlier runs (each round takes a fresh slot)."""
    from bookings.models import Booking, SlotOccupancy
    from o2o.tenancy import tenant_scope

    tenant, store = data["tenant"], data["RUSH"]
    with tenant_scope(tenant):
        Booking.objects.filter(tenant=tenant, store=store).delete()
        SlotOccupancy.objects.filter(tenant=tenant, store=store).delete()


# --- (a) slots --------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def time_slots(data: dict[str, Any], *, requests: int, repeat: int) -> dict[str, float]:
    """ms per request of the 30-day listing: p50, p95, max of the best of `repeat` passes; queries."""
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    today = timezone.now().astimezone(ZoneInfo(ZONE)).date()
    occupied = occupy_a_third(data, today)
    client = Client(HTTP_X_TENANT=SLUG)
    url = f"/api/v1/stores/{data['SLOTS'].pk}/slots/?service={data['service'].pk}&date={today.isoformat()}&days=30"
    queries = 0

    def count_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    for _ in range(30):  # warm up: connection, caches, plans
        response = client.get(url)
    body = response.json()
    if response.status_code != 200 or len(body) < 24 * 29:
        sys.exit(f"unexpected answer to {url}: {response.status_code} {response.content[:300]!r}")
    passes = []
    with connection.execute_wrapper(count_queries):
        for _ in range(repeat):
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    sys.exit(f"unexpected answer to {url}: {response.status_code}")
            passes.append(timings)
    best = min(passes, key=lambda timings: percentile(timings, 0.95))
    return {
        "p50": statistics.median(best),
        "p95": percentile(best, 0.95),
        "max": max(best),
        "queries": queries / (repeat * requests),
        "slots": len(body),
        "occupied": occupied,
        "full": sum(1 for slot in body if slot["remaining"] == 0),
    }


# --- (b) contended bookings over HTTP ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving `o2o.wsgi` on 127.0.0.1 (Django's server when gunicorn is missing)."""

    def __init__(self, *, workers: int, threads: int) -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-bookings-server-", suffix=".log", delete=False)  # noqa: SIM115
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if gunicorn.exists() or shutil.which("gunicorn"):
            command = [
                str(gunicorn if gunicorn.exists() else shutil.which("gunicorn")),
                "o2o.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--worker-class=gthread",
                "--backlog=256",
                "--log-level=warning",
            ]
            self.kind = f"gunicorn, {workers} gthread workers x {threads} threads"
        else:
            command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
            self.kind = "Django's runserver (threaded; gunicorn not found)"
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}); see {self.log.name}")
            try:
                status, _ = request(self.port, "GET", "/api/v1/stores/", None)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and the workers it forked
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def errors(self) -> list[str]:
        text = Path(self.log.name).read_text(errors="replace")
        return [line for line in text.splitlines() if "deadlock" in line.lower() or "Traceback" in line]


def request(port: int, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any] | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"X-Tenant": SLUG, "Content-Type": "application/json", "Accept": "application/json"}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        content = response.read()
        try:
            return response.status, json.loads(content)
        except ValueError:
            return response.status, None
    finally:
        connection.close()


def contended_round(
    port: int, data: dict[str, Any], start: dt.datetime, concurrency: int, run_id: int
) -> dict[str, Any]:
    """`concurrency` guests book the slot at `start` at once; statuses, codes, elapsed seconds."""
    barrier = threading.Barrier(concurrency + 1)
    body = {"store": data["RUSH"].pk, "service": data["service"].pk, "start": start.isoformat(), "name": "张伟"}

    def one(n: int) -> tuple[int, str, float]:
        phone = f"+86138{run_id % 10_000:04d}{n:04d}"  # a new guest each (a known one the next run)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        payload = json.dumps({**body, "phone": phone}).encode()
        headers = {"X-Tenant": SLUG, "Content-Type": "application/json", "Accept": "application/json"}
        try:
            connection.connect()  # connected before the release: the round times the requests only
            barrier.wait(timeout=60)
            connection.request("POST", "/api/v1/bookings/", body=payload, headers=headers)
            response = connection.getresponse()
            content = response.read()
            finished = time.perf_counter()
        finally:
            connection.close()
        try:
            code = json.loads(content).get("code", "") if response.status != 201 else ""
        except ValueError:
            code = content[:80].decode(errors="replace")
        return response.status, code, finished

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(one, n) for n in range(concurrency)]
        barrier.wait(timeout=60)
        released = time.perf_counter()
        results = [future.result() for future in futures]
    return {
        "statuses": sorted(status for status, _, _ in results),
        "codes": sorted({code for status, code, _ in results if status == 409}),
        "others": [(status, code) for status, code, _ in results if status not in (201, 409)],
        "elapsed": max(finished for _, _, finished in results) - released,
    }


def slot_state(data: dict[str, Any], start: dt.datetime) -> tuple[int, int]:
    """(taken, bookings) of the contended store's slot at `start`."""
    from bookings.models import Booking, SlotOccupancy
    from o2o.tenancy import tenant_scope

    tenant, store = data["tenant"], data["RUSH"]
    with tenant_scope(tenant):
        taken = (
            SlotOccupancy.objects.filter(tenant=tenant, store=store, start_at=start)
            .values_list("taken", flat=True)
            .first()
        )
        bookings = Booking.objects.filter(tenant=tenant, store=store, start_at=start).count()
    return taken or 0, bookings


def time_contention(
    data: dict[str, Any], *, rounds: int, concurrency: int, workers: int, threads: int
) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    clear_rush(data)
    zone = ZoneInfo(ZONE)
    # the slots from tomorrow 09:00, one per round; the first rounds warm the server's workers up
    # (imports, each thread's database connection, the phone metadata: a production server is warm)
    warm_up = max(3, workers)
    tomorrow = timezone.now().astimezone(zone).date() + dt.timedelta(days=1)
    first = dt.datetime.combine(tomorrow, dt.time(9, 0), tzinfo=zone)
    slots = [first + dt.timedelta(minutes=30 * n) for n in range(warm_up + rounds)]
    server = Server(workers=workers, threads=threads)
    run_id = int(time.time())
    try:
        server.wait_ready()
        for n, start in enumerate(slots[:warm_up]):
            contended_round(server.port, data, start, concurrency, run_id + 100 + n)  # not counted
        outcomes = []
        cpu = {"app": 0.0, "db": 0.0}
        for n, start in enumerate(slots[warm_up:], start=1):
            before = server_cpu(server.process.pid)
            outcome = contended_round(server.port, data, start, concurrency, run_id + n)
            after = server_cpu(server.process.pid)
            for side in cpu:
                cpu[side] += after[side] - before[side]
            outcome["taken"], outcome["bookings"] = slot_state(data, start)
            outcomes.append(outcome)
        errors = server.errors()
    finally:
        server.stop()
    if errors:
        print(f"the server's log is kept: {server.log.name}")
    else:
        Path(server.log.name).unlink(missing_ok=True)
    return {"server": server.kind, "outcomes": outcomes, "errors": errors, "cpu": cpu, "warm_up": warm_up}


# --- report -----------------------------------------------------------------------------------


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="slot listings per pass (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="passes of the listing; the best is kept (default 3)")
    parser.add_argument("--rounds", type=int, default=8, help="contended slots, one round each (default 8)")
    parser.add_argument("--concurrency", type=int, default=50, help="bookers per slot (default 50)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database")
    args = parser.parse_args()

    setup_django(fresh=args.fresh)
    data = fill()
    slots = time_slots(data, requests=args.requests, repeat=args.repeat)
    load_a = os.getloadavg()[0]
    rush = time_contention(
        data, rounds=args.rounds, concurrency=args.concurrency, workers=args.workers, threads=args.threads
    )
    load_b = os.getloadavg()[0]
    outcomes = rush["outcomes"]
    expected = [201] * CAPACITY + [409] * (args.concurrency - CAPACITY)
    exact = all(
        o["statuses"] == expected and o["codes"] == ["slot_full"] and (o["taken"], o["bookings"]) == (CAPACITY,) * 2
        for o in outcomes
    )
    clean = not rush["errors"] and not any(o["others"] for o in outcomes)
    requests = sum(len(o["statuses"]) for o in outcomes)
    elapsed = sum(o["elapsed"] for o in outcomes)
    rate = requests / elapsed if elapsed else 0.0
    round_rates = [len(o["statuses"]) / o["elapsed"] for o in outcomes]

    print()
    print("(a) GET /api/v1/stores/{id}/slots/?service=&date=&days=30, anonymous, server-side in-process")
    print(
        f"    {slots['slots']} slots in the answer ({slots['occupied']} with places taken, {slots['full']} full); "
        f"best of {args.repeat} passes of {args.requests}; {slots['queries']:.1f} queries per request"
    )
    print(f"    p50 {slots['p50']:.2f} ms, p95 {slots['p95']:.2f} ms, max {slots['max']:.2f} ms")
    print(
        f"    budget p95 <= {SLOTS_BUDGET_P95_MS:.0f} ms: {slots['p95']:.2f} ms -> "
        f"{verdict(slots['p95'] <= SLOTS_BUDGET_P95_MS)}"
    )
    print()
    print(f"(b) {args.concurrency} concurrent POST /api/v1/bookings/ per slot of capacity {CAPACITY}, over HTTP")
    print(f"    server: {rush['server']} on 127.0.0.1; {len(outcomes)} rounds after {rush['warm_up']} warm-up rounds")
    for n, o in enumerate(outcomes, start=1):
        ok = o["statuses"].count(201)
        print(
            f"    round {n}: {ok} x 201, {o['statuses'].count(409)} x 409 {o['codes']}, others {o['others']}, "
            f"slot taken {o['taken']}, bookings {o['bookings']}, {o['elapsed'] * 1000:.0f} ms "
            f"({len(o['statuses']) / o['elapsed']:.0f} req/s)"
        )
    print(
        f"    budget: exactly {CAPACITY} succeed and {args.concurrency - CAPACITY} get 409 in every round, "
        f"capacity held: {verdict(exact)}"
    )
    print(
        f"    budget: no deadlock or server error: {len(rush['errors'])} error lines in the server log "
        f"-> {verdict(clean)}"
    )
    for line in rush["errors"][:5]:
        print(f"      {line}")
    print(
        f"    budget: >= {RATE_BUDGET:.0f} requests/s on the contended slot: {rate:.0f} req/s "
        f"({requests} requests in {elapsed:.2f} s; per round: median {statistics.median(round_rates):.0f}, "
        f"slowest {min(round_rates):.0f} req/s) -> "
        f"{verdict(rate >= RATE_BUDGET)}"
    )
    app_ms, db_ms = (rush["cpu"][side] / requests * 1000 for side in ("app", "db"))
    cpus = os.cpu_count() or 1
    print(
        f"    server CPU per request: {app_ms + db_ms:.1f} ms ({app_ms:.1f} gunicorn + {db_ms:.1f} PostgreSQL): "
        f"with all {cpus} CPUs of this machine free, {cpus * 1000 / (app_ms + db_ms):.0f} req/s"
    )
    print()
    print(f"machine: {os.cpu_count()} CPUs, load average {load_a:.1f} / {load_b:.1f} (1 min) after (a) / (b)")
    passed = slots["p95"] <= SLOTS_BUDGET_P95_MS and exact and clean and rate >= RATE_BUDGET
    print(f"overall: {verdict(passed)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
