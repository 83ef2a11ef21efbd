"""The work of the background jobs: the booking confirmation, reminders (rules.md 2.6), no-shows."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.choices import BookingStatus
from bookings.models import Booking, ReminderSent
from bookings.rules import no_show_grace
from o2o.models import Tenant
from o2o.notifications import Message, notify
from stores.models import Store

logger = logging.getLogger(__name__)


def _local(moment: dt.datetime, store: Store) -> str:
    return moment.astimezone(ZoneInfo(store.timezone)).strftime("%Y-%m-%d %H:%M")


def _recipient(booking: Booking) -> dict[str, str]:
    user = booking.member.user
    return {"email": (user.email if user is not None else "") or "", "phone": booking.phone}


def send_booking_confirmation(*, tenant: Tenant, booking_id: int) -> list[str]:
    """Tell the consumer their booking is made (e-mail when known, SMS), once. Returns the channels
    used; none for a booking no longer `booked`, missing, or already confirmed.

    The booking is claimed first with a conditional update in the caller's transaction (the task's),
    so a task run twice sends once; when sending fails, the claim rolls back with it and a retry
    sends."""
    claimed = Booking.objects.filter(
        tenant=tenant, pk=booking_id, status=BookingStatus.BOOKED, confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=timezone.now())
    if not claimed:
        return []
    booking = (
        Booking.objects.filter(tenant=tenant, pk=booking_id, status=BookingStatus.BOOKED)
        .select_related("store", "service", "member__user")
        .first()
    )
    if booking is None:
        return []
    message = Message(
        subject=_("Booking confirmed: %(service)s") % {"service": booking.service.name},
        body=_("%(service)s at %(store)s, %(when)s. Your check-in code: %(code)s")
        % {
            "service": booking.service.name,
            "store": booking.store.name,
            "when": _local(booking.start_at, booking.store),
            "code": booking.check_in_code,
        },
    )
    return notify(message=message, **_recipient(booking))


def _reminder(booking: Booking, hours: int) -> Message:
    return Message(
        subject=_("Reminder: %(service)s in %(hours)d hours") % {"service": booking.service.name, "hours": hours},
        body=_("%(service)s at %(store)s, %(address)s, %(when)s. Your check-in code: %(code)s")
        % {
            "service": booking.service.name,
            "store": booking.store.name,
            "address": booking.store.address,
            "when": _local(booking.start_at, booking.store),
            "code": booking.check_in_code,
        },
    )


def send_due_reminders(*, tenant: Tenant, now: dt.datetime | None = None) -> int:
    """Send the reminders due now, each exactly once; returns how many were sent. Safe to run twice.

    The reminder `h` hours before a `booked` booking's start (h in `tenant.reminder_hours`) is due
    from that moment until the next, shorter reminder is due (or the start), for a booking made (or
    last rescheduled) before that moment: one made 1 hour ahead gets neither the 24-hour nor the
    2-hour reminder, and a job that was down for a day does not send a stale 24-hour reminder
    beside the 2-hour one. Each goes out in its
    own savepoint after its `ReminderSent` row is inserted: a concurrent run waits on that row's
    unique index and then skips it; a send that fails (the mail server) rolls its row back, so the
    next run retries it. Rows are taken in primary-key order, so concurrent runs never deadlock.
    """
    now = now or timezone.now()
    sent = 0
    ladder = sorted({int(h) for h in tenant.reminder_hours or [] if int(h) > 0})
    for shorter, hours in zip([0, *ladder], ladder, strict=False):
        lead = dt.timedelta(hours=hours)
        due = (
            Booking.objects.filter(
                tenant=tenant,
                status=BookingStatus.BOOKED,
                start_at__gt=now + dt.timedelta(hours=shorter),
                start_at__lte=now + lead,
            )
            .annotate(
                booked_at=Coalesce("rescheduled_at", "created_at"),
                remind_at=ExpressionWrapper(F("start_at") - lead, output_field=DateTimeField()),
            )
            .filter(booked_at__lte=F("remind_at"))
            .exclude(reminders__hours_before=hours)
            .select_related("store", "service", "member__user")
            .order_by("pk")
        )
        for booking in due:
            try:
                with transaction.atomic():
                    _, created = ReminderSent.objects.get_or_create(tenant=tenant, booking=booking, hours_before=hours)
                    if created:
                        notify(message=_reminder(booking, hours), **_recipient(booking))
                        sent += 1
            except OSError:  # the mail server or the SMS provider: retried by the next run
                logger.exception("reminder %sh of booking %s not sent", hours, booking.pk)
    return sent


def mark_no_shows(*, tenant: Tenant, now: dt.datetime | None = None) -> int:
    """Mark `no_show` every `booked` booking whose slot ended `tenant.no_show_grace_minutes` ago.

    One UPDATE; returns how many changed. Safe to run twice (the second run finds none), and
    beside a check-in (the UPDATE waits for the booking's lock and re-checks the status).
    """
    now = now or timezone.now()
    cutoff = now - no_show_grace(tenant=tenant)
    return Booking.objects.filter(tenant=tenant, status=BookingStatus.BOOKED, end_at__lte=cutoff).update(
        status=BookingStatus.NO_SHOW
    )
