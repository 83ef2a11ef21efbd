"""A settlement run includes the guides' commissions of its period (rules.md 4.5, 5.4): the ones
whose order completed before the period's end and whose return window has passed by the run; it
makes them payable in its posting transaction and closing it makes them paid. A commission still
in its window, or of an order completed after the period, waits for a later run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from guides.models import Commission
from o2o.tenancy import tenant_scope
from settlements.models import StatementLine
from settlements.services.runs import close_run, start_run
from settlements.tasks import execute_run_task
from tests.guides.conftest import T0

pytestmark = pytest.mark.django_db

MAY = (dt.date(2026, 5, 1), dt.date(2026, 6, 1))


def settle_may(world):
    with tenant_scope(world.tenant):
        run, _ = start_run(tenant=world.tenant, period_start=MAY[0], period_end=MAY[1])
    execute_run_task(tenant_id=world.tenant.pk, run_id=run.pk)
    return run


def commission_line(world, run) -> tuple[Decimal, dict]:
    with tenant_scope(world.tenant):
        line = StatementLine.objects.get(statement__run=run, statement__store=world.guide.store, kind="commission")
    return line.amount, line.data


def states(world) -> list[tuple[str, Decimal, int | None]]:
    with tenant_scope(world.tenant):
        return list(Commission.objects.order_by("pk").values_list("status", "amount", "settlement_run_id"))


def test_a_run_makes_its_period_s_commissions_payable_and_closing_it_makes_them_paid(world, frozen):
    # an order of 2 lamps (398.00) completed on 4 May with guide A's code: 11.94; one of 1 lamp
    # completed on 28 May, still in its 7-day return window on 2 June: 5.97, not yet settleable
    frozen(T0)
    first = world.place((world.brand.lamp, 2), code=world.guide.code)
    world.complete(first["id"])
    frozen(dt.datetime(2026, 5, 28, 2, 0, tzinfo=dt.UTC))
    late = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(late["id"])
    # when May is settled on 2 June
    frozen(dt.datetime(2026, 6, 2, 2, 0, tzinfo=dt.UTC))
    run = settle_may(world)
    # then the guide's store's statement carries 11.94, and only that commission is payable
    assert commission_line(world, run) == (Decimal("-11.94"), {"payable": "11.94"})
    assert states(world) == [("payable", Decimal("11.94"), run.pk), ("pending", Decimal("5.97"), None)]
    # when HQ closes the run: paid; the late one waits for June's run
    with tenant_scope(world.tenant):
        close_run(tenant=world.tenant, run=run)
    assert states(world) == [("paid", Decimal("11.94"), run.pk), ("pending", Decimal("5.97"), None)]
