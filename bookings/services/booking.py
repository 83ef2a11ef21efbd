"""Booking a place in a slot, cancelling it, moving it (rules.md 2.3-2.4).

A place in a slot is a counter: `SlotOccupancy.taken`, with `CHECK (taken <= capacity)`. Booking
takes one with one conditional UPDATE (`taken = taken + 1 WHERE taken < capacity`) after an
`INSERT ... ON CONFLICT DO NOTHING` of the slot's row, so capacity is never exceeded whatever the
concurrency: concurrent bookers queue on the row lock and each re-checks the condition. Locks are
always taken in one order: the member rows (membership, served-by), then a booking row, then slot
rows in primary-key order; so two transactions never wait on each other in a cycle.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.choices import BookingStatus
from bookings.events import BOOKING_CANCELLED, BOOKING_MADE
from bookings.models import Booking, ReminderSent, SlotOccupancy
from bookings.rules import cancellable_alone, may_change
from bookings.slots import check_slot_start, get_offering
from catalog.models import Service
from members.models import Member
from members.services import join_brand, normalize_phone, note_served
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.events import record_event
from o2o.models import Tenant, User
from stores.models import Store, StoreService

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
CODE_LENGTH = 8
_CODE_ATTEMPTS = 5


def illegal_transition(booking: Booking, action: str) -> Conflict:
    """The 409 refusing `action` (past participle, "cancelled") in the booking's current status."""
    return Conflict(
        _("A %(status)s booking cannot be %(action)s.") % {"status": booking.get_status_display(), "action": action},
        code="illegal_transition",
    )


def lock_booking(*, tenant: Tenant, booking: Booking) -> Booking:
    """`booking` read afresh under a row lock (`select_for_update`), with its store and service;
    NotFound when it is gone (bookings are kept, but a missing row is a 404, never a 500)."""
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("store", "service")
        .filter(tenant=tenant, pk=booking.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("No such booking."))
    return locked


def _slot_row(*, tenant: Tenant, offering: StoreService, start_at: dt.datetime) -> None:
    """Make the slot's occupancy row when it is missing (capacity copied from the offering)."""
    SlotOccupancy.objects.bulk_create(
        [
            SlotOccupancy(
                tenant=tenant,
                store_id=offering.store_id,
                service_id=offering.service_id,
                start_at=start_at,
                capacity=offering.capacity,
                taken=0,
            )
        ],
        ignore_conflicts=True,
    )


def _take_place(*, tenant: Tenant, offering: StoreService, start_at: dt.datetime) -> None:
    """Take a place in the slot (its row must exist): one conditional UPDATE; Conflict `slot_full`.

    The row's capacity becomes the offering's current one, so a capacity changed by the store holds
    for the places taken from then on (the CHECK still holds: taken + 1 <= capacity).
    """
    capacity = offering.capacity
    taken = SlotOccupancy.objects.filter(
        tenant=tenant,
        store_id=offering.store_id,
        service_id=offering.service_id,
        start_at=start_at,
        taken__lt=capacity,
    ).update(taken=F("taken") + 1, capacity=capacity)
    if not taken:
        raise Conflict(_("This slot is full."), code="slot_full")


