"""Benchmark: placing orders through the real HTTP stack (issue 4, "Speed").

    python bench/place_orders.py [--duration 20] [--clients 12] [--workers N] [--threads 1] [--fresh]

What runs, all on this machine and in this one run:

1. The benchmark's database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/o2o_bench_orders;
   its login user must be a superuser: the application runs as the restricted role) is created and
   migrated when missing, and a brand `bench` is seeded once: 30 stores in three cities (all offer
   pick-up and delivery within 8 km, a few franchise stores with a territory), 20 SKUs with plenty
   of stock everywhere, 300 consumers. Each run starts from the same state: the previous run's
   orders are deleted (as the tables' owner: the application may not delete an order's audit
   trail) and the stock reset, and each consumer is issued a new API token (tokens are stored
   hashed, so an earlier run's keys cannot be read back).
2. pgbench's TPC-B (`pgbench -i -s 10` into a database of its own, `o2o_bench_pgbench`, then
   `pgbench -c 8 -j 2 -T 15`): the machine's database speed, as the yardstick.
3. gunicorn (`o2o.wsgi`, DEBUG off, one sync worker per CPU, as the Dockerfile runs it: on this
   CPU-bound path they serve more orders than threads do, which contend for the GIL; persistent
   database connections, Celery tasks sent to an empty Redis database of 10-15, flushed after) on
   a free port of 127.0.0.1. It also prints the server's CPU per request (gunicorn's processes and
   the PostgreSQL backends serving it, over the measured window), the CPU per order the budget's
   rate leaves on this machine, and the load average: on a shared machine the figures move with
   the neighbours' load.
4. Peak: `--clients` closed-loop clients (threads, keep-alive connections, http.client) each
   POST `/api/v1/orders/` as a random consumer (token, X-Tenant, an Idempotency-Key) for
   `--duration` seconds after a short warm-up: 1 to 3 lines, 80% pick-up and 20% delivery, from a
   random point in one of the cities. Prints orders per second and p50/p95/p99 latency.
5. Half load: open-loop clients paced at half of the peak rate for `--half-duration` seconds; the
   latency of a request counts from the moment it was due (so a stall is not hidden by the clients
   waiting: no coordinated omission). Prints p50/p95/p99 there.

Budget: orders/s at peak >= 10% of pgbench's TPS; p95 <= 150 ms at half of the peak rate; and at
most 1% of the requests failing. Prints each figure beside its budget with PASS/FAIL and exits 1 on
a FAIL. It stops the gunicorn it started; it drops only its own pgbench database (and, with
`--fresh`, its own orders database before re-creating it).

6. Floor: the same clients drive `GET /api/v1/me/` (token, tenant, roles: the cheapest
   authenticated request) for `--floor-duration` seconds, and it prints that rate beside pgbench's
   and the orders', for scale: what this stack serves at most on this machine (not a budget).

`--target me` drives `GET /api/v1/me/` instead of placing orders (a check of the harness itself).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_orders")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.pop("REDIS_URL", None)  # the seeding process needs no broker; gunicorn gets its own below

from bench._cpu import server_cpu  # noqa: E402
from bench._database import ensure_database  # noqa: E402

TENANT = "bench"
PGBENCH_DB = "o2o_bench_pgbench"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
BUDGET_RATIO = 0.10  # orders/s >= 10% of pgbench's TPS
BUDGET_P95_MS = 150.0  # at half of the peak rate
BUDGET_ERRORS = 0.01
STORES_PER_CITY = 10
SKUS = 20
CONSUMERS = 300
ON_HAND = 10_000_000
CITIES = [  # name, centre, districts of its franchise territories
    ("Shanghai", 31.2304, 121.4737, ["310101", "310104"]),
    ("Hangzhou", 30.2741, 120.1551, ["330102"]),
    ("Suzhou", 31.2990, 120.5853, ["320505"]),
]
SPREAD_DEG = 0.05  # stores and consumers within about 5 km of a city's centre


# --- database, seeding ------------------------------------------------------------------------


def pg_params(url: str) -> dict[str, Any]:
    import environ

    config = environ.Env.db_url_config(url)
    return {
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "dbname": config["NAME"],
    }


def admin_sql(url: str, *statements: tuple[str, list[Any] | None]) -> list[Any]:
    """Run statements on the server's `postgres` database (autocommit), returning the last's rows."""
    import psycopg2

    params = pg_params(url) | {"dbname": "postgres"}
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    rows: list[Any] = []
    try:
        with connection.cursor() as cursor:
            for statement, args in statements:
                cursor.execute(statement, args)
                rows = cursor.fetchall() if cursor.description else []
    finally:
        connection.close()
    return rows


def setup_django(*, fresh: bool) -> None:
    import django

    started = time.perf_counter()
    ensure_database(os.environ["DATABASE_URL"], fresh=fresh)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.1f}s", flush=True)


@dataclass
class Brand:
    slug: str
    sku_ids: list[int]
    tokens: list[str]
    stores: int


def seed() -> Brand:
    """The brand `bench` (created once) with no orders and full stock, whatever ran before."""
    from django.db import connection, transaction

    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from o2o.tenancy.rls import owner_connection

    started = time.perf_counter()
    tenant = Tenant.objects.filter(slug=TENANT).first()
    if tenant is None:
        tenant = _create_brand()
    with owner_connection(), transaction.atomic():
        _reset(tenant)
    with transaction.atomic(), tenant_scope(tenant):
        brand = _load(tenant)
    with connection.cursor() as cursor:
        for table in ("stores_stock", "orders_order", "orders_orderline", "orders_orderevent"):
            cursor.execute(f"ANALYZE {table}")
    print(
        f"brand {brand.slug}: {brand.stores} stores, {len(brand.sku_ids)} SKUs, {len(brand.tokens)} consumers "
        f"({time.perf_counter() - started:.1f}s)",
        flush=True,
    )
    return brand


def _create_brand() -> Any:
    from django.db import transaction

    from catalog.models import Category, Product, Sku
    from members.models import Member
    from o2o.choices import Role
    from o2o.models import Tenant, TenantRole, User
    from o2o.tenancy import tenant_scope
    from stores.services import StockLevel, StoreInput, create_store, set_stock

    rng = random.Random(4)
    print("seeding the brand (once) ...", flush=True)
    with transaction.atomic():
        tenant = Tenant.objects.create(slug=TENANT, name="Bench Lighting")
        with tenant_scope(tenant):
            category = Category.objects.create(tenant=tenant, name="Lamps")
            skus = []
            for n in range(SKUS // 2):
                product = Product.objects.create(tenant=tenant, name=f"Lamp {n + 1}", category=category)
                for variant in ("S", "L"):
                    skus.append(
                        Sku(
                            tenant=tenant,
                            product=product,
                            code=f"B-{n + 1:02d}-{variant}",
                            name=variant,
                            price=Decimal(f"{rng.randint(50, 900)}.00"),
                        )
                    )
            skus = Sku.objects.bulk_create(skus)
            number = 0
            for city, lat, lng, districts in CITIES:
                for index in range(STORES_PER_CITY):
                    number += 1
                    franchise = index < len(districts)
                    store = create_store(
                        tenant=tenant,
                        data=StoreInput(
                            code=f"B{number:03d}",
                            name=f"{city} {index + 1}",
                            kind="franchise" if franchise else ("counter" if index % 4 == 3 else "direct"),
                            region=["east", "north", "south"][number % 3],
                            city=city,
                            address=f"{index + 1} Bench Road, {city}",
                            lat=lat + rng.uniform(-SPREAD_DEG, SPREAD_DEG),
                            lng=lng + rng.uniform(-SPREAD_DEG, SPREAD_DEG),
                            service_radius_km=Decimal("8.00"),
                            capabilities=["pickup", "delivery"],
                            territory=[districts[index]] if franchise else [],
                        ),
                    )
                    set_stock(
                        tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=ON_HAND) for sku in skus]
                    )
            users = User.objects.bulk_create(
                [
                    User(username=f"+861380000{n:04d}", name=f"Bench consumer {n}", password="!unusable")
                    for n in range(CONSUMERS)
                ]
            )
            TenantRole.objects.bulk_create([TenantRole(tenant=tenant, user=user, role=Role.CONSUMER) for user in users])
            Member.objects.bulk_create(
                [Member(tenant=tenant, user=user, phone=user.username, name=user.name) for user in users]
            )
    return tenant


def _reset(tenant: Any) -> None:
    """Delete the brand's orders (and what hangs off them) and give every store its full stock back.

    Run as the tables' owner: the application role may not delete order events."""
    from django.db import connection

    from o2o.models import IdempotencyRecord
    from orders.models import Order, OrderEvent, OrderLine, Refund, RefundLine
    from stores.models import Stock

    with connection.cursor() as cursor:
        for model in (RefundLine, Refund, OrderEvent, OrderLine, Order, IdempotencyRecord):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE tenant_id = %s", [tenant.pk])
    Stock.objects.filter(tenant=tenant).update(on_hand=ON_HAND, reserved=0)


