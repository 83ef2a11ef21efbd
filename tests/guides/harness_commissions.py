"""The commission rules, commissions and claims entries of the cross-tenant harness
(tests/harness.py), merged by tests/guides/harness.py."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from guides.choices import CommissionKind, CommissionSource
from guides.models import Commission, CommissionClaim, CommissionRule, CommissionRuleVersion
from members.services import join_brand
from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.models import Order, OrderLine
from stores.models import StoreStaff
from stores.services import create_staff
from tests.stores.factories import make_sku, make_store

_numbers = iter(range(1, 10**6))


def _rule(tenant: Tenant) -> CommissionRule:
    rule = CommissionRule.objects.create(tenant=tenant, store=make_store(tenant))
    CommissionRuleVersion.objects.create(tenant=tenant, rule=rule, rate=Decimal("0.0400"), valid_from=timezone.now())
    return rule


def _guide(tenant: Tenant, store: Any) -> StoreStaff:
    n = next(_numbers)
    return create_staff(
        tenant=tenant,
        store=store,
        username=f"harness-guide-{tenant.slug}-{n}",
        password="pw-secret-42",
        name="guide",
        phone="",
        role=Role.GUIDE,
    )


def _order(tenant: Tenant) -> tuple[Order, OrderLine, StoreStaff]:
    store = make_store(tenant)
    guide = _guide(tenant, store)
    member = join_brand(tenant=tenant, phone=f"+86139{next(_numbers):08d}", name="顾客", user=None)
    sku = make_sku(tenant, price="199.00")
    now = timezone.now()
    order = Order.objects.create(
        tenant=tenant,
        number=f"H{next(_numbers)}",
        member=member,
        store=store,
        fulfilment="pickup",
        status="completed",
        total_amount=Decimal("199.00"),
        completed_at=now,
    )
    line = OrderLine.objects.create(
        tenant=tenant, order=order, sku=sku, quantity=1, unit_price=Decimal("199.00"), total_amount=Decimal("199.00")
    )
    return order, line, guide


def _commission(tenant: Tenant) -> Commission:
    order, line, guide = _order(tenant)
    return Commission.objects.create(
        tenant=tenant,
        guide=guide,
        order=order,
        line=line,
        kind=CommissionKind.SALE,
        source=CommissionSource.CODE,
        rate=Decimal("0.0300"),
        base_amount=Decimal("199.00"),
        amount=Decimal("5.97"),
        completed_at=timezone.now(),
    )


def _claim(tenant: Tenant) -> CommissionClaim:
    order, _line, guide = _order(tenant)
    return CommissionClaim.objects.create(tenant=tenant, guide=guide, order=order, note="tried it in store")


def _rule_naming_a_foreign_store(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        store = make_store(foreign)
    return {"store": store.pk, "rate": "0.0500"}


def _claim_naming_a_foreign_order(own: Tenant, foreign: Tenant) -> dict[str, Any]:
    with tenant_scope(foreign):
        order, _line, _guide = _order(foreign)
    return {"order": order.pk, "note": "mine"}


FOREIGN_FACTORIES: dict[type[Model], Callable[[Tenant], Model]] = {
    CommissionRule: _rule,
    Commission: _commission,
    CommissionClaim: _claim,
}

FOREIGN_WRITES: dict[str, Callable[[Tenant, Tenant], dict[str, Any]]] = {
    "commission-rule-list": _rule_naming_a_foreign_store,
    "commission-claim-list": _claim_naming_a_foreign_order,
}

NO_FOREIGN_REFERENCES: dict[str, str] = {
    "commission-rule-detail": "the rate only (store and category are fixed); the rule is the URL's",
    "commission-claim-approve": "no body; the claim is the URL's",
    "commission-claim-reject": "a reason only; the claim is the URL's",
}
