"""The settlement API (api.md, Settlement): runs started once per period (202), read with their
progress and totals, closed and reconciled; statements for HQ and for a store's manager only; the
ledger read only. Query counts pinned and not growing with rows."""

from __future__ import annotations

import datetime as dt

import pytest

from o2o.choices import Role
from o2o.tenancy import tenant_scope
from settlements.models import JournalEntry, SettlementRun
from settlements.services.runs import execute_run, start_run
from tests.settlements.scenario import MAY, Scenario
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/settlement-runs/"


def settle_may(scenario: Scenario) -> SettlementRun:
    with tenant_scope(scenario.tenant):
        run, _ = start_run(tenant=scenario.tenant, period_start=MAY[0], period_end=MAY[1])
        return execute_run(tenant=scenario.tenant, run_id=run.pk, commissions=scenario.commissions())


def test_hq_starts_a_run_once_per_period_and_reads_its_progress(api, hq_admin, scenario):
    client = api(hq_admin, scenario.tenant)
    body = {"period_start": "2025-05-01", "period_end": "2025-06-01"}
    # when HQ starts May twice
    first = client.post(RUNS, body, format="json")
    second = client.post(RUNS, body, format="json")
    # then it is one queued run, answered 202 both times
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json() == {"id": first.json()["id"], "status": "queued"}
    with tenant_scope(scenario.tenant):
        assert SettlementRun.objects.count() == 1
        execute_run(tenant=scenario.tenant, run_id=first.json()["id"], commissions=scenario.commissions())
    detail = client.get(f"{RUNS}{first.json()['id']}/").json()
    assert (detail["status"], detail["progress"], detail["totals"]["net"]) == ("done", 100, "1899.98")
    assert (detail["period_start"], detail["period_end"], detail["dry_run"]) == ("2025-05-01", "2025-06-01", False)
    assert [row["id"] for row in client.get(RUNS).json()["results"]] == [first.json()["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_start": "2025-05-01"}, "period_end"),
        ({"period_start": "May", "period_end": "2025-06-01"}, "period_start"),
        ({"period_start": "2025-06-01", "period_end": "2025-05-01"}, "period_end"),
        ({"period_start": "2025-05-01", "period_end": "2999-01-01"}, "period_end"),
        ({"period_start": "2025-05-01", "period_end": "2025-06-01", "dry_run": "perhaps"}, "dry_run"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_starts_nothing(api, hq_admin, tenant, body, field):
    response = api(hq_admin, tenant).post(RUNS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with tenant_scope(tenant):
        assert SettlementRun.objects.count() == 0


def test_an_overlapping_period_is_409_and_closing_an_unfinished_run_is_409(api, hq_admin, scenario):
    client = api(hq_admin, scenario.tenant)
    run = settle_may(scenario)
    overlap = client.post(RUNS, {"period_start": "2025-05-15", "period_end": "2025-06-15"}, format="json")
    assert (overlap.status_code, overlap.json()["code"]) == (409, "period_overlaps")
    with tenant_scope(scenario.tenant):
        queued, _ = start_run(tenant=scenario.tenant, period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 7, 1))
    refused = client.post(f"{RUNS}{queued.pk}/close/")
    assert (refused.status_code, refused.json()["code"]) == (409, "run_not_done")
    not_done = client.post(f"{RUNS}{queued.pk}/reconcile/")
    assert (not_done.status_code, not_done.json()["code"]) == (409, "run_not_done")
    # and a done run closes
    closed = client.post(f"{RUNS}{run.pk}/close/")
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")


def test_statements_show_every_store_to_hq_and_only_their_own_to_a_store_manager(api, hq_admin, make_staff, scenario):
    run = settle_may(scenario)
    hq = api(hq_admin, scenario.tenant).get("/api/v1/statements/", {"run": run.pk}).json()["results"]
    assert [(row["store_code"], row["net"]) for row in hq] == [("D", "0.00"), ("F", "1653.07"), ("C", "246.91")]
    franchise = hq[1]
    assert franchise["period"] == {"start": "2025-05-01", "end": "2025-06-01"}
    assert [(line["kind"], line["amount"], line["counts"]) for line in franchise["lines"]] == [
        ("sales", "2100.00", False),
        ("store_share", "1932.00", True),
        ("tac", "-233.33", True),
        ("commission", "-45.60", True),
    ]
    assert franchise["lines"][0]["description"] == "Net sales (for information)"
    # a store manager of F sees F's only, even when asking for C's
    manager = api(make_staff(scenario.franchise, Role.STORE_MANAGER), scenario.tenant)
    mine = manager.get("/api/v1/statements/").json()["results"]
    assert [row["store_code"] for row in mine] == ["F"]
    assert manager.get("/api/v1/statements/", {"store": scenario.counter.pk}).json()["results"] == []
    # a guide sees none
    guide = api(make_staff(scenario.franchise, Role.GUIDE), scenario.tenant)
    assert guide.get("/api/v1/statements/").status_code == 403
    bad = api(hq_admin, scenario.tenant).get("/api/v1/statements/", {"run": "latest"})
    assert bad.status_code == 400
    assert "run" in bad.json()["errors"]


def test_the_ledger_shows_accounts_with_balances_and_balanced_entries(api, hq_admin, scenario):
    settle_may(scenario)
    client = api(hq_admin, scenario.tenant)
    accounts = client.get("/api/v1/ledger/accounts/").json()["results"]
    by_owner = {(row["kind"], row["owner"]["name"]): row["balance"] for row in accounts}
    assert by_owner == {
        ("commission_clearing", None): "45.60",
        ("hq", None): "0.00",
        ("sales_clearing", None): "-2178.91",
        ("store_operator", "Franchise"): "1653.07",
        ("store_operator", "Counter"): "246.91",
        ("tac_clearing", None): "233.33",
    }
    entries = client.get("/api/v1/ledger/entries/").json()["results"]
    assert len(entries) == 2
    for entry in entries:
        assert sum(float(p["amount"]) * 100 for p in entry["postings"]) == 0
        assert len(entry["postings"]) >= 2
    assert client.post("/api/v1/ledger/entries/", {}).status_code == 405


def test_query_counts_do_not_grow_with_rows(api, hq_admin, scenario, django_assert_num_queries):
    run = settle_may(scenario)
    client = api(hq_admin, scenario.tenant)
    paths = [RUNS, f"{RUNS}{run.pk}/", "/api/v1/statements/", "/api/v1/ledger/accounts/", "/api/v1/ledger/entries/"]
    counts = {}
    for path in paths:
        client.get(path)  # warm the caller's resolution
        with django_assert_num_queries(COUNTS[path.replace(str(run.pk), "{id}")]):
            assert client.get(path).status_code == 200
        counts[path] = COUNTS[path.replace(str(run.pk), "{id}")]
    # given more stores, runs, statements and entries, the same counts
    with tenant_scope(scenario.tenant):
        for code in ("X", "Y", "Z"):
            make_store(scenario.tenant, code=code, kind="franchise")
        june, _ = start_run(tenant=scenario.tenant, period_start=dt.date(2025, 6, 1), period_end=dt.date(2025, 7, 1))
        execute_run(tenant=scenario.tenant, run_id=june.pk, commissions=scenario.commissions())
        assert JournalEntry.objects.count() > 2
    for path in paths:
        with django_assert_num_queries(counts[path]):
            assert client.get(path).status_code == 200


# in the test's transaction the tenant scope is a savepoint with set_config in and out (4 statements),
# the tenant, the token's user and the roles (3); then each endpoint's own
COUNTS = {
    RUNS: 9,  # the count and the page
    f"{RUNS}{{id}}/": 8,  # the run
    "/api/v1/statements/": 10,  # the count, the page with runs and stores, the lines
    "/api/v1/ledger/accounts/": 9,  # the count, the page with owners and balances
    "/api/v1/ledger/entries/": 10,  # the count, the page, the postings
}