def _load(tenant: Any) -> Brand:
    from catalog.models import Sku
    from o2o.choices import Role
    from o2o.models import TenantRole, User
    from o2o.tokens import issue_token
    from stores.models import Store

    consumer_ids = TenantRole.objects.filter(tenant=tenant, role=Role.CONSUMER).values_list("user_id", flat=True)
    consumers = User.objects.filter(pk__in=list(consumer_ids)).order_by("pk")
    return Brand(
        slug=tenant.slug,
        sku_ids=list(Sku.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)),
        tokens=[issue_token(user=user) for user in consumers],
        stores=Store.objects.filter(tenant=tenant).count(),
    )


def count_orders() -> dict[str, int]:
    from django.db.models import Count

    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from orders.models import Order

    tenant = Tenant.objects.get(slug=TENANT)
    with tenant_scope(tenant):
        rows = Order.objects.filter(tenant=tenant).values_list("status").annotate(n=Count("pk"))
        return dict(rows.values_list("status", "n"))


# --- pgbench ----------------------------------------------------------------------------------


def run_pgbench(url: str, *, scale: int, clients: int, threads: int, seconds: int) -> float:
    """pgbench's TPC-B TPS on a database of its own, created for this run and dropped after."""
    params = pg_params(url)
    env = dict(os.environ)
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    conn = ["-h", params["host"] or "127.0.0.1", "-p", str(params["port"] or 5432), "-U", params["user"]]
    pgbench = str(PG_BIN / "pgbench") if (PG_BIN / "pgbench").exists() else "pgbench"
    admin_sql(
        url, (f'DROP DATABASE IF EXISTS "{PGBENCH_DB}" WITH (FORCE)', None), (f'CREATE DATABASE "{PGBENCH_DB}"', None)
    )
    try:
        started = time.perf_counter()
        subprocess.run(
            [pgbench, *conn, "-i", "-s", str(scale), "-q", PGBENCH_DB],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"pgbench: initialised scale {scale} in {time.perf_counter() - started:.1f}s", flush=True)
        result = subprocess.run(
            [pgbench, *conn, "-c", str(clients), "-j", str(threads), "-T", str(seconds), PGBENCH_DB],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        admin_sql(url, (f'DROP DATABASE IF EXISTS "{PGBENCH_DB}" WITH (FORCE)', None))
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if match is None:
        match = re.search(r"tps = ([\d.]+)", result.stdout)
    if match is None:
        sys.exit(f"could not read pgbench's TPS from:\n{result.stdout}\n{result.stderr}")
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    tps = float(match.group(1))
    print(
        f"pgbench: TPC-B, {clients} clients, {threads} threads, {seconds}s: {tps:.0f} TPS"
        + (f" (latency average {latency.group(1)} ms)" if latency else ""),
        flush=True,
    )
    return tps


# --- gunicorn ---------------------------------------------------------------------------------


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


# --- the clients ------------------------------------------------------------------------------


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


class Client:
    """One keep-alive HTTP connection and the requests of one simulated caller."""

    def __init__(self, port: int, brand: Brand, *, target: str, seed: int) -> None:
        self.port = port
        self.brand = brand
        self.target = target
        self.rng = random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self) -> tuple[int, bytes]:
        token = self.rng.choice(self.brand.tokens)
        headers = {"Authorization": f"Token {token}", "X-Tenant": self.brand.slug, "Accept": "application/json"}
        if self.target == "me":
            method, path, body = "GET", "/api/v1/me/", None
        else:
            method, path = "POST", "/api/v1/orders/"
            body = json.dumps(self.order_body()).encode()
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = uuid.uuid4().hex
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            if response.will_close:
                self.connection.close()
            return response.status, data
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            return 599, repr(exc).encode()

    def order_body(self) -> dict[str, Any]:
        rng = self.rng
        _city, lat, lng, _districts = rng.choice(CITIES)
        lines = [
            {"sku": sku, "quantity": rng.randint(1, 3)} for sku in rng.sample(self.brand.sku_ids, rng.randint(1, 3))
        ]
        return {
            "fulfilment": "delivery" if rng.random() < 0.2 else "pickup",
            "lines": lines,
            "location": {
                "lat": round(lat + rng.uniform(-SPREAD_DEG, SPREAD_DEG), 6),
                "lng": round(lng + rng.uniform(-SPREAD_DEG, SPREAD_DEG), 6),
            },
        }

    def close(self) -> None:
        self.connection.close()


