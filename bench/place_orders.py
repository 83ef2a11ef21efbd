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
import sys
import time
import uuid
from collections.abc import Callable
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

from bench._database import setup_django  # noqa: E402
from bench._gunicorn import Server, clear_redis, free_redis_db  # noqa: E402
from bench._load import closed_loop, cpu_per_request, describe, paced, verdict  # noqa: E402
from bench._orders_brand import CITIES, SPREAD_DEG, Brand, count_orders, seed  # noqa: E402
from bench._pgbench import run_pgbench  # noqa: E402

BUDGET_RATIO = 0.10  # orders/s >= 10% of pgbench's TPS
BUDGET_P95_MS = 150.0  # at half of the peak rate
BUDGET_ERRORS = 0.01


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
        fulfilment = "delivery" if rng.random() < 0.2 else "pickup"
        body: dict[str, Any] = {
            "fulfilment": fulfilment,
            "lines": lines,
            "location": {
                "lat": round(lat + rng.uniform(-SPREAD_DEG, SPREAD_DEG), 6),
                "lng": round(lng + rng.uniform(-SPREAD_DEG, SPREAD_DEG), 6),
            },
        }
        if fulfilment == "delivery":  # a delivery names its recipient (api.md, Orders)
            body["delivery"] = {"recipient": "王芳", "phone": "13912345678", "address": "南京东路 100 号 1201 室"}
        return body

    def close(self) -> None:
        self.connection.close()


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

    def callers(target: str) -> Callable[[int], Client]:
        return lambda seed: Client(server.port, brand, target=target, seed=seed)

    try:
        probe = Client(server.port, brand, target="me", seed=0)
        server.wait_ready(lambda: probe.request()[0])
        probe.close()
        peak = closed_loop(
            callers(args.target),
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
            callers(args.target),
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
                callers("me"),
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
