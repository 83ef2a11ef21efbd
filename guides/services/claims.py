"""Claims (rules.md 4.3): a guide claims an order no guide was credited with; the manager of the
guide's store approves or rejects it.

Decisions: an order "of the store's consumers" is an order the guide's store fulfils, or of a
member whose home store it is, or whom the store has served (`members.ServedBy`). The window runs
from the order's creation. A claim covers every line of the order without a beneficiary; an order
with a credited guide, or with an approved claim, has none left (409 `already_credited`).
Approving locks the order, and the database holds one approved claim per order and one
beneficiary per line, so two approvals at the same moment end with one.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guides.choices import ClaimStatus
from guides.models import ClaimedLine, CommissionClaim
from guides.services.commissions import credit_order
from members.models import ServedBy
from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant, User
from orders.choices import OrderStatus
from orders.models import Order, OrderLine
from stores.models import StoreStaff

NOTE_MAX = 500
REASON_MAX = 500
UNCLAIMABLE = (OrderStatus.CANCELLED, OrderStatus.UNROUTABLE)


def _already_credited() -> Conflict:
    return Conflict(_("This order's lines already have a beneficiary."), code="already_credited")


def is_store_consumer_order(*, tenant: Tenant, order: Order, store_id: int) -> bool:
    """Whether `order` is of a consumer of store `store_id` (see the module's decision)."""
    if order.store_id == store_id or order.member.home_store_id == store_id:
        return True
    return ServedBy.objects.filter(tenant=tenant, member_id=order.member_id, store_id=store_id).exists()


def get_claimable_order(*, tenant: Tenant, order_id: int) -> Order:
    """The brand's order `order_id` with its member (InvalidInput naming `order` when missing or
    another brand's: a body field, so a 400 rather than a 404)."""
    order = Order.objects.filter(tenant=tenant, pk=order_id).select_related("member").first()
    if order is None:
        raise InvalidInput("order", _("No such order."))
    return order


@transaction.atomic
def submit_claim(*, tenant: Tenant, guide: StoreStaff, order_id: int, note: str) -> CommissionClaim:
    """A pending claim of `guide` on order `order_id`, with `note`.

    InvalidInput (400) naming `order` when it is missing, another brand's, cancelled, not of the
    guide's store's consumers, or older than `claim_window_days`; naming `note` when empty.
    Conflict (409) `already_credited` when it has a beneficiary, `claim_exists` when the guide's
    claim on it is pending. Nothing is written then.
    """
    note = note.strip()
    if not note:
        raise InvalidInput("note", _("Say why this order is yours."))
    order = get_claimable_order(tenant=tenant, order_id=order_id)
    if order.status in UNCLAIMABLE:
        raise InvalidInput("order", _("A cancelled or unroutable order cannot be claimed."))
    if not is_store_consumer_order(tenant=tenant, order=order, store_id=guide.store_id):
        raise InvalidInput("order", _("This order is not of one of your store's customers."))
    if timezone.now() > order.created_at + dt.timedelta(days=tenant.claim_window_days):
        raise InvalidInput(
            "order", _("Orders may be claimed within %(days)d days.") % {"days": tenant.claim_window_days}
        )
    if (
        order.guide_id is not None
        or CommissionClaim.objects.filter(tenant=tenant, order=order, status=ClaimStatus.APPROVED).exists()
    ):
        raise _already_credited()
    try:
        with transaction.atomic():
            return CommissionClaim.objects.create(tenant=tenant, guide=guide, order=order, note=note[:NOTE_MAX])
    except IntegrityError:
        raise Conflict(_("Your claim on this order is waiting for a decision."), code="claim_exists") from None


def _lock_pending(*, tenant: Tenant, claim: CommissionClaim) -> tuple[Order, CommissionClaim]:
    # the order first, then the claim: every path that changes an order's beneficiaries locks in
    # this order (guides.services.commissions too), so two of them never deadlock
    order = Order.objects.select_for_update().get(tenant=tenant, pk=claim.order_id)
    locked = CommissionClaim.objects.select_for_update().get(tenant=tenant, pk=claim.pk)
    if locked.status != ClaimStatus.PENDING:
        raise Conflict(_("This claim has been decided already."), code="claim_decided")
    return order, locked


@transaction.atomic
def approve_claim(*, tenant: Tenant, claim: CommissionClaim, by: User | None) -> CommissionClaim:
    """The claim's guide becomes the beneficiary of the order's lines without one; if the order is
    completed their commissions are created now (pending, the rule in force at completion), else
    at completion. Conflict (409) `claim_decided` unless pending, `already_credited` when no line
    is left (another claim approved first, or a credited guide)."""
    order, locked = _lock_pending(tenant=tenant, claim=claim)
    if order.guide_id is not None:
        raise _already_credited()
    taken = ClaimedLine.objects.filter(tenant=tenant, line__order=order).values_list("line_id", flat=True)
    line_ids = list(
        OrderLine.objects.filter(tenant=tenant, order=order).exclude(pk__in=taken).values_list("pk", flat=True)
    )
    if not line_ids:
        raise _already_credited()
    locked.status = ClaimStatus.APPROVED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "decided_by", "decided_at"])
            ClaimedLine.objects.bulk_create(
                [ClaimedLine(tenant=tenant, claim=locked, line_id=line_id) for line_id in line_ids]
            )
    except IntegrityError:
        raise _already_credited() from None
    credit_order(tenant=tenant, order_id=order.pk)
    return locked


@transaction.atomic
def reject_claim(*, tenant: Tenant, claim: CommissionClaim, reason: str, by: User | None) -> CommissionClaim:
    """Refuse the claim, with `reason` kept (InvalidInput naming `reason` when empty). Conflict
    (409) `claim_decided` unless pending."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", _("Say why the claim is rejected."))
    _order, locked = _lock_pending(tenant=tenant, claim=claim)
    locked.status = ClaimStatus.REJECTED
    locked.reason = reason[:REASON_MAX]
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return locked
