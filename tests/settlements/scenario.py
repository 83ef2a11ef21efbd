"""The hand-worked month of the settlement tests (May 2025, Asia/Shanghai), every figure worked out
in test_scenario.py: a direct (D), a franchise (F) and a counter (C) store, in that id order.

Sales: D 1000.00 + 500.00 (and 999.00 completed 23:30 on 30 April: out); F 2000.00 + 300.00
(23:59 on 31 May: in; 777.00 at 00:00:30 on 1 June: out) and a 200.00 refund on 3 May of an April
order of 800.00; C 1234.56 (and a B2C marketplace order of 5000.00: never counts).
Campaigns (linear model, basis visits, cap 80.00 per visit): A (WeChat) 60.00 + 40.00 in May (and
50.00 on 30 April), one visit at each store; B (Douyin) 250.00, visits F 1 + 1 + 0.5, C 0.5;
G (poster) 70.00 and no credited conversion; T (Tmall, B2C) 500.00 with a visit at D: never counts.
Credits that must not count: an order credit of A at D (basis is visits), a visit of A at D
under last touch (not the brand's model), a visit of A at D at 00:00 on 1 June.
Commissions (the input): F 45.60, D 12.00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from attribution.choices import Channel, ConversionKind
from o2o.choices import AttributionModel
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from stores.models import Store
from tests.settlements.factories import campaign, completed_order, credit, local, member, refund, spend
from tests.stores.factories import make_store

MAY = (dt.date(2025, 5, 1), dt.date(2025, 6, 1))
COMMISSIONS = {"F": Decimal("45.60"), "D": Decimal("12.00")}


@dataclass
class Scenario:
    tenant: Tenant
    direct: Store
    franchise: Store
    counter: Store

    def commissions(self) -> dict[int, Decimal]:
        return {self.franchise.pk: COMMISSIONS["F"], self.direct.pk: COMMISSIONS["D"]}


def build_scenario(tenant: Tenant) -> Scenario:
    with tenant_scope(tenant):  # the tenant row is updated in its own scope only (row-level security)
        updated = Tenant.objects.filter(pk=tenant.pk).update(
            attribution_model=AttributionModel.LINEAR, tac_cap_per_visit=Decimal("80.00")
        )
        assert updated == 1
        tenant.refresh_from_db()
        d = make_store(tenant, code="D", name="Direct", kind="direct")
        f = make_store(tenant, code="F", name="Franchise", kind="franchise")
        c = make_store(tenant, code="C", name="Counter", kind="counter")
        buyer = member(tenant)
        completed_order(tenant, d, "1000.00", local(2025, 5, 10), buyer=buyer)
        completed_order(tenant, d, "500.00", local(2025, 5, 20), buyer=buyer)
        completed_order(tenant, d, "999.00", local(2025, 4, 30, 23, 30), buyer=buyer)
        completed_order(tenant, f, "2000.00", local(2025, 5, 5), buyer=buyer)
        completed_order(tenant, f, "300.00", local(2025, 5, 31, 23, 59), buyer=buyer)
        completed_order(tenant, f, "777.00", local(2025, 6, 1, 0, 0, 30), buyer=buyer)
        april = completed_order(tenant, f, "800.00", local(2025, 4, 20), buyer=buyer)
        refund(tenant, april, "200.00", local(2025, 5, 3))
        completed_order(tenant, c, "1234.56", local(2025, 5, 15), buyer=buyer)
        completed_order(tenant, c, "5000.00", local(2025, 5, 15), buyer=buyer, channel=OrderChannel.B2C)

        a = campaign(tenant, "A", Channel.WECHAT)
        b = campaign(tenant, "B", Channel.DOUYIN)
        g = campaign(tenant, "G", Channel.POSTER)
        t = campaign(tenant, "T", Channel.TMALL)
        spend(tenant, a, dt.date(2025, 5, 2), "60.00")
        spend(tenant, a, dt.date(2025, 5, 20), "40.00")
        spend(tenant, a, dt.date(2025, 4, 30), "50.00")
        spend(tenant, b, dt.date(2025, 5, 10), "250.00")
        spend(tenant, g, dt.date(2025, 5, 31), "70.00")
        spend(tenant, t, dt.date(2025, 5, 12), "500.00")
        for store in (d, f, c):
            credit(tenant, a, store, "1", local(2025, 5, 8))
        credit(tenant, b, f, "1", local(2025, 5, 11))
        credit(tenant, b, f, "1", local(2025, 5, 12))
        credit(tenant, b, f, "0.5", local(2025, 5, 13))
        credit(tenant, b, c, "0.5", local(2025, 5, 13))
        credit(tenant, t, d, "1", local(2025, 5, 13))
        credit(tenant, a, d, "1", local(2025, 5, 14), kind=ConversionKind.ORDER, revenue="100.00")
        credit(tenant, a, d, "1", local(2025, 5, 14), model=AttributionModel.LAST_TOUCH)
        credit(tenant, a, d, "1", local(2025, 6, 1, 0, 0))
    return Scenario(tenant=tenant, direct=d, franchise=f, counter=c)
