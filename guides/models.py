"""The guides app's models: commission rules, commissions and claims (rules.md section 4).

Commission rules, commissions and claims come first (issue 12 items 4 to 6); guide links and
bindings' models, when any, after them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from attribution.models import TrackingLink
from catalog.models import Category
from guides.choices import ClaimStatus, CommissionKind, CommissionSource, CommissionStatus
from o2o.models import TenantOwned, User
from orders.models import MONEY, Order, OrderLine, Refund
from stores.models import Store, StoreStaff

RATE = {"max_digits": 7, "decimal_places": 4}


class CommissionRule(TenantOwned):
    """A commission rate for a store, a category (and its sub-categories), or a store and category.

    The rule's id stays when its rate changes: each rate is a `CommissionRuleVersion` with the time
    it was in force, so a commission uses the rate in force when its order completed. A rule ended
    (`ended_at`) keeps its versions; one rule per (store, category) pair is in force at a time.
    The brand-wide default is the tenant's `default_commission_rate`.
    """

    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                F("tenant"),
                Coalesce("store", 0),
                Coalesce("category", 0),
                condition=Q(ended_at__isnull=True),
                name="commissionrule_one_in_force_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(store__isnull=False) | Q(category__isnull=False), name="commissionrule_names_a_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"rule {self.pk}: store {self.store_id} category {self.category_id}"


class CommissionRuleVersion(TenantOwned):
    """One rate of a rule and when it was in force: [valid_from, valid_to), valid_to None = now."""

    rule = models.ForeignKey(CommissionRule, on_delete=models.CASCADE, related_name="versions")
    rate = models.DecimalField(_("rate"), **RATE)  # type: ignore[arg-type]
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["rule_id", "valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "rule"], condition=Q(valid_to__isnull=True), name="commissionruleversion_one_open"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="commissionruleversion_rate_fraction"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="commissionruleversion_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"rule {self.rule_id}: {self.rate} from {self.valid_from}"


class CommissionClaim(TenantOwned):
    """A guide's claim on an order no guide was credited with (rules.md 4.3)."""

    guide = models.ForeignKey(StoreStaff, on_delete=models.PROTECT, related_name="commission_claims")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus, default=ClaimStatus.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # one approved claim per order, and one open claim per guide and order
            models.UniqueConstraint(
                fields=["tenant", "order"], condition=Q(status="approved"), name="commissionclaim_one_approved"
            ),
            models.UniqueConstraint(
                fields=["tenant", "order", "guide"], condition=Q(status="pending"), name="commissionclaim_one_open"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="commissionclaim_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.pk} on order {self.order_id} by {self.guide_id}"


class ClaimedLine(TenantOwned):
    """A line an approved claim made its guide the beneficiary of: one per line, ever (the database
    holds it against two approvals at the same moment)."""

    claim = models.ForeignKey(CommissionClaim, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "line"], name="claimedline_one_beneficiary")]

    def __str__(self) -> str:
        return f"line {self.line_id} claimed by {self.claim_id}"


class Commission(TenantOwned):
    """A guide's commission on one order line, or an adjustment of one (rules.md 4.4, 4.5).

    `sale`: created when the order completes (rate x the line's net amount); `remainder`: what is
    left after a partial refund of an unsettled commission (that one reversed, `replaces` it);
    `clawback`: a negative row after a refund of a settled one (`replaces` the settled row).
    `completed_at` is the order's completion: the period and the return window count from it.
    `settlement_run_id` is the settlements app's run (a higher app: an id, not a key).
    """

    guide = models.ForeignKey(StoreStaff, on_delete=models.PROTECT, related_name="commissions")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=CommissionKind, default=CommissionKind.SALE)
    source = models.CharField(max_length=8, choices=CommissionSource)
    claim = models.ForeignKey(CommissionClaim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.ForeignKey(CommissionRuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rate = models.DecimalField(_("rate"), **RATE)  # type: ignore[arg-type]
    base_amount = models.DecimalField(_("net line amount"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=CommissionStatus, default=CommissionStatus.PENDING, db_index=True
    )
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reversed_by = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completed_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    payable_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    settlement_run_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "status", "completed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "line"], condition=Q(kind="sale"), name="commission_one_sale_per_line"
            ),
            models.UniqueConstraint(
                fields=["tenant", "line", "refund"], condition=Q(refund__isnull=False), name="commission_one_per_refund"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="commission_rate_fraction"),
            models.CheckConstraint(
                condition=Q(kind="clawback", amount__lte=0) | (~Q(kind="clawback") & Q(amount__gte=0)),
                name="commission_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="sale", refund__isnull=True) | (~Q(kind="sale") & Q(refund__isnull=False)),
                name="commission_refund_iff_adjustment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on line {self.line_id} to {self.guide_id}"


# --- a guide's share links (issue 12 item 1) ---------------------------------------------------


class GuideLink(TenantOwned):
    """A guide's personal share link for one target (the store's page, a product, booking a service):
    one per guide and target, made on first use (`guides.services.links.guide_link`). `key` names the
    target (`store`, `product:12`, `booking:3`), so that the unique constraint holds without nulls."""

    guide = models.ForeignKey(StoreStaff, on_delete=models.CASCADE, related_name="share_links")
    key = models.CharField(_("target key"), max_length=40)
    link = models.OneToOneField(TrackingLink, on_delete=models.PROTECT, related_name="guide_share")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "guide", "key"], name="guidelink_unique_target")]

    def __str__(self) -> str:
        return f"{self.guide_id} {self.key}"
