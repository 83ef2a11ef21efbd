"""Benchmark: `GET /t/{code}`, a tracking link followed (issue 11, item 2).

    python bench/redirect.py [--requests 2000] [--repeat 3] [--fresh]

Times the redirect server-side: the whole request handling (middleware, the tenant, the link with
its campaign, the 302 with the visitor cookie, and queuing the touchpoint's task after commit)
through Django's test client in-process, without network. Half the browsers carry a visitor
cookie, half get a new one; a tenth of the requests are QR scans. The touchpoint's task goes to a
Redis queue of the benchmark's own (as in production); without Redis, tasks are eager and the
touchpoint is written inline, which the figures then include (said in the output).

Budgets: p95 <= 10 ms, and at most 2 reads per request (the tenant and the link; the tenant
scope's `set_config` is counted apart). Exits 1 when over. It also checks that every answered
click was queued (the queue's length equals the requests made), and prints the CPU per request.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/o2o_bench_links (created and migrated
when missing; its login user must be a superuser or the tables' owner).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._database import setup_django  # noqa: E402
from bench._gunicorn import clear_redis, free_redis_db  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_links")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")  # production settings: no query log in memory
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
os.environ.setdefault("CONN_MAX_AGE", "60")  # persistent connections, as a production server keeps them
REDIS_URL = free_redis_db()
os.environ["REDIS_URL"] = REDIS_URL or ""

BUDGET_P95_MS = 10.0
BUDGET_READS = 2
SLUG = "bench-links"
LINKS = 1_000
OWNER = "__bench_owner"


def fill() -> tuple[Any, list[str]]:
    """The brand with a store, a running campaign and `LINKS` links (created once); their codes."""
    import datetime as dt

    from attribution.models import Campaign, TrackingLink
    from attribution.services.links import new_code
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from stores.models import Store

    tenant, _ = Tenant.objects.get_or_create(slug=SLUG, defaults={"name": "Bench links"})
    with tenant_scope(tenant):
        codes = list(TrackingLink.objects.filter(tenant=tenant).values_list("code", flat=True))
        if len(codes) < LINKS:
            print(f"creating {LINKS:,} links ...", flush=True)
            store, _ = Store.objects.get_or_create(
                tenant=tenant,
                code="B001",
                defaults={
                    "name": "Bench store",
                    "kind": "direct",
                    "region": "east",
                    "city": "Shanghai",
                    "lat": 31.2,
                    "lng": 121.4,
                },
            )
            campaign, _ = Campaign.objects.get_or_create(
                tenant=tenant, name="Bench posters", defaults={"channel": "poster", "starts": dt.date(2026, 1, 1)}
            )
            fresh = {new_code() for _ in range(LINKS - len(codes))} - set(codes)
            TrackingLink.objects.bulk_create(
                [
                    TrackingLink(tenant=tenant, code=code, campaign=campaign, store=store, target="store")
                    for code in fresh
                ]
            )
            codes += sorted(fresh)
    return tenant, codes


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def _backend_cpu_seconds() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def queued() -> int:
    """Tasks waiting in the benchmark's Redis queue (Celery's default queue)."""
    if not REDIS_URL:
        return 0
    import redis

    length = redis.Redis.from_url(REDIS_URL).llen("celery")
    assert isinstance(length, int)  # a synchronous client
    return length


def time_redirects(tenant: Any, codes: list[str], *, requests: int, repeat: int) -> dict[str, float]:
    """ms per request (p50, p95, max of the best pass), reads and statements per request, CPU."""
    from django.db import connection
    from django.test import Client

    from o2o.visitors import VISITOR_COOKIE

    rng = random.Random(2026)
    plan = [(rng.choice(codes), n % 2 == 0, n % 10 == 0) for n in range(requests)]
    reads = statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal reads, statements
        statements += 1
        if "set_config" not in sql:
            reads += 1
        return execute(sql, params, many, context)

    def follow(client: Any, code: str, known: bool, scan: bool) -> Any:
        if known:
            client.cookies[VISITOR_COOKIE] = "bench-visitor"
        else:
            client.cookies.pop(VISITOR_COOKIE, None)
        return client.get(f"/t/{code}" + ("?s=qr" if scan else ""), HTTP_USER_AGENT="Bench/1.0")

    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    for code, known, scan in plan[:100]:  # warm up: connection, plans
        follow(client, code, known, scan)
    clear_redis(REDIS_URL)
    passes = []
    app_cpu, db_cpu = time.process_time(), _backend_cpu_seconds()
    with connection.execute_wrapper(count):
        for _ in range(repeat):
            timings = []
            for code, known, scan in plan:
                started = time.perf_counter()
                response = follow(client, code, known, scan)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 302:
                    sys.exit(f"unexpected answer to /t/{code}: {response.status_code}")
            passes.append(timings)
    total = repeat * requests
    app_cpu, db_cpu = time.process_time() - app_cpu, _backend_cpu_seconds() - db_cpu
    best = min(passes, key=lambda timings: percentile(timings, 0.95))
    return {
        "p50": statistics.median(best),
        "p95": percentile(best, 0.95),
        "max": max(best),
        "reads": reads / total,
        "statements": statements / total,
        "app_cpu": app_cpu / total * 1000,
        "db_cpu": db_cpu / total * 1000,
        "requests": total,
        "queued": queued(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per pass (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="passes; the best is kept (default 3)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the benchmark database")
    args = parser.parse_args()
    setup_django(fresh=args.fresh, owner_alias=OWNER)
    tenant, codes = fill()
    load_before = os.getloadavg()[0]
    figures = time_redirects(tenant, codes, requests=args.requests, repeat=args.repeat)
    load_after = os.getloadavg()[0]
    clear_redis(REDIS_URL)
    mode = (
        f"touchpoint queued to Redis ({REDIS_URL})"
        if REDIS_URL
        else "no Redis: eager tasks, the touchpoint written inline"
    )
    print()
    print(f"GET /t/{{code}} over {len(codes):,} links, {args.requests} requests a pass, best of {args.repeat}; {mode}")
    print(f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'reads':>6} {'stmts':>6} {'CPU ms (app + db)':>18}")
    cpu = f"{figures['app_cpu']:.2f} + {figures['db_cpu']:.2f}"
    print(
        f"{figures['p50']:>8.2f} {figures['p95']:>8.2f} {figures['max']:>8.2f} "
        f"{figures['reads']:>6.1f} {figures['statements']:>6.1f} {cpu:>18}"
    )
    if REDIS_URL:
        print(f"tasks queued: {figures['queued']:,} for {figures['requests']:,} requests (every click kept)")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before, {load_after:.1f} after (1 min)")
    fast = figures["p95"] <= BUDGET_P95_MS
    few = figures["reads"] <= BUDGET_READS
    kept = not REDIS_URL or figures["queued"] == figures["requests"]
    print(f"budget: p95 <= {BUDGET_P95_MS:.0f} ms: {figures['p95']:.2f} ms -> {'PASS' if fast else 'FAIL'}")
    print(f"budget: <= {BUDGET_READS} reads a request: {figures['reads']:.1f} -> {'PASS' if few else 'FAIL'}")
    if REDIS_URL:
        print(f"every answered click queued: {'PASS' if kept else 'FAIL'}")
    return 0 if fast and few and kept else 1


if __name__ == "__main__":
    sys.exit(main())
