"""The hand-worked May (scenario.py) settled for real, with the franchise store's manager, another
store's manager, HQ and a guide: what the statement tests read and act as."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from settlements.models import SettlementRun, Statement
from settlements.services.runs import execute_run, start_run
from tests.settlements.scenario import MAY, Scenario


@dataclass
class World:
    scenario: Scenario
    run: SettlementRun
    franchise: Statement  # F: net 1653.07
    counter: Statement  # C: net 246.91
    hq: User
    manager: User  # of F
    other_manager: User  # of C
    guide: User  # of F


def settle(scenario: Scenario, *, dry_run: bool = False) -> SettlementRun:
    tenant = scenario.tenant
    with tenant_scope(tenant):
        run, _ = start_run(tenant=tenant, period_start=MAY[0], period_end=MAY[1], dry_run=dry_run)
        return execute_run(tenant=tenant, run_id=run.pk, commissions=scenario.commissions())


@pytest.fixture
def world(scenario: Scenario, make_user, make_staff) -> World:
    run = settle(scenario)
    tenant = scenario.tenant
    with tenant_scope(tenant):
        franchise = Statement.objects.get(run=run, store=scenario.franchise)
        counter = Statement.objects.get(run=run, store=scenario.counter)
    return World(
        scenario=scenario,
        run=run,
        franchise=franchise,
        counter=counter,
        hq=make_user(tenant, Role.HQ_STAFF, username="alpha-hq"),
        manager=make_staff(scenario.franchise, Role.STORE_MANAGER),
        other_manager=make_staff(scenario.counter, Role.STORE_MANAGER),
        guide=make_staff(scenario.franchise, Role.GUIDE),
    )
