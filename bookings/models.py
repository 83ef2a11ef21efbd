"""In-store visits: slot occupancy, bookings, and store visits (the O2O platform's key conversion)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.choices import BookingStatus, VisitSource
from catalog.models import Service
from members.models import Member
from o2o.models import TenantOwned, User
from o2o.visitors import VISITOR_ID_MAX_LENGTH
from stores.models import Store


class SlotOccupancy(TenantOwned):
    """How many active bookings hold a slot of a service at a store.

    The database guarantees `taken <= capacity`: a booking takes a place with one conditional
    UPDATE (`taken = taken + 1 WHERE taken < capacity`), so capacity is never exceeded whatever the
    concurrency. `capacity` is copied from the store's offering when the row is first made.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    start_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "store", "service", "start_at"], name="slot_unique"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="slot_taken_within_capacity"),
            models.CheckConstraint(condition=Q(taken__gte=0), name="slot_taken_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.service_id} {self.start_at:%Y-%m-%d %H:%M} {self.taken}/{self.capacity}"


class Booking(TenantOwned):
    """A consumer's booked visit to a store for a service at a slot."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="bookings")
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=12, choices=BookingStatus, default=BookingStatus.BOOKED)
    check_in_code = models.CharField(_("check-in code"), max_length=12)
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    visitor_id = models.CharField(_("visitor id"), max_length=VISITOR_ID_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # set when the confirmation went out: the task claims it first, so a redelivery sends nothing
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # when the booking was last moved to another slot (reminders count from then, not from creation)
    rescheduled_at = models.DateTimeField(null=True, blank=True)
    # the visit of a try-in-store order: it is cancelled with its order, never on its own
    for_order = models.BooleanField(_("visit of an order"), default=False)

    class Meta:
        ordering = ["start_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "check_in_code"], name="booking_unique_code"),
            models.CheckConstraint(condition=Q(end_at__gt=F("start_at")), name="booking_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["tenant", "store", "start_at"], name="booking_store_start"),
            models.Index(fields=["tenant", "status", "start_at"], name="booking_status_start"),
            models.Index(fields=["tenant", "member"], name="booking_member"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.store_id} {self.start_at:%Y-%m-%d %H:%M} {self.status}"


class ReminderSent(TenantOwned):
    """A reminder that went out `hours_before` the booking's start: each is sent exactly once."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "booking", "hours_before"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} -{self.hours_before}h"


class StoreVisit(TenantOwned):
    """A person in a store: a booking's check-in, or a walk-in scanning the store's QR code."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="visits")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits")
    visitor_id = models.CharField(_("visitor id"), max_length=VISITOR_ID_MAX_LENGTH, blank=True)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="visit")
    source = models.CharField(_("source"), max_length=10, choices=VisitSource)
    visited_at = models.DateTimeField(_("visited at"))

    class Meta:
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "store", "visited_at"], name="visit_store_time")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.visited_at:%Y-%m-%d %H:%M} {self.source}"
