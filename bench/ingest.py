"""Benchmark: ingesting events through the real HTTP stack (issue 11, "Speed").

    python bench/ingest.py [--duration 20] [--clients 6] [--batch 500] [--workers N] [--fresh]

What runs, all on this machine and in this one run:

1. The benchmark's database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/o2o_bench_ingest;
   its login user must be a superuser: the application runs as the restricted role) is created and
   migrated when missing, and a brand `bench-ingest` is seeded once: a store, a guide, two
   campaigns and 20 tracking links. Each run starts with none of its touchpoints (deleted as the
   tables' owner) and analyzes the table.
2. gunicorn (`o2o.wsgi`, DEBUG off, one sync worker per CPU, persistent database connections,
   the throttle's counts in an empty Redis database of 10-15, flushed after) on a free port.
3. Sustained ingest: `--clients` closed-loop clients (threads, keep-alive connections) each POST
   `/api/v1/events/` batches of `--batch` new events (client ids never sent before; a mix of
   scans, clicks and views, of link codes and campaign ids, with small props) for `--duration`
   seconds after a warm-up. Prints events accepted per second, the latency of a batch, and the
   server's CPU per event.
4. Concurrent retries: for `--retry-duration` seconds the clients go in pairs, both of a pair
   posting the same batches at the same moment (a client retrying while its first attempt runs).
5. Counts: the rows stored must be exactly the distinct events of every batch answered 202 (every
   accepted event stored, none twice).

Budget: at least 5,000 events/s accepted during the sustained phase; every accepted event stored
once; at most 1% of the batches failing. Prints each figure beside its budget with PASS/FAIL and
exits 1 on a FAIL. It stops the gunicorn it started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_ingest")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.pop("REDIS_URL", None)  # the seeding process needs no cache; gunicorn gets its own below

from bench._database import setup_django  # noqa: E402
from bench._gunicorn import Server, clear_redis, free_redis_db  # noqa: E402
from bench._load import closed_loop, cpu_per_request, describe, verdict  # noqa: E402

TENANT = "bench-ingest"
LINKS = 20
BUDGET_EVENTS_PER_S = 5000.0
BUDGET_ERRORS = 0.01


def seed() -> tuple[list[str], list[int]]:
    """The brand (created once) without touchpoints; its link codes and campaign ids."""
    from django.db import connection, transaction
    from django.utils import timezone

    from attribution.models import Campaign, Touchpoint, TrackingLink
    from o2o.models import IdempotencyRecord, Tenant
    from o2o.tenancy import tenant_scope
    from o2o.tenancy.rls import owner_connection
    from stores.services import StoreInput, create_store

    tenant = Tenant.objects.filter(slug=TENANT).first()
    if tenant is None:
        print("seeding the brand (once) ...", flush=True)
        with transaction.atomic():
            tenant = Tenant.objects.create(slug=TENANT, name="Bench Ingest")
            with tenant_scope(tenant):
                store = create_store(
                    tenant=tenant,
                    data=StoreInput(
                        code="BI01", name="Bench store", kind="direct", region="east", city="Shanghai",
                        address="1 Bench Road", lat=31.23, lng=121.47,
                    ),
                )  # fmt: skip
                starts = timezone.localdate() - dt.timedelta(days=60)
                poster = Campaign.objects.create(tenant=tenant, name="Posters", channel="poster", starts=starts)
                Campaign.objects.create(tenant=tenant, name="Mini-program", channel="mini_program", starts=starts)
                TrackingLink.objects.bulk_create(
                    [
                        TrackingLink(tenant=tenant, code=f"BENCH{n:02d}", campaign=poster, store=store)
                        for n in range(LINKS)
                    ]
                )
    with owner_connection(), connection.cursor() as cursor:
        for model in (Touchpoint, IdempotencyRecord):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE tenant_id = %s", [tenant.pk])
        cursor.execute(f"ANALYZE {Touchpoint._meta.db_table}")
    with transaction.atomic(), tenant_scope(tenant):
        codes = list(TrackingLink.objects.filter(tenant=tenant).order_by("code").values_list("code", flat=True))
        campaigns = list(Campaign.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True))
    return codes, campaigns


def count_touchpoints() -> int:
    from attribution.models import Touchpoint
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope

    tenant = Tenant.objects.get(slug=TENANT)
    with tenant_scope(tenant):
        return Touchpoint.objects.filter(tenant=tenant).count()


class Accepted:
    """The batches answered 202 (by key): their events are what must be stored, once each."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.lock = threading.Lock()

    def add(self, key: str) -> None:
        with self.lock:
            self.keys.add(key)


