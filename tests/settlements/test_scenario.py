"""The hand-worked month (scenario.py), settled and checked to the cent: every line, every net,
the run's totals and the ledger.

Worked figures (May 2025):
- net sales: D 1000.00 + 500.00 = 1500.00; F 2000.00 + 300.00 - 200.00 = 2100.00; C 1234.56.
- store share: D 0 x 1500.00 = 0.00; F 0.92 x 2100.00 = 1932.00; C 0.20 x 1234.56 = 246.912 -> 246.91.
- TAC, A (100.00, one visit each): 33.333.. each, floors 33.33 x 3 = 99.99, the cent left to the
  tie of equal remainders goes to the lower store id: D 33.34, F 33.33, C 33.33 (caps 80.00 each).
- TAC, B (250.00 over F 2.5, C 0.5 of 3.0): F 208.333.., C 41.666..: floors 208.33 + 41.66, the
  cent to C (remainder .666 > .333): F 208.33, C 41.67; capped at 2.5 x 80 = 200.00 and
  0.5 x 80 = 40.00: F 200.00, C 40.00 (8.33 + 1.67 stay with HQ).
- G (70.00) has no credited conversion: HQ's. T (Tmall) never counts.
- TAC per store: D 33.34 (direct: not chargeable), F 233.33 (chargeable), C 73.33 (not chargeable).
- commission: D 12.00 (not borne by a direct store), F 45.60 (borne).
- net: D 0.00; F 1932.00 - 233.33 - 45.60 = 1653.07; C 246.91.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from o2o.tenancy import tenant_scope
from settlements.models import Account, JournalEntry, Posting, RunStatus, Statement, StatementLine
from settlements.selectors.ledger import balances
from settlements.services.runs import execute_run, start_run
from tests.settlements.scenario import MAY, Scenario

pytestmark = pytest.mark.django_db


def settle(scenario: Scenario, *, dry_run: bool = False):
    tenant = scenario.tenant
    with tenant_scope(tenant):
        run, _ = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1], dry_run=dry_run)
        return execute_run(tenant=tenant, run_id=run.pk, commissions=scenario.commissions())


def lines_of(scenario: Scenario, run) -> dict[str, list[tuple[str, str, bool]]]:
    rows = StatementLine.objects.filter(statement__run=run).order_by("statement__store_id", "position")
    codes = {scenario.direct.pk: "D", scenario.franchise.pk: "F", scenario.counter.pk: "C"}
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for row in rows.values("statement__store_id", "kind", "amount", "counts"):
        out.setdefault(codes[row["statement__store_id"]], []).append((row["kind"], str(row["amount"]), row["counts"]))
    return out


def test_every_line_and_net_of_the_month_is_exact_to_the_cent(scenario):
    # given the hand-worked month, when it is settled
    run = settle(scenario)
    with tenant_scope(scenario.tenant):
        # then each store's lines and net are the worked figures
        assert run.status == RunStatus.DONE
        assert lines_of(scenario, run) == {
            "D": [("sales", "1500.00", False), ("store_share", "0.00", True), ("tac", "-33.34", False),
                  ("commission", "-12.00", False)],
            "F": [("sales", "2100.00", False), ("store_share", "1932.00", True), ("tac", "-233.33", True),
                  ("commission", "-45.60", True)],
            "C": [("sales", "1234.56", False), ("store_share", "246.91", True), ("tac", "-73.33", False),
                  ("commission", "0.00", False)],
        }  # fmt: skip
        nets = dict(Statement.objects.filter(run=run).values_list("store__code", "net"))
        assert nets == {"D": Decimal("0.00"), "F": Decimal("1653.07"), "C": Decimal("246.91")}
        # and the run's totals add them up (spend 100 + 250 + 70; HQ keeps 420.00 - 233.33 charged)
        assert run.totals == {
            "stores": 3,
            "net_sales": "4834.56",
            "store_share": "2178.91",
            "spend": "420.00",
            "tac_allocated": "340.00",
            "tac_charged": "233.33",
            "tac_kept_by_hq": "186.67",
            "commission": "57.60",
            "commission_charged": "45.60",
            "net": "1899.98",
        }


def test_the_underlying_numbers_let_a_franchisee_check_each_line(scenario):
    run = settle(scenario)
    with tenant_scope(scenario.tenant):
        data = dict(
            StatementLine.objects.filter(statement__run=run, statement__store=scenario.franchise).values_list(
                "kind", "data"
            )
        )
    assert data["sales"] == {"orders": 2, "orders_total": "2300.00", "refunds": 1, "refunds_total": "200.00"}
    assert data["store_share"] == {"net_sales": "2100.00", "share_rate": "0.9200", "contract_from": "2000-01-01"}
    a, b = data["tac"]["campaigns"]
    assert (a["name"], a["spend"], a["credited"], a["brand_credited"], a["before_cap"], a["amount"]) == (
        "A", "100.00", "1", "3", "33.33", "33.33",
    )  # fmt: skip
    assert (b["name"], b["spend"], b["credited"], b["brand_credited"], b["visits"], b["before_cap"], b["amount"]) == (
        "B", "250.00", "2.5", "3", "2.5", "208.33", "200.00",
    )  # fmt: skip
    assert (data["tac"]["basis"], data["tac"]["model"], data["tac"]["cap_per_visit"]) == ("visits", "linear", "80.00")
    assert data["commission"] == {"payable": "45.60"}


def test_the_ledger_holds_each_statement_as_one_balanced_entry(scenario):
    run = settle(scenario)
    with tenant_scope(scenario.tenant):
        # D's counting lines are all zero: no entry; F and C: one each
        entries = JournalEntry.objects.filter(run=run)
        assert sorted(entries.values_list("statement__store__code", flat=True)) == ["C", "F"]
        for entry in entries:
            assert sum(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == 0
        accounts = {(a.kind, a.store_id): a.pk for a in Account.objects.all()}
        by_account = balances(tenant=scenario.tenant, run_id=run.pk)
        assert by_account[accounts[("store_operator", scenario.franchise.pk)]] == Decimal("1653.07")
        assert by_account[accounts[("store_operator", scenario.counter.pk)]] == Decimal("246.91")
        assert by_account[accounts[("sales_clearing", None)]] == Decimal("-2178.91")
        assert by_account[accounts[("tac_clearing", None)]] == Decimal("233.33")
        assert by_account[accounts[("commission_clearing", None)]] == Decimal("45.60")
        assert ("store_operator", scenario.direct.pk) not in accounts
        # and May's balances are the run's (posted now, so the period filter finds them today)
        assert sum(balances(tenant=scenario.tenant).values()) == 0


def test_a_contract_signed_after_the_period_does_not_change_it(scenario):
    # given F's new terms from 1 June (the day after the period)
    from stores.services.contracts import ContractTerms, add_contract_version

    with tenant_scope(scenario.tenant):
        add_contract_version(
            tenant=scenario.tenant,
            store=scenario.franchise,
            terms=ContractTerms(Decimal("0.5000"), True, True),
            valid_from=MAY[1],
        )
    # when May is settled, then May's share is still 0.92's
    run = settle(scenario)
    with tenant_scope(scenario.tenant):
        share = StatementLine.objects.get(statement__run=run, statement__store=scenario.franchise, kind="store_share")
    assert share.amount == Decimal("1932.00")


def test_a_contract_in_force_on_the_periods_last_day_applies_to_the_whole_period(scenario):
    from stores.services.contracts import ContractTerms, add_contract_version

    with tenant_scope(scenario.tenant):
        add_contract_version(
            tenant=scenario.tenant,
            store=scenario.franchise,
            terms=ContractTerms(Decimal("0.9000"), True, False),
            valid_from=MAY[1].replace(day=31, month=5),
        )
    run = settle(scenario)
    with tenant_scope(scenario.tenant):
        net = Statement.objects.get(run=run, store=scenario.franchise).net
    # 0.90 x 2100.00 = 1890.00 - 233.33 (commission no longer borne) = 1656.67
    assert net == Decimal("1656.67")
