"""Settlement's tables (rules.md section 5): the double-entry ledger (accounts, journal entries and
their postings) and the settlement runs with their statements.

The ledger's invariants live in the database: the postings of an entry sum to zero (a deferred
constraint trigger checks each touched entry at commit, migration 0002, PostgreSQL), and posted
entries and postings are never changed (the application role has no UPDATE or DELETE on them:
`o2o.tenancy.rls.INSERT_ONLY_MODELS`); a correction is a reversing entry.

Signs: an amount is signed, and an account's balance is the sum of its postings. On a store
operator's account a positive balance is what HQ owes the store (a statement's net adds to it);
on a clearing account it is what the brand has drawn from it (see `settlements.services.posting`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from o2o.models import TenantOwned
from o2o.money import MONEY
from stores.models import Store, StoreStaff


class AccountKind(models.TextChoices):
    HQ = "hq", _("Headquarters")
    STORE_OPERATOR = "store_operator", _("Store operator")
    GUIDE = "guide", _("Guide")
    SALES_CLEARING = "sales_clearing", _("Sales clearing")
    TAC_CLEARING = "tac_clearing", _("Traffic cost clearing")
    COMMISSION_CLEARING = "commission_clearing", _("Commission clearing")


BRAND_ACCOUNTS = (
    AccountKind.HQ,
    AccountKind.SALES_CLEARING,
    AccountKind.TAC_CLEARING,
    AccountKind.COMMISSION_CLEARING,
)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CLOSED = "closed", pgettext_lazy("settlement run", "Closed")


class StatementStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("statement", "Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class LineKind(models.TextChoices):
    SALES = "sales", _("Net sales")
    STORE_SHARE = "store_share", _("Store share")
    TAC = "tac", _("Traffic-acquisition cost")
    COMMISSION = "commission", _("Guide commissions")


class Account(TenantOwned):
    """A ledger account of a brand: HQ's, a store operator's, a guide's, or a clearing account.
    One per brand, kind and owner."""

    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guide = models.ForeignKey(StoreStaff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["kind", "store_id", "guide_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind"],
                condition=Q(store__isnull=True, guide__isnull=True),
                name="account_unique_brand_kind",
            ),
            models.UniqueConstraint(
                fields=["tenant", "kind", "store"], condition=Q(store__isnull=False), name="account_unique_store"
            ),
            models.UniqueConstraint(
                fields=["tenant", "kind", "guide"], condition=Q(guide__isnull=False), name="account_unique_guide"
            ),
            models.CheckConstraint(
                condition=(Q(kind=AccountKind.STORE_OPERATOR) & Q(store__isnull=False, guide__isnull=True))
                | (Q(kind=AccountKind.GUIDE) & Q(store__isnull=True, guide__isnull=False))
                | (Q(kind__in=BRAND_ACCOUNTS) & Q(store__isnull=True, guide__isnull=True)),
                name="account_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = self.store_id or self.guide_id
        return f"{self.kind}:{owner}" if owner else self.kind


class SettlementRun(TenantOwned):
    """A settlement of a brand's period `[period_start, period_end)` (tenant time zone).

    One real run per brand and period (the partial unique constraint); dry runs preview statements
    without posting and are replaced by the next dry run of the period.
    """

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (excluded)"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus, default=RunStatus.QUEUED)
    dry_run = models.BooleanField(_("dry run"), default=False)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # the last reconciliation (settlements.services.reconciliation): {"ok", "checks": [{"name", "ok",
    # "expected", "found", "detail"}]}
    reconciliation = models.JSONField(_("reconciliation"), default=dict, blank=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement run")
        verbose_name_plural = _("settlement runs")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "period_start", "period_end"],
                condition=Q(dry_run=False),
                name="settlementrun_one_per_period",
            ),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="settlementrun_period"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="settlementrun_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start}..{self.period_end}{' (dry)' if self.dry_run else ''}"


class Statement(TenantOwned):
    """A store's statement of a run: its lines and the net (> 0: HQ pays the store)."""

    run = models.ForeignKey(SettlementRun, on_delete=models.CASCADE, related_name="statements")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    net = models.DecimalField(_("net"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=StatementStatus, default=StatementStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    answer = models.TextField(_("HQ's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["run_id", "store_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "run", "store"], name="statement_one_per_store")]


class StatementAction(models.TextChoices):
    CONFIRM = "confirm", _("Confirmed")
    DISPUTE = "dispute", _("Disputed")
    ANSWER = "answer", _("Answered")


class StatementEvent(TenantOwned):
    """A step of a statement's history: its store manager confirmed or disputed it (with a note),
    HQ answered a dispute; who and when. Appended, never changed."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=StatementAction)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey("o2o.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("statement event")
        verbose_name_plural = _("statement events")
        ordering = ["statement_id", "at", "pk"]


class StatementLine(TenantOwned):
    """A line of a statement (rules.md 5.4), with the numbers it was computed from (`data`)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    counts = models.BooleanField(_("counts"))
    data = models.JSONField(_("underlying numbers"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "statement", "kind"], name="statementline_one_per_kind")
        ]


class JournalEntry(TenantOwned):
    """A posted journal entry: its postings sum to zero. Never updated nor deleted (insert-only
    for the application role); `reverses` names the entry it cancels."""

    posted_at = models.DateTimeField(_("posted at"), default=timezone.now)
    description = models.CharField(_("description"), max_length=200)
    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["posted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reverses"], condition=Q(reverses__isnull=False), name="entry_reversed_once"
            )
        ]
        indexes = [models.Index(fields=["tenant", "posted_at"], name="entry_tenant_posted")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description}"


class Posting(TenantOwned):
    """One side of an entry: a signed amount on an account."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(_("amount"), **MONEY)
    memo = models.CharField(_("memo"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["entry_id", "pk"]
        indexes = [models.Index(fields=["tenant", "account", "entry"], name="posting_tenant_account")]
