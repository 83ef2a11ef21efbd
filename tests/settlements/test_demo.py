"""The demo's settlement (issue 13 item 8): after `seed_demo`, last month is settled and closed with a
statement for every store, of the three kinds, with real numbers; SH04's manager has disputed theirs
and HQ has not answered; the current month is previewed by a dry run; every run reconciles; the
printed franchise manager finds last month's statement to confirm or dispute; seeding again changes
nothing. One seeding for all of it (it takes a while), on a Monday afternoon in December."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from o2o.demo import BRANDS, DEMO_PASSWORD
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.models import Order
from settlements.demo import NOTE
from settlements.models import JournalEntry, Posting, RunStatus, SettlementRun, Statement, StatementLine
from tests.bookings.factories import clock

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)  # 14:00 in Shanghai
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
DECEMBER = (dt.date(2026, 12, 1), dt.date(2027, 1, 1))


def counts(tenant: Tenant) -> dict[str, object]:
    with tenant_scope(tenant):
        return {
            "runs": sorted(
                SettlementRun.objects.filter(tenant=tenant).values_list("pk", "period_start", "dry_run", "status")
            ),
            "statements": sorted(Statement.objects.filter(tenant=tenant).values_list("pk", "net", "status", "note")),
            "lines": StatementLine.objects.filter(tenant=tenant).count(),
            "entries": JournalEntry.objects.filter(tenant=tenant).count(),
            "postings": Posting.objects.filter(tenant=tenant).count(),
            "orders": Order.objects.filter(tenant=tenant).count(),
        }


def amounts(statement: Statement) -> dict[str, Decimal]:
    return {line.kind: line.amount for line in statement.lines.all()}


def test_the_demo_settles_last_month_disputes_a_statement_previews_this_month_and_seeding_twice_changes_nothing(
    make_tenant,
):
    tenants = [make_tenant(brand.slug, name=brand.name, timezone=brand.timezone) for brand in BRANDS]
    out = io.StringIO()
    with clock(NOW):
        call_command("seed_demo", stdout=out)
    seeded = {tenant.slug: counts(tenant) for tenant in tenants}
    for tenant in tenants:
        with tenant_scope(tenant):
            runs = {run.dry_run: run for run in SettlementRun.objects.filter(tenant=tenant)}
            # then November is settled for real (closed in lumen; waiting for HQ's close in
            # clearview), and December is previewed
            assert set(runs) == {False, True}
            closed, preview = runs[False], runs[True]
            status = RunStatus.CLOSED if tenant.slug == "lumen" else RunStatus.DONE
            assert (closed.period_start, closed.period_end, closed.status) == (*NOVEMBER, status)
            assert (preview.period_start, preview.period_end, preview.status) == (*DECEMBER, RunStatus.DONE)
            # and both reconcile: zero drift, allocations sum to the spend, entries balance
            assert closed.reconciliation["ok"] is True, closed.reconciliation
            assert preview.reconciliation["ok"] is True, preview.reconciliation
            assert Decimal(closed.totals["spend"]) > 0
            assert JournalEntry.objects.filter(tenant=tenant, run=closed).exists()
            assert not JournalEntry.objects.filter(tenant=tenant, run=preview).exists()
            # every open store has a November statement, and each kind has one with sales
            statements = list(
                Statement.objects.filter(tenant=tenant, run=closed).select_related("store").prefetch_related("lines")
            )
            assert len(statements) == 30
            with_sales = {s.store.kind for s in statements if amounts(s)["sales"] > 0}
            assert with_sales == {"direct", "franchise", "counter"}
            # the three staffed franchise stores have sales, and their share is the contract's
            # (HZ03 renegotiated to 93% in 2026; the others keep the franchise default, 92%)
            by_code = {s.store.code: s for s in statements}
            for code, rate in (("SH04", "0.92"), ("HZ03", "0.93"), ("BJ06", "0.92")):
                lines = amounts(by_code[code])
                assert lines["sales"] > 0, code
                assert lines["store_share"] == (lines["sales"] * Decimal(rate)).quantize(Decimal("0.01")), code
                assert by_code[code].net == lines["store_share"] + lines["tac"] + lines["commission"], code
            # some store is charged the TAC of the campaigns' November spend
            assert sum((amounts(s)["tac"] for s in statements), Decimal(0)) < 0
            # SH04's manager disputed theirs with a note; HQ has not answered; the rest are open
            disputed = [s for s in statements if s.status == "disputed"]
            assert [(s.store.code, s.note, s.answered_at) for s in disputed] == [("SH04", NOTE, None)]
            assert {s.status for s in statements if s.store.code != "SH04"} == {"open"}
            # the preview covers every store as well
            assert Statement.objects.filter(tenant=tenant, run=preview).count() == 30
    # the printed franchise manager (BJ06) finds November's statement, open, to confirm or dispute
    printed = out.getvalue()
    assert "lumen-bj06-manager" in printed
    assert "SH04's is disputed" in printed
    client = Client(HTTP_HOST="lumen.localhost", HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/login/", {"username": "lumen-bj06-manager", "password": DEMO_PASSWORD}).status_code == 302
    with tenant_scope(tenants[0]):
        bj06 = Statement.objects.get(tenant=tenants[0], run__dry_run=False, store__code="BJ06")
    page = client.get(f"/store/statements/{bj06.pk}/")
    assert page.status_code == 200
    assert f'data-testid="statement-net">{bj06.net}</th>' in page.content.decode()
    # when the demo is seeded again, a day later: nothing changes
    with clock(NOW + dt.timedelta(days=1)):
        call_command("seed_demo", stdout=io.StringIO())
    assert {tenant.slug: counts(tenant) for tenant in tenants} == seeded
