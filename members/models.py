"""A consumer's membership of a brand, the stores that serve them, and their binding to a guide."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from o2o.models import TenantOwned, User
from stores.models import Store, StoreStaff


class Member(TenantOwned):
    """One membership per consumer per brand, shared by all its stores, with a home store.

    Created at sign-up, or at a first booking or order by phone (then without an account until the
    consumer signs up with that phone).
    """

    phone = PhoneNumberField(_("phone"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    home_store = models.ForeignKey(Store, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    consent_marketing = models.BooleanField(_("marketing consent"), default=False)
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "phone"], name="member_unique_phone"),
            models.UniqueConstraint(
                fields=["tenant", "user"], condition=Q(user__isnull=False), name="member_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.phone)


class ServedBy(TenantOwned):
    """A store served this member (a booking, a visit, an order): the store may see their data."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="served_by")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    first_served_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "store", "member"], name="servedby_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.store_id}"


class BindingSource(models.TextChoices):
    LINK = "link", _("Guide's share link")
    QR = "qr", _("Guide's QR code")
    SERVED = "served", _("Served in store")
    MANUAL = "manual", _("Re-bound by the manager")


class GuideBinding(TenantOwned):
    """A customer bound to a guide (and so to the guide's store) for the protection period (rules.md 4.1).

    Records are kept: the binding in force at a moment is the latest one that covers it.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="guide_bindings")
    guide = models.ForeignKey(StoreStaff, on_delete=models.PROTECT, related_name="bindings")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=BindingSource)
    bound_at = models.DateTimeField(_("bound at"))
    bound_until = models.DateTimeField(_("bound until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True, help_text=_("why a manager re-bound"))
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["member_id", "-bound_at"]
        constraints = [
            models.CheckConstraint(condition=Q(bound_until__gt=models.F("bound_at")), name="binding_period_positive"),
            models.CheckConstraint(condition=~Q(source="manual") | ~Q(reason=""), name="binding_manual_has_reason"),
        ]
        indexes = [models.Index(fields=["tenant", "member", "bound_until"], name="binding_member_until")]

    def __str__(self) -> str:
        return f"{self.member_id} -> {self.guide_id} until {self.bound_until:%Y-%m-%d}"


class BindingReminderSent(TenantOwned):
    """The day's expiry reminder told to a guide (rules.md 4.1): one per guide per day in the brand's
    time zone, so that the daily job run twice, or by two workers at once, sends it once."""

    guide = models.ForeignKey(StoreStaff, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    customers = models.PositiveIntegerField(_("customers listed"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "guide", "day"], name="binding_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.guide_id} {self.day}"