def _free_place(*, tenant: Tenant, booking: Booking) -> None:
    SlotOccupancy.objects.filter(
        tenant=tenant,
        store_id=booking.store_id,
        service_id=booking.service_id,
        start_at=booking.start_at,
        taken__gt=0,
    ).update(taken=F("taken") - 1)


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _create_booking(**fields: object) -> Booking:
    """Insert the booking with a fresh random check-in code (drawn again on the rare clash)."""
    for attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Booking.objects.create(check_in_code=new_check_in_code(), **fields)
        except IntegrityError as exc:
            if "booking_unique_code" not in str(exc) or attempt == _CODE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def book_visit(
    *,
    tenant: Tenant,
    store: Store,
    service: Service,
    start_at: dt.datetime,
    member: Member | None,
    name: str,
    phone: str,
    visitor_id: str = "",
    created_by: User | AnonymousUser | None = None,
    now: dt.datetime | None = None,
    for_order: bool = False,
) -> Booking:
    """Book a place in the slot of `service` at `store` starting at `start_at`.

    `member` is the signed-in consumer's membership; anyone else (`member=None`) gives `name` and
    `phone`, and the booking is the brand's membership for that phone (created when missing). A
    signed-in `created_by` without a membership who gives their own account's phone joins the brand
    with it (their account linked); another phone is booked for its owner, as a guest's would be,
    never linked to the booker's account (nobody takes over another person's membership by typing
    their phone). The store is recorded as serving the member.

    Raises InvalidInput naming `service` (the store does not offer it), `start` (not a slot start
    of the service at the store: closed, misaligned, too soon or too far), `name` or `phone` (a
    guest's, missing or invalid); Conflict `slot_full` (409) when no place is left. On success the
    booking is `booked` with a unique random check-in code, and a confirmation goes out after
    commit. Atomic: a refusal changes nothing.
    """
    offering = get_offering(tenant=tenant, store=store, service_id=service.pk, taken_at=start_at)
    return book_offering(
        tenant=tenant,
        offering=offering,
        start_at=start_at,
        member=member,
        name=name,
        phone=phone,
        visitor_id=visitor_id,
        created_by=created_by,
        now=now,
        for_order=for_order,
    )


def book_offering(
    *,
    tenant: Tenant,
    offering: StoreService,
    start_at: dt.datetime,
    member: Member | None,
    name: str,
    phone: str,
    visitor_id: str = "",
    created_by: User | AnonymousUser | None = None,
    now: dt.datetime | None = None,
    for_order: bool = False,
) -> Booking:
    """`book_visit` for an offering already read, with its store, service and `taken` at `start_at`
    (`slots.find_offering(..., taken_at=start_at)`): the API's hot path, one query less.

    The checks that only read come first, outside any transaction: a slot seen full answers 409
    at once, which keeps a rush on a popular slot cheap. That early look is no guarantee: the
    conditional UPDATE in `_book` decides.
    """
    now = now or timezone.now()
    end_at = check_slot_start(
        tenant=tenant,
        store=offering.store,
        duration_minutes=offering.service.duration_minutes,
        start_at=start_at,
        now=now,
    )
    name = name.strip()
    if member is None:
        if not name:
            raise InvalidInput("name", _("Give the name the booking is for."))
        if not phone.strip():
            raise InvalidInput("phone", _("Give a phone number."))
    if getattr(offering, "taken", 0) >= offering.capacity:
        raise Conflict(_("This slot is full."), code="slot_full")
    return _book(
        tenant=tenant,
        offering=offering,
        start_at=start_at.astimezone(dt.UTC),
        end_at=end_at,
        member=member,
        name=name,
        phone=phone,
        visitor_id=visitor_id,
        created_by=created_by,
        for_order=for_order,
    )


@transaction.atomic
def _book(
    *,
    tenant: Tenant,
    offering: StoreService,
    start_at: dt.datetime,
    end_at: dt.datetime,
    member: Member | None,
    name: str,
    phone: str,
    visitor_id: str,
    created_by: User | AnonymousUser | None,
    for_order: bool = False,
) -> Booking:
    """The writes of a booking, in one transaction: membership, served-by, the place, the booking."""
    if member is None:
        member = join_brand(tenant=tenant, phone=phone, name=name, user=_own_account(created_by, phone))
        phone = str(member.phone)
    else:
        phone = normalize_phone(phone) if phone.strip() else str(member.phone)
    note_served(tenant=tenant, member=member, store=offering.store)
    _slot_row(tenant=tenant, offering=offering, start_at=start_at)
    _take_place(tenant=tenant, offering=offering, start_at=start_at)
    booking = _create_booking(
        tenant=tenant,
        store=offering.store,
        service=offering.service,
        member=member,
        start_at=start_at,
        end_at=end_at,
        status=BookingStatus.BOOKED,
        name=(name or member.name)[:150],
        phone=phone,
        visitor_id=visitor_id[:64],
        created_by=created_by if isinstance(created_by, User) else None,
        for_order=for_order,
    )
    record_event(tenant=tenant, name=BOOKING_MADE, booking_id=booking.pk)  # the confirmation is its handler
    return booking


