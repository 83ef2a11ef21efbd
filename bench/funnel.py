"""Benchmark: the funnel report over 1,000,000 touchpoints and 100,000 conversions.

    python bench/funnel.py [--touchpoints 1000000] [--conversions 100000] [--outside 0] [--runs 5] [--fresh]

One brand with 10 stores and 20 campaigns; the touchpoints spread evenly over the 29 days before
now (all of them in the report's 30-day window: the hardest case), by 200,000 visitors of whom
50,000 are stitched to members; the conversions over the same days, each credited under last
touch (one row) and linear (three rows).
`--outside N` adds N more touchpoints a year earlier (the same window must cost about the same).
Times `attribution.selectors.funnel.funnel` (the report's whole database work and Python) for a
30-day window, every grouping, under last touch, linear and (by channel) markov. Budget: the
median of each at most 2 s (markov is reported, not held to it); exits 1 when over.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/o2o_bench_funnel; the database is
created, migrated and filled when missing (kept between runs; `--fresh` to start again).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._database import ensure_database  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_funnel")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.pop("REDIS_URL", None)

BUDGET_S = 2.0
SLUG = "bench-funnel"


def setup(*, fresh: bool) -> None:
    import django

    ensure_database(os.environ["DATABASE_URL"], fresh=fresh)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(*, touchpoints: int, conversions: int, outside: int) -> None:
    import datetime as dt

    from django.db import connection, transaction

    from attribution.choices import Channel
    from attribution.models import Campaign
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope
    from stores.services import StoreInput, create_store

    if Tenant.objects.filter(slug=SLUG).exists():
        return
    started = time.perf_counter()
    tenant = Tenant.objects.create(slug=SLUG, name="Bench Funnel")
    channels = [Channel.WECHAT, Channel.POSTER, Channel.DOUYIN, Channel.APP, Channel.MINI_PROGRAM]
    with tenant_scope(tenant), transaction.atomic():
        for i in range(10):
            create_store(
                tenant=tenant,
                data=StoreInput(
                    code=f"B{i:03d}",
                    name=f"Store {i}",
                    kind="direct",
                    region="east",
                    city="Shanghai",
                    address=f"{i} Nanjing Road",
                    lat=31.23,
                    lng=121.47 + i / 100,
                ),
            )
        for i in range(20):
            Campaign.objects.create(
                tenant=tenant, name=f"Campaign {i}", channel=channels[i % 5], starts=dt.date(2020, 1, 1)
            )
        with connection.cursor() as cursor:
            t = tenant.pk
            cursor.execute(
                f"""
                CREATE TEMP TABLE bench_campaign AS
                  SELECT id, channel, (row_number() OVER (ORDER BY id) - 1)::int AS n
                  FROM attribution_campaign WHERE tenant_id = {t};
                CREATE TEMP TABLE bench_store AS
                  SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM stores_store WHERE tenant_id = {t};
                INSERT INTO attribution_touchpoint
                  (tenant_id, at, visitor_id, kind, campaign_id, channel, store_id, referrer, user_agent, props)
                SELECT {t}, now() - (g::bigint * 2505600 / {touchpoints}) * interval '1 second', 'v' || (g % 200000),
                       'scan', c.id, c.channel,
                       CASE WHEN g % 4 = 0 THEN s.id END, '', '', '{{}}'
                FROM generate_series(1, {touchpoints}) g
                JOIN bench_campaign c ON c.n = g % 20 JOIN bench_store s ON s.n = g % 10;
                INSERT INTO attribution_touchpoint
                  (tenant_id, at, visitor_id, kind, campaign_id, channel, store_id, referrer, user_agent, props)
                SELECT {t}, now() - interval '400 days' - (g % 5184000) * interval '1 second', 'v' || (g % 200000),
                       'scan', c.id, c.channel, NULL, '', '', '{{}}'
                FROM generate_series(1, {outside}) g JOIN bench_campaign c ON c.n = g % 20;
                INSERT INTO members_member (tenant_id, phone, name, consent_marketing, joined_at)
                SELECT {t}, '+86139' || lpad(g::text, 8, '0'), 'm' || g, false, now()
                FROM generate_series(1, 50000) g;
                INSERT INTO attribution_visitoridentity (tenant_id, visitor_id, member_id, source, stitched_at)
                SELECT {t}, 'v' || (row_number() OVER (ORDER BY id) * 4), id, 'log_in', now()
                FROM members_member WHERE tenant_id = {t};
                INSERT INTO attribution_conversion
                  (tenant_id, kind, source_id, at, store_id, visitor_id, revenue, credited_at)
                SELECT {t}, (ARRAY['booking', 'visit', 'order'])[g % 3 + 1], g,
                       now() - (g::bigint * 2505600 / {conversions}) * interval '1 second', s.id, 'v' || (g % 200000),
                       CASE WHEN g % 3 = 2 THEN 199.00 ELSE 0 END, now()
                FROM generate_series(1, {conversions}) g JOIN bench_store s ON s.n = g % 10;
                INSERT INTO attribution_credit
                  (tenant_id, conversion_id, touchpoint_id, model, share, kind, at, store_id, revenue,
                   campaign_id, channel)
                SELECT {t}, v.id, f.first + (v.source_id * 7 + m.step) % {touchpoints}, m.model, m.share, v.kind,
                       v.at, v.store_id, v.revenue, c.id, c.channel
                FROM attribution_conversion v
                CROSS JOIN (VALUES ('last_touch', 0, 1.0), ('linear', 0, 0.333333333334),
                                   ('linear', 1, 0.333333333333), ('linear', 2, 0.333333333333))
                           AS m(model, step, share)
                JOIN bench_campaign c ON c.n = (v.source_id + m.step) % 20
                CROSS JOIN (SELECT min(id) AS first FROM attribution_touchpoint WHERE tenant_id = {t}) f
                WHERE v.tenant_id = {t};
                """
            )
    print(f"filled in {time.perf_counter() - started:.0f} s")


def analyze() -> None:
    """The planner's statistics, once the rows are committed, as the tables' owner (the login user:
    the application's restricted role may not ANALYZE, and PostgreSQL skips it with a warning)."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    raw = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    raw.autocommit = True
    try:
        with raw.cursor() as cursor:
            for table in ("attribution_touchpoint", "attribution_credit", "attribution_visitoridentity"):
                cursor.execute(f"ANALYZE {table}")
    finally:
        raw.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--touchpoints", type=int, default=1_000_000)
    parser.add_argument("--conversions", type=int, default=100_000)
    parser.add_argument("--outside", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    setup(fresh=args.fresh)
    fill(touchpoints=args.touchpoints, conversions=args.conversions, outside=args.outside)
    analyze()

    from django.db import connection

    from attribution.selectors.funnel import default_window, funnel
    from o2o.models import Tenant
    from o2o.tenancy import tenant_scope

    tenant = Tenant.objects.get(slug=SLUG)
    window = default_window(tenant=tenant)
    with tenant_scope(tenant), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM attribution_touchpoint WHERE tenant_id = %s", [tenant.pk])
        (touch_count,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM attribution_conversion WHERE tenant_id = %s", [tenant.pk])
        (conversion_count,) = cursor.fetchone()
    print(f"{touch_count:,} touchpoints, {conversion_count:,} conversions; window {window.first} to {window.last}")
    over = False
    cases = [
        (group, model) for model in ("last_touch", "linear") for group in ("campaign", "channel", "store", "guide")
    ]
    cases.append(("channel", "markov"))
    for group_by, model in cases:
        timings = []
        runs = 1 if model == "markov" else args.runs
        for _ in range(runs):
            with tenant_scope(tenant):
                started = time.perf_counter()
                rows = funnel(tenant=tenant, group_by=group_by, window=window, model=model)
                timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        held = model != "markov"
        verdict = ("PASS" if median <= BUDGET_S else "FAIL") if held else "(not budgeted)"
        over |= held and median > BUDGET_S
        print(
            f"funnel by {group_by:8} {model:10} {len(rows):3} rows: median {median * 1000:7.0f} ms "
            f"(min {min(timings) * 1000:.0f}) budget {BUDGET_S * 1000:.0f} ms {verdict}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
