"""The guides app's enumerations (rules.md 4.2 to 4.5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    PAYABLE = "payable", _("Payable")
    PAID = "paid", _("Paid")
    REVERSED = "reversed", _("Reversed")


UNSETTLED = (CommissionStatus.PENDING, CommissionStatus.APPROVED)
SETTLED = (CommissionStatus.PAYABLE, CommissionStatus.PAID)


class CommissionKind(models.TextChoices):
    """Why a commission row exists: the sale at completion, what is left of it after a partial
    refund of an unsettled one (the old row reversed), or a negative adjustment of a settled one."""

    SALE = "sale", _("Sale")
    REMAINDER = "remainder", _("Remainder after a refund")
    CLAWBACK = "clawback", _("Claw-back of a refund")


class CommissionSource(models.TextChoices):
    """How the beneficiary was found (rules.md 4.2)."""

    CODE = "code", _("Guide code given at checkout")
    BINDING = "binding", _("Customer bound to the guide")
    CLAIM = "claim", _("Approved claim")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