def _own_account(user: User | AnonymousUser | None, phone: str) -> User | None:
    """`user` when `phone` is their own account's (their phone, or a consumer's username), else None."""
    if not isinstance(user, User):
        return None
    normalized = normalize_phone(phone)
    return user if normalized in {str(user.phone or ""), user.username} else None


def _check_cutoff(*, tenant: Tenant, booking: Booking, now: dt.datetime, action: str) -> None:
    if not may_change(tenant=tenant, booking=booking, now=now):
        raise Conflict(
            _("A booking can be %(action)s until %(minutes)d minutes before it starts.")
            % {"action": action, "minutes": tenant.cancel_cutoff_minutes},
            code="too_late",
        )


@transaction.atomic
def cancel_booking(
    *,
    tenant: Tenant,
    booking: Booking,
    by: User | AnonymousUser | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    with_order: bool = False,
) -> Booking:
    """Cancel a `booked` booking and free its place in the slot.

    A consumer may cancel until `tenant.cancel_cutoff_minutes` before the start, else Conflict
    `too_late`; `force` skips that cut-off (store staff, HQ, the cancellation of the order holding
    the booking). Any other status: Conflict `illegal_transition`. The visit of a try-in-store
    order (`for_order`) is cancelled only with its order (`with_order`, the orders app): alone,
    Conflict `held_by_order`, since the order would keep its goods held for a visit that is gone.
    Nothing changes on a refusal.
    """
    now = now or timezone.now()
    locked = lock_booking(tenant=tenant, booking=booking)
    if locked.status != BookingStatus.BOOKED:
        raise illegal_transition(locked, _("cancelled"))
    if not cancellable_alone(booking=locked) and not with_order:
        raise Conflict(
            _("This visit belongs to a try-in-store order: cancel the order to cancel the visit."),
            code="held_by_order",
        )
    if not force:
        _check_cutoff(tenant=tenant, booking=locked, now=now, action=_("cancelled"))
    _free_place(tenant=tenant, booking=locked)
    locked.status = BookingStatus.CANCELLED
    locked.cancelled_at = now
    locked.save(update_fields=["status", "cancelled_at"])
    record_event(tenant=tenant, name=BOOKING_CANCELLED, booking_id=locked.pk)
    logger.info("booking %s cancelled by %s", locked.pk, getattr(by, "pk", None))
    return locked


@transaction.atomic
def reschedule_booking(
    *,
    tenant: Tenant,
    booking: Booking,
    start_at: dt.datetime,
    by: User | AnonymousUser | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a `booked` booking to the slot starting at `start_at` (same store and service), atomically.

    The new place is taken first, then the old one freed: when the new slot is full, Conflict
    `slot_full` and the booking keeps its old place. The same cut-off as a cancellation applies
    (unless `force`), and InvalidInput naming `start` when `start_at` is not a bookable slot.
    Reminders already sent for the old time will be sent again for the new one.
    """
    now = now or timezone.now()
    locked = lock_booking(tenant=tenant, booking=booking)
    if locked.status != BookingStatus.BOOKED:
        raise illegal_transition(locked, _("rescheduled"))
    if not force:
        _check_cutoff(tenant=tenant, booking=locked, now=now, action=_("rescheduled"))
    offering = get_offering(tenant=tenant, store=locked.store, service_id=locked.service_id)
    end_at = check_slot_start(
        tenant=tenant,
        store=locked.store,
        duration_minutes=offering.service.duration_minutes,
        start_at=start_at,
        now=now,
    )
    start_at = start_at.astimezone(dt.UTC)
    if start_at == locked.start_at:
        return locked
    _slot_row(tenant=tenant, offering=offering, start_at=start_at)
    # both rows locked in primary-key order: two opposite moves never deadlock
    list(
        SlotOccupancy.objects.select_for_update()
        .filter(tenant=tenant, store_id=locked.store_id, service_id=locked.service_id)
        .filter(start_at__in=[start_at, locked.start_at])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _take_place(tenant=tenant, offering=offering, start_at=start_at)
    _free_place(tenant=tenant, booking=locked)
    ReminderSent.objects.filter(tenant=tenant, booking=locked).delete()
    locked.start_at, locked.end_at, locked.rescheduled_at = start_at, end_at, now
    locked.save(update_fields=["start_at", "end_at", "rescheduled_at"])
    return locked
