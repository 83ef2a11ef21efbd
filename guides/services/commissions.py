"""Commissions (rules.md 4.2, 4.4, 4.5): created when an order completes, approved after the
return window, reduced or clawed back by refunds, made payable and paid by settlement.

Decisions (documented for settlement and the pages):

- **Beneficiary** of a line: the order's `guide` (the guide_code's, else the bound guide, kept at
  placing; source `code`/`binding`), else the guide of an approved claim covering the line.
- **Rate**: the rule in force at the order's completion for the *guide's* store and the line's
  product's category (`guides.selectors.rules.rate_for`); kept on the row with the version used.
- **Amount**: rate x the line's net amount (its total minus what was refunded when the commission
  is created), rounded half-up to the cent once.
- **Refunds** are reconciled per line to a target, rate x the net amount left, so that handling a
  refund twice, or two refunds in any order, ends the same: when the line's live rows (not
  reversed) already sum to the target, nothing happens. Otherwise, while no live row is settled
  (payable or paid), the live rows are reversed (`reversed`, `reversed_by` the refund) and, if
  anything is left, one `remainder` row of the target is created in the same status (pending or
  approved) that `replaces` the reversed sale row; once one is settled, a negative `clawback` row
  of the difference is added, **approved at once** (no return window for a claw-back), so that
  the next settlement run nets it.
- A row created for a refund names the line's latest refund (`refund`): one per line and refund
  (a database constraint), so a handler run again never adds a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guides.choices import SETTLED, UNSETTLED, CommissionKind, CommissionSource, CommissionStatus
from guides.models import ClaimedLine, Commission
from guides.selectors.rules import Rate, rate_for
from o2o.errors import Conflict
from o2o.models import Tenant
from o2o.money import round_money
from orders.choices import OrderStatus
from orders.models import Order, OrderLine, RefundLine
from stores.models import StoreStaff

ZERO = Decimal("0.00")


def _lock_order(*, tenant: Tenant, order_id: int) -> Order | None:
    """The order, locked: its completion, refunds and claim approvals are handled one at a time."""
    return Order.objects.select_for_update().filter(tenant=tenant, pk=order_id).first()


def _refunded_by_line(*, tenant: Tenant, line_ids: Iterable[int]) -> dict[int, Decimal]:
    rows = (
        RefundLine.objects.filter(tenant=tenant, line_id__in=list(line_ids))
        .values("line_id")
        .annotate(total=Sum("amount"), last=Max("refund_id"))
    )
    return {row["line_id"]: row["total"] for row in rows}


@transaction.atomic
def credit_order(*, tenant: Tenant, order_id: int) -> list[Commission]:
    """Create the `pending` commission of each credited line of a completed order that has none.

    Safe to run twice (one `sale` row per line, a database constraint); an order not completed, or
    without a beneficiary, gets none. Returns the rows created.
    """
    order = _lock_order(tenant=tenant, order_id=order_id)
    if order is None or order.status != OrderStatus.COMPLETED or order.completed_at is None:
        return []
    lines = list(OrderLine.objects.filter(tenant=tenant, order=order).select_related("sku__product").order_by("pk"))
    done = set(
        Commission.objects.filter(tenant=tenant, order=order, kind=CommissionKind.SALE).values_list(
            "line_id", flat=True
        )
    )
    beneficiaries: dict[int, tuple[int, CommissionSource, int | None]] = {}
    if order.guide_id is not None:
        source = CommissionSource.CODE if order.guide_source == "code" else CommissionSource.BINDING
        beneficiaries = {line.pk: (order.guide_id, source, None) for line in lines}
    else:
        claimed = ClaimedLine.objects.filter(tenant=tenant, line__order=order).select_related("claim")
        beneficiaries = {c.line_id: (c.claim.guide_id, CommissionSource.CLAIM, c.claim_id) for c in claimed}
    todo = [line for line in lines if line.pk in beneficiaries and line.pk not in done]
    if not todo:
        return []
    guide_stores = dict(
        StoreStaff.objects.filter(tenant=tenant, pk__in={beneficiaries[line.pk][0] for line in todo}).values_list(
            "pk", "store_id"
        )
    )
    refunded = _refunded_by_line(tenant=tenant, line_ids=[line.pk for line in todo])
    rates: dict[tuple[int | None, int], Rate] = {}
    created = []
    for line in todo:
        guide_id, source, claim_id = beneficiaries[line.pk]
        key = (guide_stores.get(guide_id), line.sku.product.category_id)
        if key not in rates:
            rates[key] = rate_for(tenant=tenant, store_id=key[0], category_id=key[1], at=order.completed_at)
        rate = rates[key]
        net = line.total_amount - refunded.get(line.pk, ZERO)
        created.append(
            Commission(
                tenant=tenant,
                guide_id=guide_id,
                order=order,
                line=line,
                kind=CommissionKind.SALE,
                source=source,
                claim_id=claim_id,
                rule=rate.version,
                rate=rate.rate,
                base_amount=net,
                amount=round_money(rate.rate * net),
                status=CommissionStatus.PENDING,
                completed_at=order.completed_at,
            )
        )
    return Commission.objects.bulk_create(created)


@transaction.atomic
def apply_refund(*, tenant: Tenant, order_id: int, refund_id: int) -> list[Commission]:
    """Bring the commissions of the lines of refund `refund_id` down to rate x what is left of each
    line (see the module's decisions). Safe to run twice, and with refunds handled in any order.
    Returns the rows created."""
    order = _lock_order(tenant=tenant, order_id=order_id)
    if order is None:
        return []
    line_ids = sorted(
        set(RefundLine.objects.filter(tenant=tenant, refund_id=refund_id).values_list("line_id", flat=True))
    )
    rows_by_line: dict[int, list[Commission]] = {}
    for row in Commission.objects.filter(tenant=tenant, line_id__in=line_ids).order_by("pk"):
        rows_by_line.setdefault(row.line_id, []).append(row)
    if not rows_by_line:
        return []
    lines = {line.pk: line for line in OrderLine.objects.filter(tenant=tenant, pk__in=list(rows_by_line))}
    refunds = (
        RefundLine.objects.filter(tenant=tenant, line_id__in=list(rows_by_line))
        .values("line_id")
        .annotate(total=Sum("amount"), last=Max("refund_id"))
    )
    refunded = {row["line_id"]: (row["total"], row["last"]) for row in refunds}
    now = timezone.now()
    created: list[Commission] = []
    for line_id, rows in sorted(rows_by_line.items()):
        sale = next(row for row in rows if row.kind == CommissionKind.SALE)
        total_refunded, last_refund_id = refunded[line_id]
        net = lines[line_id].total_amount - total_refunded
        target = round_money(sale.rate * net)
        live = [row for row in rows if row.status != CommissionStatus.REVERSED]
        current = sum((row.amount for row in live), ZERO)
        if current == target:
            continue
        common = {
            "tenant": tenant,
            "guide_id": sale.guide_id,
            "order_id": sale.order_id,
            "line_id": line_id,
            "source": sale.source,
            "claim_id": sale.claim_id,
            "rule_id": sale.rule_id,
            "rate": sale.rate,
            "base_amount": net,
            "completed_at": sale.completed_at,
            "refund_id": last_refund_id,
        }
        settled = [row for row in live if row.status in SETTLED]
        if settled:
            created.append(
                Commission(
                    **common,
                    kind=CommissionKind.CLAWBACK,
                    amount=target - current,
                    status=CommissionStatus.APPROVED,
                    approved_at=now,
                    replaces=settled[-1],
                )
            )
            continue
        replaced = [row for row in live if row.amount > 0][-1:] or live[-1:]
        Commission.objects.filter(tenant=tenant, pk__in=[row.pk for row in live]).update(
            status=CommissionStatus.REVERSED, reversed_by_id=last_refund_id, reversed_at=now, updated_at=now
        )
        if target > 0:
            previous = replaced[0]
            created.append(
                Commission(
                    **common,
                    kind=CommissionKind.REMAINDER,
                    amount=target,
                    status=previous.status,
                    approved_at=previous.approved_at,
                    replaces=previous,
                )
            )
    return Commission.objects.bulk_create(created)


@transaction.atomic
def approve_due(*, tenant: Tenant, at: dt.datetime | None = None) -> int:
    """Approve the pending commissions whose order completed `return_window_days` or more before
    `at` (now): the daily job. Safe to run twice (the second approves nothing). Returns how many."""
    at = at or timezone.now()
    cutoff = at - dt.timedelta(days=tenant.return_window_days)
    return Commission.objects.filter(tenant=tenant, status=CommissionStatus.PENDING, completed_at__lte=cutoff).update(
        status=CommissionStatus.APPROVED, approved_at=at, updated_at=at
    )


@transaction.atomic
def mark_payable(*, tenant: Tenant, commission_ids: Sequence[int], run_id: int) -> int:
    """Settlement run `run_id` includes these commissions: approved -> payable (a pending one whose
    return window has passed is approved then, rules.md 4.5). Already payable in this run: left as
    it is (safe to run twice). Conflict (409) `not_settleable` for any other, and nothing changes.
    Returns how many became payable."""
    now = timezone.now()
    cutoff = now - dt.timedelta(days=tenant.return_window_days)
    rows = list(
        Commission.objects.select_for_update().filter(tenant=tenant, pk__in=list(commission_ids)).order_by("pk")
    )
    if len(rows) != len(set(commission_ids)):
        raise Conflict(_("A commission named is not this brand's."), code="not_settleable")
    todo = []
    for row in rows:
        if row.status == CommissionStatus.PAYABLE and row.settlement_run_id == run_id:
            continue
        ready = row.status == CommissionStatus.APPROVED or (
            row.status == CommissionStatus.PENDING and row.completed_at <= cutoff
        )
        if not ready:
            raise Conflict(
                _("Commission %(id)s is %(status)s: it cannot be settled.") % {"id": row.pk, "status": row.status},
                code="not_settleable",
            )
        todo.append(row)
    for row in todo:
        row.approved_at = row.approved_at or now
        row.status = CommissionStatus.PAYABLE
        row.payable_at = now
        row.settlement_run_id = run_id
        row.updated_at = now
    Commission.objects.bulk_update(todo, ["approved_at", "status", "payable_at", "settlement_run_id", "updated_at"])
    return len(todo)


@transaction.atomic
def mark_paid(*, tenant: Tenant, run_id: int) -> int:
    """Settlement run `run_id` is closed: its payable commissions are paid. Safe to run twice."""
    now = timezone.now()
    return Commission.objects.filter(tenant=tenant, settlement_run_id=run_id, status=CommissionStatus.PAYABLE).update(
        status=CommissionStatus.PAID, paid_at=now, updated_at=now
    )


__all__ = ["UNSETTLED", "apply_refund", "approve_due", "credit_order", "mark_paid", "mark_payable"]
