"""Benchmark: what row-level security costs a tenant-scoped query.

    python bench/rls_overhead.py [--rows 200000] [--tenants 20] [--iterations 3000] [--explain] [--fresh]

The same queries on the same data, two ways:
  (a) RLS: the application's restricted role inside `tenant_scope`, with no tenant filter in the
      SQL: the `tenant_isolation` policy adds it;
  (b) WHERE: the table owner (a superuser, RLS not applied) with an explicit `WHERE tenant_id = X`.
Only the query is timed (execute and fetch); the scope's `set_config` is paid once per unit of
work (request, task), not per query. Every iteration picks the next tenant. Budget: p50 of each
query with RLS within 1.2x of the explicit WHERE; exits 1 when over.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/o2o_bench (its login user must be a
superuser); the database is created and migrated when missing, and filled once (kept between runs).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._database import ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")  # no query log in memory
os.environ.pop("REDIS_URL", None)

BUDGET = 1.2
OWNER = "__bench_owner"  # a second alias on the login user: on_connection_created leaves `__` aliases alone
SCOPES = [
    "POST /api/v1/orders/",
    "POST /api/v1/bookings/",
    "POST /api/v1/events/",
    "POST /api/v1/settlement-runs/",
]
STATUSES = [201, 201, 201, 200, 409]


def setup_django(*, fresh: bool) -> None:
    import django
    from django.conf import settings

    ensure_database(os.environ["DATABASE_URL"], fresh=fresh)
    django.setup()
    settings.DATABASES[OWNER] = {**settings.DATABASES["default"], "CONN_MAX_AGE": None}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(*, rows: int, tenants: int) -> list[int]:
    """The benchmark tenants' ids; their idempotency records are loaded with COPY when missing."""
    from django.db import connections

    owner = connections[OWNER]
    slugs = [f"bench-{n:02d}" for n in range(1, tenants + 1)]
    per_tenant = rows // tenants
    with owner.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            sys.exit("the benchmark needs DATABASE_URL to log in as a superuser (the explicit-WHERE side)")
    from o2o.models import IdempotencyRecord, Tenant

    table = IdempotencyRecord._meta.db_table

    tenant_ids = [
        Tenant.objects.using(OWNER).get_or_create(slug=slug, defaults={"name": slug.title()})[0].pk for slug in slugs
    ]
    with owner.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE tenant_id = ANY(%s)",
            [tenant_ids],
        )
        if cursor.fetchone()[0] == per_tenant * tenants:
            return tenant_ids
        print(f"loading {per_tenant * tenants} idempotency records over {tenants} tenants ...", flush=True)
        started = time.perf_counter()
        cursor.execute(f"DELETE FROM {table} WHERE tenant_id = ANY(%s)", [tenant_ids])
        buffer = io.StringIO()
        now = datetime.now(UTC)
        for n in range(per_tenant):  # interleaved, as rows of many brands arrive in production
            created = (now - timedelta(seconds=n * 13)).isoformat()
            for index, tenant_id in enumerate(tenant_ids):
                scope = f"{SCOPES[n % len(SCOPES)]} {1000 + n % 97}"
                status = STATUSES[(n * 7 + index) % len(STATUSES)]
                body = f'{{"id": {n}}}'
                buffer.write(f"{tenant_id}\tkey-{n:08d}\t{scope}\t{n:064x}\t{status}\t{body}\t{created}\n")
        buffer.seek(0)
        cursor.cursor.copy_expert(
            f"COPY {table} (tenant_id, key, scope, fingerprint, status_code, response_body, created_at) FROM STDIN",
            buffer,
        )
    with owner.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE o2o_idempotencyrecord")
    print(f"loaded in {time.perf_counter() - started:.1f}s", flush=True)
    return tenant_ids


def queries() -> dict[str, Callable[..., Any]]:
    """The typical tenant-scoped queries as the ORM writes them; `tenant` adds the explicit filter."""
    from o2o.models import IdempotencyRecord

    def records(tenant: dict[str, int]) -> Any:
        return IdempotencyRecord.objects.filter(**tenant)

    return {
        "page of 50, filtered and ordered": lambda **tenant: (
            records(tenant)
            .filter(status_code=201)
            .order_by("-created_at", "-pk")
            .values_list("id", "key", "scope", "status_code", "created_at")[:50]
        ),
        "count": lambda **tenant: records(tenant).filter(status_code=201).values("pk"),
        "one row by its unique key": lambda **tenant: (
            records(tenant)
            .filter(scope=f"{SCOPES[97 % len(SCOPES)]} 1000", key="key-00000097")
            .values_list("id", "status_code", "response_body")
        ),
    }


