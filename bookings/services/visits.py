"""Store visits: a booking's check-in, a no-show, a walk-in scanning the store's QR code (rules.md 2.5)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.choices import BookingStatus, VisitSource
from bookings.events import BOOKING_CHECKED_IN, STORE_VISITED
from bookings.models import Booking, StoreVisit
from bookings.rules import CHECK_IN_FROM, check_in_closes, check_in_opens, is_check_in_code, no_show_grace
from bookings.selectors import get_booking_by_code
from bookings.services.booking import illegal_transition, lock_booking
from members.models import Member
from members.services import note_served
from o2o.errors import Conflict, InvalidInput
from o2o.events import record_event
from o2o.models import Tenant, User
from stores.models import Store

logger = logging.getLogger(__name__)


@transaction.atomic
def check_in(
    *,
    tenant: Tenant,
    booking: Booking | None = None,
    code: str = "",
    by: User | AnonymousUser | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Check a `booked` booking in at its store and record the store visit.

    The booking is given, or found by its check-in `code` (NotFound when none). Who may check it in
    (the store's staff and HQ, or anyone presenting the booking's code) is the caller's question to
    `bookings.policies` (`authorize("check_in", ...)`), asked before; `by` is who did it. A code
    given with a booking must be that booking's, whoever checks in (else InvalidInput naming
    `check_in_code`): scanning another person's QR code checks nobody in.
    Allowed from `tenant.check_in_early_minutes` before the start (else Conflict `too_early`) to
    the end of that day on the store's clock (else Conflict `too_late`). Records a StoreVisit
    (source `check_in`) with the member and the booking's visitor id, and the events
    `BOOKING_CHECKED_IN` and `STORE_VISITED`. A `no_show` booking (marked after its slot and grace
    period) may still be checked in within that window: a consumer who comes late the same day is
    a visit, and the no-show was only the store's presumption. Another status: Conflict
    `illegal_transition`.
    """
    now = now or timezone.now()
    if booking is None:
        booking = get_booking_by_code(tenant=tenant, code=code)
    locked = lock_booking(tenant=tenant, booking=booking)
    if code and not is_check_in_code(booking=locked, code=code):  # another person's QR code
        raise InvalidInput("check_in_code", _("This check-in code is not this booking's."))
    if locked.status not in CHECK_IN_FROM:
        raise illegal_transition(locked, _("checked in"))
    if now < check_in_opens(tenant=tenant, booking=locked):
        raise Conflict(
            _("Check-in opens %(minutes)d minutes before the start.") % {"minutes": tenant.check_in_early_minutes},
            code="too_early",
        )
    if now >= check_in_closes(booking=locked):
        raise Conflict(_("Check-in closed at the end of the booking's day."), code="too_late")
    visit = StoreVisit.objects.create(
        tenant=tenant,
        store=locked.store,
        member_id=locked.member_id,  # the id is enough: no read of the member
        visitor_id=locked.visitor_id,
        booking=locked,
        source=VisitSource.CHECK_IN,
        visited_at=now,
    )
    locked.status = BookingStatus.CHECKED_IN
    locked.checked_in_at = now
    locked.save(update_fields=["status", "checked_in_at"])
    record_event(tenant=tenant, name=BOOKING_CHECKED_IN, booking_id=locked.pk)
    record_event(tenant=tenant, name=STORE_VISITED, visit_id=visit.pk)
    logger.info("booking %s checked in by %s", locked.pk, getattr(by, "pk", None))
    return locked


@transaction.atomic
def mark_no_show(
    *, tenant: Tenant, booking: Booking, by: User | AnonymousUser | None, now: dt.datetime | None = None
) -> Booking:
    """Mark a `booked` booking `no_show` (the store's staff or HQ: the caller asks
    `bookings.policies` first; `by` is who did it).

    Only once its slot ended `tenant.no_show_grace_minutes` ago (else Conflict `too_early`);
    another status: Conflict `illegal_transition`. The place stays taken: the slot is over.
    """
    now = now or timezone.now()
    locked = lock_booking(tenant=tenant, booking=booking)
    if locked.status != BookingStatus.BOOKED:
        raise illegal_transition(locked, _("marked a no-show"))
    if now < locked.end_at + no_show_grace(tenant=tenant):
        raise Conflict(
            _("A booking becomes a no-show %(minutes)d minutes after its slot ends.")
            % {"minutes": tenant.no_show_grace_minutes},
            code="too_early",
        )
    locked.status = BookingStatus.NO_SHOW
    locked.save(update_fields=["status"])
    logger.info("booking %s marked a no-show by %s", locked.pk, getattr(by, "pk", None))
    return locked


@transaction.atomic
def record_walk_in(
    *,
    tenant: Tenant,
    store: Store,
    member: Member | None = None,
    visitor_id: str = "",
    now: dt.datetime | None = None,
) -> tuple[StoreVisit, bool]:
    """Record that a consumer scanned the store's QR code in the store: a walk-in visit.

    Returns (visit, created). One visit per person per store and day (on the store's clock): the
    member (or, without one, the device's `visitor_id`) already seen there that day gets that
    visit back and nothing is recorded again; an anonymous scan without a visitor id always counts.
    The store records serving the member; records `STORE_VISITED`. InvalidInput
    naming `store` for a closed store.
    """
    now = now or timezone.now()
    # one walk-in at a time per store, so that a double scan is recorded once
    locked = Store.objects.select_for_update().filter(tenant=tenant, pk=store.pk, is_active=True).first()
    if locked is None:
        raise InvalidInput("store", _("This store is closed."))
    visitor_id = visitor_id[:64]
    if member is not None or visitor_id:
        zone = ZoneInfo(locked.timezone)
        day_start = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), tzinfo=zone)
        same_day = StoreVisit.objects.filter(
            tenant=tenant, store=locked, visited_at__gte=day_start, visited_at__lte=now
        )
        seen = same_day.filter(member=member) if member is not None else same_day.filter(visitor_id=visitor_id)
        earlier = seen.order_by("visited_at", "pk").first()
        if earlier is not None:
            return earlier, False
    if member is not None:
        note_served(tenant=tenant, member=member, store=locked)
    visit = StoreVisit.objects.create(
        tenant=tenant,
        store=locked,
        member=member,
        visitor_id=visitor_id,
        source=VisitSource.WALK_IN,
        visited_at=now,
    )
    record_event(tenant=tenant, name=STORE_VISITED, visit_id=visit.pk)
    return visit, True