class Client:
    """One keep-alive connection posting batches of new events (or, paired, the batches of its pair)."""

    def __init__(
        self, port: int, *, seed: int, run: str, batch: int, codes: list[str], campaigns: list[int], accepted: Accepted
    ) -> None:
        self.port, self.batch, self.codes, self.campaigns, self.accepted = port, batch, codes, campaigns, accepted
        self.prefix = f"{run}-{seed}"
        self.rng = random.Random(seed)
        self.sent = 0
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def body(self, key: str) -> bytes:
        rng = self.rng
        ts = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)).isoformat(timespec="seconds")
        events: list[dict[str, Any]] = []
        for n in range(self.batch):
            event: dict[str, Any] = {
                "id": f"{key}-{n}",
                "visitor_id": f"v{rng.randrange(100_000)}",
                "type": rng.choice(("scan", "click", "view")),
                "ts": ts,
            }
            if n % 4 == 3:
                event["campaign"] = rng.choice(self.campaigns)
            else:
                event["link"] = rng.choice(self.codes)
                event["props"] = {"screen": "store", "n": n}
            events.append(event)
        return json.dumps({"events": events}).encode()

    def request(self) -> tuple[int, bytes]:
        self.sent += 1
        key = f"{self.prefix}-{self.sent}"
        headers = {"X-Tenant": TENANT, "Content-Type": "application/json", "Accept": "application/json"}
        try:
            self.connection.request("POST", "/api/v1/events/", body=self.body(key), headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            if response.will_close:
                self.connection.close()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            return 599, repr(exc).encode()
        if response.status == 202:
            self.accepted.add(key)
        return response.status, data

    def close(self) -> None:
        self.connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of sustained ingest measured")
    parser.add_argument("--retry-duration", type=float, default=5.0, help="seconds of paired concurrent retries")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=6, help="closed-loop clients")
    parser.add_argument("--batch", type=int, default=500, help="events per batch")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the benchmark's database")
    args = parser.parse_args()
    began = time.perf_counter()

    setup_django(fresh=args.fresh)
    codes, campaigns = seed()
    redis_url = free_redis_db()
    server = Server(workers=args.workers, threads=1, redis_url=redis_url)
    print(f"gunicorn: {args.workers} workers on 127.0.0.1:{server.port}; cache {redis_url or 'local memory'}")
    accepted = Accepted()
    run = f"r{int(time.time())}"

    def caller(phase: str, pair: bool) -> Any:
        def make(seed: int) -> Client:
            # paired: two clients share a seed, so they post the same batches at about the same time
            seed = seed // 2 if pair else seed
            return Client(
                server.port, seed=seed, run=f"{run}{phase}", batch=args.batch, codes=codes, campaigns=campaigns,
                accepted=accepted,
            )  # fmt: skip

        return make

    try:
        probe = Client(server.port, seed=0, run=f"{run}probe", batch=1, codes=codes, campaigns=campaigns,
                       accepted=accepted)  # fmt: skip
        server.wait_ready(lambda: probe.request()[0])
        probe.close()
        sustained = closed_loop(
            caller("s", False), clients=args.clients, warmup=args.warmup, duration=args.duration, server=server
        )
        describe(f"sustained ({args.clients} clients, batches of {args.batch})", sustained)
        if sustained.total:
            per_batch = cpu_per_request("sustained", sustained)
            print(f"  that is {per_batch * 1000 / args.batch:.0f} us of server CPU per event", flush=True)
        retries = closed_loop(
            caller("p", True), clients=2 * max(1, args.clients // 2), warmup=0.5, duration=args.retry_duration,
            server=server,
        )  # fmt: skip
        describe("paired concurrent retries", retries)
    finally:
        server.stop()
        clear_redis(redis_url)
    problems = server.errors()
    if problems:
        print(f"gunicorn logged errors (log kept: {server.log.name}):\n" + problems)
    else:
        Path(server.log.name).unlink(missing_ok=True)

    stored = count_touchpoints()
    expected = sum(1 if key.startswith(f"{run}probe") else args.batch for key in accepted.keys)
    events_per_s = sustained.rate * args.batch
    failed = max(sustained.error_share, retries.error_share)
    checks = [
        (
            f"sustained ingest {events_per_s:,.0f} events/s ({sustained.rate:.1f} batches/s of {args.batch})  "
            f"(budget >= {BUDGET_EVENTS_PER_S:,.0f})",
            events_per_s >= BUDGET_EVENTS_PER_S,
        ),
        (
            f"rows stored {stored:,} = distinct events of the batches answered 202 {expected:,} "
            f"(retries included: no duplicate, none lost)",
            stored == expected,
        ),
        (
            f"failed batches: sustained {sustained.error_share:.2%}, retries {retries.error_share:.2%}  "
            f"(budget <= {BUDGET_ERRORS:.0%})",
            failed <= BUDGET_ERRORS,
        ),
    ]
    print()
    for line, passed in checks:
        print(f"{verdict(passed)}  {line}")
    print(f"(whole run {time.perf_counter() - began:.0f}s)")
    return 0 if all(passed for _, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
