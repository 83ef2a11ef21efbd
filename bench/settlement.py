"""Benchmark: a settlement run over 1,000,000 orders, 2,000 stores and 50 campaigns.

    python bench/settlement.py [--orders 1000000] [--small 100000] [--fresh]

One brand (linear attribution, TAC on visits, a cap per visit) with 2,000 stores of every kind
(direct, franchise, counter; a quarter on their kind's default terms, the others with a contract,
a tenth of them with a newer one starting inside the period) and 50 campaigns. Two monthly periods
with the same stores and campaigns, filled with set-based SQL (`generate_series`):

- October 2026: `--orders` completed orders (one line each), 2% (every 47th) refunded in the period;
- September 2026: `--small` completed orders, the same refunds ratio;
- each period: every campaign's spend every day, 50,000 visits credited under linear (three
  credits each, on three touchpoints).

For each period, in a child process (so that its peak memory is its own), on one connection in
the brand's scope:
(a) the raw `SELECT store_id, sum(total_amount) FROM orders_order WHERE tenant_id = .. AND
    completed_at in the period GROUP BY store_id`, best of 3;
(b) a real run: `start_run` (its enqueueing held back), then the body of `execute_run_task` (the
    commissions' read, `execute_run`: inputs, computation, statements, lines and postings in one
    transaction; then the reconciliation), timed, its SQL statements counted
    (`connection.execute_wrapper`: every statement sent, bulk inserts included).
The previous runs of the brand are deleted as the tables' owner first, so each run is a fresh one.

Budgets (October): the run at most 10x the GROUP BY; the child's peak RSS (`ru_maxrss`, the
whole process: Python, Django and the run) at most 512 MB; the same number of statements for
both periods (it grows with stores and campaigns, not with orders). Exits 1 when over.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/o2o_bench_settlement; the database is
created, migrated and filled when missing (kept between runs; `--fresh` to start again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_settlement")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")  # production settings: no query log in memory
os.environ.pop("REDIS_URL", None)

from bench._database import setup_django  # noqa: E402

SLUG = "bench-settlement"
STORES = 2000
CAMPAIGNS = 50
VISITS = 50_000  # credited visits per period
BUDGET_RATIO = 10.0
BUDGET_RSS_MB = 512.0
BIG = (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
SMALL = (dt.date(2026, 9, 1), dt.date(2026, 10, 1))
SETTLEMENT_TABLES = (  # child rows first: what a run writes
    "settlements_posting",
    "settlements_journalentry",
    "settlements_statementevent",
    "settlements_statementline",
    "settlements_statement",
    "settlements_settlementrun",
)


def fill(*, orders: int, small: int) -> None:
    from decimal import Decimal

    from django.db import connection, transaction

    from attribution.choices import Channel
    from attribution.models import Campaign
    from catalog.models import Category, Product, Sku
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from stores.models import Store

    if Tenant.objects.filter(slug=SLUG).exists():
        return
    started = time.perf_counter()
    tenant = Tenant.objects.create(
        slug=SLUG,
        name="Bench Settlement",
        attribution_model="linear",
        tac_basis="visits",
        tac_cap_per_visit=Decimal("9.00"),
    )
    channels = [Channel.WECHAT, Channel.POSTER, Channel.DOUYIN, Channel.APP, Channel.MINI_PROGRAM]
    kinds = ["direct", "franchise", "counter"]
    with tenant_scope(tenant), transaction.atomic():
        Store.objects.bulk_create(
            [
                Store(
                    tenant=tenant,
                    code=f"S{i:04d}",
                    name=f"Store {i}",
                    kind=kinds[i % 3],
                    region="east",
                    city="Shanghai",
                    address=f"{i} Bench Road",
                    lat=31.0 + (i % 100) / 200,
                    lng=121.0 + (i // 100) / 200,
                )
                for i in range(STORES)
            ]
        )
        category = Category.objects.create(tenant=tenant, name="Lamps")
        product = Product.objects.create(tenant=tenant, name="Lamp", category=category)
        Sku.objects.bulk_create(
            [
                Sku(tenant=tenant, product=product, code=f"L-{n}", name=f"L{n}", price=Decimal("99.00"))
                for n in range(10)
            ]
        )
        for i in range(CAMPAIGNS):
            Campaign.objects.create(
                tenant=tenant, name=f"Campaign {i}", channel=channels[i % 5], starts=dt.date(2026, 1, 1)
            )
        with connection.cursor() as cursor:
            t = tenant.pk
            cursor.execute(
                f"""
                CREATE TEMP TABLE bench_store AS
                  SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM stores_store WHERE tenant_id = {t};
                CREATE TEMP TABLE bench_campaign AS
                  SELECT id, channel, (row_number() OVER (ORDER BY id) - 1)::int AS n
                  FROM attribution_campaign WHERE tenant_id = {t};
                CREATE TEMP TABLE bench_sku AS
                  SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM catalog_sku WHERE tenant_id = {t};
                -- contracts: a quarter of the stores on their kind's defaults, the others with one
                -- from January (share, TAC and commission terms varying), a tenth a newer one
                INSERT INTO stores_storecontract
                  (tenant_id, store_id, valid_from, sales_share_rate, tac_chargeable, commission_borne_by_store,
                   created_at)
                SELECT {t}, id, DATE '2026-01-01', 0.5 + (n % 45) / 100.0, n % 2 = 1, n % 3 = 1, now()
                FROM bench_store WHERE n % 4 <> 0;
                INSERT INTO stores_storecontract
                  (tenant_id, store_id, valid_from, sales_share_rate, tac_chargeable, commission_borne_by_store,
                   created_at)
                SELECT {t}, id, DATE '2026-10-15', 0.85, true, true, now() FROM bench_store WHERE n % 10 = 1;
                INSERT INTO members_member (tenant_id, phone, name, consent_marketing, joined_at)
                SELECT {t}, '+86139' || lpad(g::text, 8, '0'), 'm' || g, false, now()
                FROM generate_series(1, 20000) g;
                CREATE TEMP TABLE bench_member AS
                  SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM members_member WHERE tenant_id = {t};
                """
            )
            for prefix, (start, end), count in (("A", BIG, orders), ("B", SMALL, small)):
                _fill_period(cursor, t, prefix=prefix, start=start, end=end, count=count)
    print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)


def _fill_period(cursor: Any, t: int, *, prefix: str, start: dt.date, end: dt.date, count: int) -> None:
    """`count` completed orders spread over `[start, end)` on the brand's clock (Asia/Shanghai),
    each with one line; every 47th (every store has some) refunded half 6 hours later; each campaign's spend every day;
    VISITS visits credited under linear to three campaigns each."""
    seconds = int((end - start).total_seconds())
    first = f"TIMESTAMPTZ '{start} 00:00:00+08'"
    source_offset = 0 if prefix == "A" else 10_000_000
    cursor.execute(
        f"""
        INSERT INTO orders_order
          (tenant_id, number, member_id, store_id, fulfilment, channel, status, total_amount, refunded_amount,
           district, guide_code, guide_source, visitor_id, recipient, recipient_phone, address, pickup_code,
           routing_rule, routing, declined_store_ids, created_at, updated_at, completed_at)
        SELECT {t}, '{prefix}' || g, m.id, s.id, 'pickup', 'o2o', 'completed',
               (1 + g % 3) * (20.90 + (g * 7) % 500),
               CASE WHEN g % 47 = 0 THEN round((1 + g % 3) * (20.90 + (g * 7) % 500) / 2, 2) ELSE 0 END,
               '', '', '', '', '', '', '', '', '', '{{}}', '[]', c, c, c
        FROM generate_series(1, {count}) g
        CROSS JOIN LATERAL (SELECT {first} + (g::bigint * {seconds} / ({count} + 1)) * interval '1 second' AS c) at
        JOIN bench_store s ON s.n = g % {STORES}
        JOIN bench_member m ON m.n = g % 20000;
        INSERT INTO orders_orderline
          (tenant_id, order_id, sku_id, quantity, unit_price, total_amount, refunded_quantity)
        SELECT {t}, o.id, k.id, 1 + g % 3, 20.90 + (g * 7) % 500, o.total_amount, 0
        FROM orders_order o
        CROSS JOIN LATERAL (SELECT substr(o.number, 2)::bigint AS g) n
        JOIN bench_sku k ON k.n = g % 10
        WHERE o.tenant_id = {t} AND o.number LIKE '{prefix}%';
        INSERT INTO orders_refund (tenant_id, order_id, amount, reason, created_at)
        SELECT {t}, id, refunded_amount, 'bench', completed_at + interval '6 hours'
        FROM orders_order WHERE tenant_id = {t} AND number LIKE '{prefix}%' AND refunded_amount > 0;
        INSERT INTO attribution_campaignspend (tenant_id, campaign_id, date, amount, note, created_at)
        SELECT {t}, c.id, d::date, 100 + c.n * 3.17 + extract(day FROM d), '', now()
        FROM bench_campaign c
        CROSS JOIN generate_series(DATE '{start}', DATE '{end}' - 1, interval '1 day') d;
        CREATE TEMP TABLE bench_visit AS
          SELECT g, {first} + (g::bigint * {seconds} / ({VISITS} + 1)) * interval '1 second' AS at,
                 'v{prefix}' || g AS visitor
          FROM generate_series(1, {VISITS}) g;
        INSERT INTO attribution_touchpoint
          (tenant_id, at, visitor_id, kind, campaign_id, channel, store_id, referrer, user_agent, props)
        SELECT {t}, v.at - (step + 1) * interval '1 hour', v.visitor, 'scan', c.id, c.channel, NULL, '', '', '{{}}'
        FROM bench_visit v CROSS JOIN generate_series(0, 2) step
        JOIN bench_campaign c ON c.n = (v.g + step * 7) % {CAMPAIGNS};
        INSERT INTO attribution_conversion (tenant_id, kind, source_id, at, store_id, visitor_id, revenue, credited_at)
        SELECT {t}, 'visit', {source_offset} + v.g, v.at, s.id, v.visitor, 0, now()
        FROM bench_visit v JOIN bench_store s ON s.n = (v.g * 13) % {STORES};
        INSERT INTO attribution_credit
          (tenant_id, conversion_id, touchpoint_id, model, share, kind, at, store_id, revenue, campaign_id, channel)
        SELECT {t}, v.id, p.id, 'linear',
               CASE WHEN p.at = v.at - interval '3 hours' THEN 0.333333333334 ELSE 0.333333333333 END,
               'visit', v.at, v.store_id, 0, p.campaign_id, p.channel
        FROM attribution_conversion v
        JOIN attribution_touchpoint p ON p.tenant_id = {t} AND p.visitor_id = v.visitor_id
        WHERE v.tenant_id = {t} AND v.visitor_id LIKE 'v{prefix}%';
        DROP TABLE bench_visit;
        """
    )
    print(f"period {start}..{end}: {count:,} orders filled", flush=True)


def analyze() -> None:
    from django.db import connection

    from o2o.tenancy.rls import owner_connection

    with owner_connection(), connection.cursor() as cursor:
        for table in (
            "orders_order",
            "orders_orderline",
            "orders_refund",
            "attribution_campaignspend",
            "attribution_credit",
            "attribution_touchpoint",
            "stores_storecontract",
        ):
            cursor.execute(f"ANALYZE {table}")


def delete_runs(tenant_id: int) -> None:
    """The brand's previous runs and all they wrote, as the tables' owner (the application role
    may not delete postings)."""
    from django.db import connection, transaction

    from o2o.tenancy.rls import owner_connection

    with owner_connection(), transaction.atomic(), connection.cursor() as cursor:
        for table in SETTLEMENT_TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant_id])


def child(period: tuple[dt.date, dt.date]) -> dict[str, Any]:
    """In the child process: (a) the raw GROUP BY, best of 3; (b) the run, timed and counted."""
    from unittest import mock

    import django

    django.setup()
    from django.db import connection

    import settlements.tasks
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from settlements.models import Statement, StatementLine
    from settlements.selectors.inputs import period_bounds
    from settlements.services.runs import start_run
    from settlements.tasks import execute_run_task

    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tenant = Tenant.objects.get(slug=SLUG)
    start, end = period
    first, after = period_bounds(tenant, start, end)
    raw = []
    with tenant_scope(tenant), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM orders_order WHERE tenant_id = %s AND completed_at >= %s AND completed_at < %s",
            [tenant.pk, first, after],
        )
        (orders,) = cursor.fetchone()
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(
                "SELECT store_id, sum(total_amount) FROM orders_order"
                " WHERE tenant_id = %s AND completed_at >= %s AND completed_at < %s GROUP BY store_id",
                [tenant.pk, first, after],
            )
            cursor.fetchall()
            raw.append(time.perf_counter() - started)

    with tenant_scope(tenant), mock.patch("settlements.services.runs._enqueue"):
        run, created = start_run(tenant=tenant, period_start=start, period_end=end)
    assert created, "the previous run was not deleted"

    statements = {"run": 0, "reconcile": 0}
    phase = ["run"]
    reconcile = settlements.tasks.reconcile_run
    timings: dict[str, float] = {}

    def timed_reconcile(**kwargs: Any) -> Any:
        timings["run"] = time.perf_counter() - started
        phase[0] = "reconcile"
        began = time.perf_counter()
        try:
            return reconcile(**kwargs)
        finally:
            timings["reconcile"] = time.perf_counter() - began

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[phase[0]] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), mock.patch("settlements.tasks.reconcile_run", timed_reconcile):
        started = time.perf_counter()
        status = execute_run_task.run(tenant_id=tenant.pk, run_id=run.pk)
    with tenant_scope(tenant):
        made = Statement.objects.filter(tenant=tenant, run_id=run.pk).count()
        lines = StatementLine.objects.filter(tenant=tenant, statement__run_id=run.pk).count()
        run.refresh_from_db()
    return {
        "orders": orders,
        "raw_best": min(raw),
        "raw_all": raw,
        "status": status,
        "reconciled": bool(run.reconciliation.get("ok")),
        "statements": made,
        "lines": lines,
        "run_s": timings["run"],
        "reconcile_s": timings["reconcile"],
        "sql_run": statements["run"],
        "sql_reconcile": statements["reconcile"],
        "baseline_mb": baseline_mb,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(tenant_id: int, period: tuple[dt.date, dt.date]) -> dict[str, Any]:
    delete_runs(tenant_id)
    command = [sys.executable, __file__, "--child", period[0].isoformat(), period[1].isoformat()]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["children_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("START", "END"))
    args = parser.parse_args()
    if args.child:
        period = (dt.date.fromisoformat(args.child[0]), dt.date.fromisoformat(args.child[1]))
        print(json.dumps(child(period)), flush=True)
        return 0
    setup_django(fresh=args.fresh)
    fill(orders=args.orders, small=args.small)
    analyze()

    from o2o.models import Tenant

    tenant = Tenant.objects.get(slug=SLUG)
    print(f"load before: {os.getloadavg()[0]:.1f} (2 cores, shared)", flush=True)
    first = measure(tenant.pk, SMALL)  # the brand's first run also creates its ledger accounts
    print(f"first run of the brand (creates the accounts): {first['sql_run']} SQL statements", flush=True)
    big = measure(tenant.pk, BIG)
    small = measure(tenant.pk, SMALL)
    print(f"load after: {os.getloadavg()[0]:.1f}")
    for label, f in (("small", small), ("big", big)):
        print(
            f"{label}: {f['orders']:,} orders -> {f['statements']:,} statements, {f['lines']:,} lines "
            f"({f['status']}, reconciled {f['reconciled']}); GROUP BY best {f['raw_best'] * 1000:.0f} ms "
            f"(runs {', '.join(f'{t * 1000:.0f}' for t in f['raw_all'])}); run {f['run_s']:.2f} s "
            f"= {f['run_s'] / f['raw_best']:.1f}x; reconciliation {f['reconcile_s']:.2f} s; "
            f"SQL statements: run {f['sql_run']}, reconciliation {f['sql_reconcile']}; "
            f"peak RSS {f['peak_mb']:.0f} MB (after django.setup {f['baseline_mb']:.0f} MB)"
        )
    ratio = big["run_s"] / big["raw_best"]
    whole = (big["run_s"] + big["reconcile_s"]) / big["raw_best"]
    same = (small["sql_run"], small["sql_reconcile"]) == (big["sql_run"], big["sql_reconcile"])
    checks = [
        (f"run / GROUP BY: {ratio:.1f}x (with the reconciliation: {whole:.1f}x)", ratio <= BUDGET_RATIO, "<= 10x"),
        (
            f"peak RSS of the run's process: {big['peak_mb']:.0f} MB"
            f" (RUSAGE_CHILDREN {big['children_peak_mb']:.0f} MB)",
            big["peak_mb"] <= BUDGET_RSS_MB,
            "<= 512 MB",
        ),
        (
            f"SQL statements at {small['orders']:,} / {big['orders']:,} orders: "
            f"{small['sql_run']}+{small['sql_reconcile']} / {big['sql_run']}+{big['sql_reconcile']}",
            same,
            "the same",
        ),
    ]
    for text, ok, budget in checks:
        print(f"{text}; budget {budget}: {'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
