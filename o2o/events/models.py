"""The outbox's tables: the events recorded with the changes, and their deliveries to the handlers
(see `o2o.events`).

Imported at the end of `o2o/models.py`, so that they are models of the kernel app.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from o2o.models import TenantOwned


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Event(TenantOwned):
    """Something that happened in the brand, recorded in the transaction that made it happen.

    Insert-only (`o2o.tenancy.rls.INSERT_ONLY_MODELS`): what is delivered, and to whom, is on
    `Delivery`. `payload` holds JSON primitives (ids, not objects), as the sending app documents.
    """

    name = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"), default=dict)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["tenant", "id"], name="event_tenant_id")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class Delivery(TenantOwned):
    """The delivery of one event to one handler (by its key): pending, done, or failed (kept
    aside after `MAX_ATTEMPTS`, with its last error, until someone replays it)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("event"))
    handler = models.CharField(_("handler"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event", "handler"], name="delivery_unique_per_handler"),
            models.CheckConstraint(condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            models.CheckConstraint(
                condition=models.Q(done_at__isnull=True) | models.Q(status=DeliveryStatus.DONE),
                name="delivery_done_at_only_when_done",
            ),
        ]
        indexes = [
            # the sweep: the brand's pending deliveries that are due
            models.Index(
                fields=["tenant", "next_attempt_at"],
                condition=models.Q(status=DeliveryStatus.PENDING),
                name="delivery_pending_due",
            ),
            # the admin: the brand's failed deliveries
            models.Index(
                fields=["tenant", "-id"], condition=models.Q(status=DeliveryStatus.FAILED), name="delivery_failed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handler} <- {self.event_id}"