def compile_sql(queryset: Any, *, count: bool = False) -> tuple[str, tuple[Any, ...]]:
    query = queryset.query.chain()
    sql, params = query.get_compiler(using="default").as_sql()
    if count:
        sql = f"SELECT count(*) FROM ({sql}) subquery"
    return sql, tuple(params)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(
    name: str,
    build: Callable[..., Any],
    tenant_ids: list[int],
    *,
    iterations: int,
    warmup: int,
    seconds: float,
    explain: bool,
) -> dict[str, float]:
    from django.db import connections, transaction

    from o2o.tenancy import tenant_scope

    app = connections["default"]
    owner = connections[OWNER]
    count = name == "count"
    rls_sql, rls_params = compile_sql(build(), count=count)
    where = [compile_sql(build(tenant_id=tenant_id), count=count) for tenant_id in tenant_ids]
    timings: dict[str, list[float]] = {"rls": [], "where": []}
    rows_seen: dict[str, set[int]] = {"rls": set(), "where": set()}

    def run_rls(i: int) -> float:
        with tenant_scope(tenant_ids[i % len(tenant_ids)]), app.cursor() as cursor:
            started = time.perf_counter_ns()
            cursor.execute(rls_sql, rls_params)
            rows = cursor.fetchall()
            elapsed = time.perf_counter_ns() - started
        rows_seen["rls"].add(len(rows) if not count else rows[0][0])
        return elapsed / 1e6

    def run_where(i: int) -> float:
        sql, params = where[i % len(tenant_ids)]
        # The same backend process as the RLS side (two backends are scheduled differently by the OS,
        # which alone made the sub-0.1 ms query bimodal), back to the login superuser for this
        # transaction only, so that RLS is not applied; one statement before the timed one, as there.
        with transaction.atomic(), app.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE NONE")
            started = time.perf_counter_ns()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            elapsed = time.perf_counter_ns() - started
        rows_seen["where"].add(len(rows) if not count else rows[0][0])
        return elapsed / 1e6

    started = time.perf_counter()
    for i in range(warmup):
        run_rls(i)
        run_where(i)
    # a slow query gets fewer iterations: at most `seconds` per way
    per_iteration = (time.perf_counter() - started) / (2 * warmup)
    iterations = max(200, min(iterations, int(seconds / per_iteration)))
    # Interleaved blocks, so that a noisy neighbour hurts both sides alike, and each side goes first
    # in every other block: whichever runs second after a switch was measured up to 2x faster on
    # the sub-0.1 ms query (a cache and scheduling effect of the client, not of PostgreSQL).
    block = 50
    for number, start in enumerate(range(0, iterations, block)):
        order = [("rls", run_rls), ("where", run_where)]
        for side, run in order if number % 2 == 0 else order[::-1]:
            for i in range(start, min(start + block, iterations)):
                timings[side].append(run(i))

    if rows_seen["rls"] != rows_seen["where"]:
        sys.exit(f"{name}: the two ways returned different results: {rows_seen}")
    if explain:
        with tenant_scope(tenant_ids[0]), app.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + rls_sql, rls_params)
            print(f"\n-- {name}, RLS:\n" + "\n".join(row[0] for row in cursor.fetchall()))
        with owner.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + where[0][0], where[0][1])
            print(f"-- {name}, explicit WHERE:\n" + "\n".join(row[0] for row in cursor.fetchall()))
    return {
        "iterations": iterations,
        "rls_p50": statistics.median(timings["rls"]),
        "rls_p95": percentile(timings["rls"], 0.95),
        "where_p50": statistics.median(timings["where"]),
        "where_p95": percentile(timings["where"], 0.95),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=4.0, help="at most this long per query and way")
    parser.add_argument("--explain", action="store_true", help="print both plans of every query")
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the database first")
    args = parser.parse_args()

    setup_django(fresh=args.fresh)
    tenant_ids = fill(rows=args.rows, tenants=args.tenants)
    print(
        f"rls_overhead: {args.rows // args.tenants * args.tenants} rows over {len(tenant_ids)} tenants; "
        f"n iterations per query and way after {args.warmup} warm-up; times in ms"
    )
    print(f"{'query':<34} {'n':>5} {'RLS p50':>8} {'p95':>7} {'WHERE p50':>10} {'p95':>7} {'p50 x':>6} {'p95 x':>6}")
    worst = 0.0
    for name, build in queries().items():
        result = measure(
            name,
            build,
            tenant_ids,
            iterations=args.iterations,
            warmup=args.warmup,
            seconds=args.seconds,
            explain=args.explain,
        )
        ratio = result["rls_p50"] / result["where_p50"]
        ratio95 = result["rls_p95"] / result["where_p95"]
        worst = max(worst, ratio)
        print(
            f"{name:<34} {result['iterations']:>5} {result['rls_p50']:>8.3f} {result['rls_p95']:>7.3f} "
            f"{result['where_p50']:>10.3f} {result['where_p95']:>7.3f} {ratio:>6.2f} {ratio95:>6.2f}"
        )
    verdict = "PASS" if worst <= BUDGET else "FAIL"
    print(f"budget: RLS within {BUDGET}x of explicit WHERE (p50, worst query {worst:.2f}x): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