def closed_loop(
    port: int, brand: Brand, *, target: str, clients: int, warmup: float, duration: float, server: Server
) -> Results:
    """`clients` callers each sending the next request as soon as the last one answered; the CPU
    the server and its database backends used is read at the start and end of the measured window."""
    results = Results()
    start = time.monotonic() + 0.2
    measure_from = start + warmup
    stop_at = measure_from + duration

    def run(index: int) -> None:
        client = Client(port, brand, target=target, seed=1000 + index)
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


def paced(port: int, brand: Brand, *, target: str, rate: float, duration: float, clients: int) -> Results:
    """Open loop: requests due at `rate` per second, spread over `clients` callers; the latency of
    a request counts from when it was due, so a caller held up by a slow answer still pays for it."""
    results = Results()
    interval = clients / rate
    start = time.monotonic() + 0.5
    stop_at = start + duration

    def run(index: int) -> None:
        client = Client(port, brand, target=target, seed=5000 + index)
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


# --- report -----------------------------------------------------------------------------------


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured at peak")
    parser.add_argument("--half-duration", type=float, default=15.0, help="seconds measured at half the peak")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=12, help="closed-loop clients at peak")
    parser.add_argument("--paced-clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (> 1: gthread)")
    parser.add_argument("--pgbench-scale", type=int, default=10)
    parser.add_argument("--pgbench-clients", type=int, default=8)
    parser.add_argument("--pgbench-threads", type=int, default=2)
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--target", choices=["orders", "me"], default="orders")
    parser.add_argument("--paced-rate", type=float, help="pace the second phase at this rate instead (diagnosis)")
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the benchmark's database")
    parser.add_argument(
        "--floor-duration",
        type=float,
        default=10.0,
        help="seconds of GET /api/v1/me/ at peak after the orders, as the stack's floor (0: skip)",
    )
    args = parser.parse_args()
    began = time.perf_counter()

    setup_django(fresh=args.fresh)
    brand = seed()
    tps = run_pgbench(
        os.environ["DATABASE_URL"],
        scale=args.pgbench_scale,
        clients=args.pgbench_clients,
        threads=args.pgbench_threads,
        seconds=args.pgbench_seconds,
    )

    redis_url = free_redis_db()
    server = Server(workers=args.workers, threads=args.threads, redis_url=redis_url)
    print(
        f"gunicorn: {args.workers} workers x {args.threads} threads on 127.0.0.1:{server.port}; "
        f"Celery broker {redis_url or 'none (eager tasks)'}",
        flush=True,
    )
    try:
        probe = Client(server.port, brand, target="me", seed=0)
        server.wait_ready(lambda: probe.request()[0])
        probe.close()
        peak = closed_loop(
            server.port,
            brand,
            target=args.target,
            clients=args.clients,
            warmup=args.warmup,
            duration=args.duration,
            server=server,
        )
        describe(f"peak ({args.clients} clients)", peak)
        if peak.total:
            cpu_per_request("peak", peak)
            if args.target == "orders":
                budget_rate = BUDGET_RATIO * tps
                print(
                    f"  the budget's rate, {budget_rate:.0f} orders/s, leaves "
                    f"{(os.cpu_count() or 1) * 1000 / budget_rate:.1f} ms of this machine's CPU per order",
                    flush=True,
                )
        if peak.rate <= 0:
            print(server.errors())
            return 1
        half_rate = args.paced_rate or peak.rate / 2
        half = paced(
            server.port,
            brand,
            target=args.target,
            rate=half_rate,
            duration=args.half_duration,
            clients=args.paced_clients,
        )
        describe(f"half load (paced at {half_rate:.1f}/s)", half)
        floor = None
        if args.target == "orders" and args.floor_duration > 0:
            # the same clients and server on the cheapest authenticated request: what this stack
            # serves at most on this machine, for scale (not a budget)
            floor = closed_loop(
                server.port,
                brand,
                target="me",
                clients=args.clients,
                warmup=1.0,
                duration=args.floor_duration,
                server=server,
            )
            describe(f"floor: GET /api/v1/me/ ({args.clients} clients)", floor)
            if floor.rate > 0:
                cpu_per_request("floor", floor)
                print(
                    f"  an order costs {floor.rate / peak.rate:.1f} of the floor's requests; the floor is "
                    f"{floor.rate / tps:.1%} of pgbench's TPS",
                    flush=True,
                )
    finally:
        server.stop()
        clear_redis(redis_url)
    problems = server.errors()
    if problems:
        print(f"gunicorn logged errors (log kept: {server.log.name}):\n" + problems)
    else:
        Path(server.log.name).unlink(missing_ok=True)
    if args.target == "orders":
        print(f"orders in the database: {count_orders()}")

    ratio = peak.rate / tps
    checks = [
        (
            f"peak orders/s {peak.rate:.1f} vs pgbench {tps:.0f} TPS: ratio {ratio:.1%}  "
            f"(budget >= {BUDGET_RATIO:.0%})",
            ratio >= BUDGET_RATIO,
        ),
        (
            f"p95 at half the peak rate ({half_rate:.1f}/s): {half.percentile(0.95):.1f} ms  "
            f"(budget <= {BUDGET_P95_MS:.0f} ms)",
            half.percentile(0.95) <= BUDGET_P95_MS,
        ),
        (
            f"failed requests: peak {peak.error_share:.2%}, half {half.error_share:.2%}  "
            f"(budget <= {BUDGET_ERRORS:.0%})",
            max(peak.error_share, half.error_share) <= BUDGET_ERRORS,
        ),
    ]
    print()
    for line, passed in checks:
        print(f"{verdict(passed)}  {line}")
    print(f"(whole run {time.perf_counter() - began:.0f}s)")
    return 0 if all(passed for _, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
