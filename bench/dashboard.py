"""Benchmark: the HQ dashboard `/hq/` over 1,000,000 touchpoints and 100,000 conversions.

    python bench/dashboard.py [--touchpoints 1000000] [--conversions 100000] [--requests 50] [--fresh]

The brand of bench/funnel.py (10 stores, 20 campaigns, the touchpoints and conversions spread over
the 30-day window, credits under last touch and linear), filled by its `fill` into this
benchmark's own database. Prints how long `refresh_dashboard` (the snapshot of the brand's and its
stores' figures, markov included) takes, then times `GET /hq/` server-side for an HQ admin: the
whole request handling through Django's test client in-process (middleware, session, tenant scope,
the snapshot read, the live orders cards, the template and its charts' data). Budget: p95 at most
500 ms; exits 1 when over.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/o2o_bench_dashboard; the database is
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

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2o_bench_dashboard")
os.environ["DJANGO_SETTINGS_MODULE"] = "o2o.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")  # production settings: no query log in memory
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
os.environ.setdefault("CONN_MAX_AGE", "60")
os.environ.pop("REDIS_URL", None)

from bench._database import setup_django  # noqa: E402
from bench.funnel import SLUG, analyze, fill  # noqa: E402

BUDGET_P95_MS = 500.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--touchpoints", type=int, default=1_000_000)
    parser.add_argument("--conversions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    setup_django(fresh=args.fresh)
    from django.conf import settings

    # the pages' {% static %} without collectstatic's manifest (whitenoise's storage needs one)
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    fill(touchpoints=args.touchpoints, conversions=args.conversions, outside=0)
    analyze()

    from django.test import Client

    from attribution.services.dashboard import refresh_dashboard
    from o2o.choices import Role
    from o2o.models import Tenant, User
    from o2o.services import grant_role
    from o2o.tenancy import tenant_scope

    tenant = Tenant.objects.get(slug=SLUG)
    print(f"load before: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    timings = []
    for _ in range(2):
        with tenant_scope(tenant):
            started = time.perf_counter()
            written = refresh_dashboard(tenant=tenant)
            timings.append(time.perf_counter() - started)
    runs = ", ".join(f"{t:.1f}" for t in timings)
    print(f"refresh_dashboard: {written} snapshots in {min(timings):.1f} s (runs: {runs})")

    user = User.objects.filter(username="bench-dashboard-hq").first()
    if user is None:
        user = User.objects.create_user(username="bench-dashboard-hq", password="bench-secret-42", name="HQ")
        with tenant_scope(tenant):
            grant_role(tenant=tenant, user=user, role=Role.HQ_ADMIN)
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    for _ in range(3):  # warm-up: session, caches, templates
        response = client.get("/hq/")
        assert response.status_code == 200, response.status_code
        assert b'data-testid="funnel-visitors"' in response.content, "the snapshot is not shown"
    page = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get("/hq/")
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p50, p95 = statistics.median(page), percentile(page, 0.95)
    verdict = "PASS" if p95 <= BUDGET_P95_MS else "FAIL"
    print(
        f"GET /hq/ x{len(page)}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(page):.1f} ms; "
        f"budget p95 {BUDGET_P95_MS:.0f} ms {verdict}"
    )
    print(f"load after: {os.getloadavg()[0]:.1f}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
