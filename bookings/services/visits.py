"""Store visits: a booking's check-in, a no-show, a walk-in scanning the store's QR code (rules.md 2.5)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from bookings.choices import BookingStatus, VisitSource
from bookings.models import Booking, StoreVisit
from bookings.selectors import acts_for_store, get_booking_by_code
from bookings.services.booking import illegal_transition, lock_booking
from bookings.signals import booking_checked_in, store_visited
from members.models import Member
from members.services import note_served
from o2o.errors import Conflict, Forbidden, InvalidInput
from o2o.models import Tenant, User
from stores.models import Store


def end_of_local_day(*, moment: dt.datetime, timezone_name: str) -> dt.datetime:
    """The next midnight after `moment` on the clock of `timezone_name`, as an aware instant."""
    zone = ZoneInfo(timezone_name)
    day = moment.astimezone(zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


# the statuses a booking is checked in from: a no-show still can, within the check-in window
CHECK_IN_FROM = (BookingStatus.BOOKED, BookingStatus.NO_SHOW)


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

    The booking is given, or found by its check-in `code` (NotFound when none). Allowed to the
    store's staff and HQ (`by`), or to anyone presenting the booking's code; else Forbidden.
    Allowed from `tenant.check_in_early_minutes` before the start (else Conflict `too_early`) to
    the end of that day on the store's clock (else Conflict `too_late`). Records a StoreVisit
    (source `check_in`) with the member and the booking's visitor id; after commit sends
    `booking_checked_in` and `store_visited`. A `no_show` booking (marked after its slot and grace
    period) may still be checked in within that window: a consumer who comes late the same day is
    a visit, and the no-show was only the store's presumption. Another status: Conflict
    `illegal_transition`.
    """
    now = now or timezone.now()
    if booking is None:
        booking = get_booking_by_code(tenant=tenant, code=code)
    locked = lock_booking(tenant=tenant, booking=booking)
    holds_code = bool(code) and constant_time_compare(code.strip().upper(), locked.check_in_code)
    if not holds_code and not acts_for_store(tenant=tenant, user=by, store_id=locked.store_id):
        raise Forbidden(_("Present the booking's check-in code, or ask the store's staff."))
    if locked.status not in CHECK_IN_FROM:
        raise illegal_transition(locked, _("checked in"))
    if now < locked.start_at - dt.timedelta(minutes=tenant.check_in_early_minutes):
        raise Conflict(
            _("Check-in opens %(minutes)d minutes before the start.") % {"minutes": tenant.check_in_early_minutes},
            code="too_early",
        )
    if now >= end_of_local_day(moment=locked.start_at, timezone_name=locked.store.timezone):
        raise Conflict(_("Check-in closed at the end of the booking's day."), code="too_late")
    visit = StoreVisit.objects.create(
        tenant=tenant,
        store=locked.store,
        member=locked.member,
        visitor_id=locked.visitor_id,
        booking=locked,
        source=VisitSource.CHECK_IN,
        visited_at=now,
    )
    locked.status = BookingStatus.CHECKED_IN
    locked.checked_in_at = now
    locked.save(update_fields=["status", "checked_in_at"])
    transaction.on_commit(partial(booking_checked_in.send, sender=Booking, tenant=tenant, booking=locked), robust=True)
    transaction.on_commit(partial(store_visited.send, sender=StoreVisit, tenant=tenant, visit=visit), robust=True)
    return locked


@transaction.atomic
def mark_no_show(
    *, tenant: Tenant, booking: Booking, by: User | AnonymousUser | None, now: dt.datetime | None = None
) -> Booking:
    """Mark a `booked` booking `no_show` (the store's staff or HQ: else Forbidden).

    Only once its slot ended `tenant.no_show_grace_minutes` ago (else Conflict `too_early`);
    another status: Conflict `illegal_transition`. The place stays taken: the slot is over.
    """
    now = now or timezone.now()
    locked = lock_booking(tenant=tenant, booking=booking)
    if not acts_for_store(tenant=tenant, user=by, store_id=locked.store_id):
        raise Forbidden(_("Only the store's staff and HQ may mark a no-show."))
    if locked.status != BookingStatus.BOOKED:
        raise illegal_transition(locked, _("marked a no-show"))
    if now < locked.end_at + dt.timedelta(minutes=tenant.no_show_grace_minutes):
        raise Conflict(
            _("A booking becomes a no-show %(minutes)d minutes after its slot ends.")
            % {"minutes": tenant.no_show_grace_minutes},
            code="too_early",
        )
    locked.status = BookingStatus.NO_SHOW
    locked.save(update_fields=["status"])
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
    The store records serving the member; `store_visited` is sent after commit. InvalidInput
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
    transaction.on_commit(partial(store_visited.send, sender=StoreVisit, tenant=tenant, visit=visit), robust=True)
    return visit, True
