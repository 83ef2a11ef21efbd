"""The bookings API (`api.md`, Bookings): slots, bookings and their transitions, walk-ins.

Who does what:
- anyone, signed in or not, lists a store's slots, books (a signed-in consumer with their own
  membership, a guest with name and phone), checks a booking in by its code, and records a
  walk-in by scanning the store's QR code;
- who sees and does what to a booking is `bookings.policies`, asked with the request's actor
  exactly as the portal pages ask it: a consumer sees, cancels and reschedules their own bookings
  (until the cut-off); a store's manager and guides see their store's bookings, check them in,
  cancel or reschedule them (no cut-off) and mark no-shows; HQ does so for every store.
A booking the caller may not see, or another brand's, is a 404 like a missing one (action views
look the booking up before they read the body); one they see but may not act on is a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from bookings import policies, selectors, services
from bookings.choices import BookingStatus
from bookings.models import Booking, StoreVisit
from bookings.slots import MAX_RANGE_DAYS, find_offering, slots_of_offering
from o2o.api.base import PUBLIC, TenantApi
from o2o.api.idempotency import idempotent
from o2o.choices import ALL_ROLES, STAFF_ROLES
from o2o.errors import InvalidInput, NotFound
from o2o.fields import id_field
from o2o.tenancy.request import TenantApiRequest
from stores.models import Store

EVERYONE = frozenset({PUBLIC})


def _local_iso(moment: dt.datetime, store: Store) -> str:
    return moment.astimezone(ZoneInfo(store.timezone)).isoformat()


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time that must carry its UTC offset (a bare local time is ambiguous)."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        parsed = super().to_internal_value(value)
        if parsed.tzinfo is None:
            raise serializers.ValidationError("Give the time with its UTC offset, e.g. 2026-03-29T10:00:00+08:00.")
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise serializers.ValidationError("This time is out of range.")

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        return value  # keep the offset given; a missing one is refused above


# --- output -----------------------------------------------------------------------------------


class BookingOutput(serializers.ModelSerializer):
    """A booking; `start` and `end` on the store's clock, with its offset."""

    store_name = serializers.CharField(source="store.name")
    service_name = serializers.CharField(source="service.name")
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "status",
            "check_in_code",
            "store",
            "store_name",
            "service",
            "service_name",
            "start",
            "end",
            "name",
            "phone",
            "visitor_id",
            "member",
            "created_at",
            "rescheduled_at",
            "cancelled_at",
            "checked_in_at",
        ]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_start(self, booking: Booking) -> str:
        return _local_iso(booking.start_at, booking.store)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_end(self, booking: Booking) -> str:
        return _local_iso(booking.end_at, booking.store)


class VisitOutput(serializers.ModelSerializer):
    class Meta:
        model = StoreVisit
        fields = ["id", "store", "source", "member", "visitor_id", "booking", "visited_at"]


# --- slots ------------------------------------------------------------------------------------


class StoreSlotsApi(TenantApi):
    """GET /api/v1/stores/{id}/slots/?service=ID&date=YYYY-MM-DD[&days=N] (anyone).

    The bookable slots of the service at the store from `date` for `days` days (default 1, at most
    30; dates on the store's calendar), `[{start, end, remaining}]` in time order, times on the
    store's clock with their offset. Slots inside the minimum notice or beyond the booking window
    are left out; full ones are listed with `remaining: 0`.
    """

    allowed_roles: ClassVar = {"GET": EVERYONE}
    resource_model = Store
    pagination_class = None

    class Query(serializers.Serializer):
        service = id_field()
        date = serializers.DateField()
        days = serializers.IntegerField(min_value=1, max_value=MAX_RANGE_DAYS, default=1)

    class Output(serializers.Serializer):
        start = serializers.DateTimeField()
        end = serializers.DateTimeField()
        remaining = serializers.IntegerField()

    @extend_schema(
        parameters=[
            OpenApiParameter("service", int, required=True, description="a service id"),
            OpenApiParameter("date", OpenApiTypes.DATE, required=True, description="the first day"),
            OpenApiParameter("days", int, description=f"how many days (1 to {MAX_RANGE_DAYS}, default 1)"),
        ],
        responses={200: Output(many=True)},
    )
    def get(self, request: TenantApiRequest, store_id: int) -> Response:
        query = self.Query(data=request.query_params)
        offering = None
        if query.is_valid():
            values = query.validated_data
            # the store, the service and the capacity in one query (the listing is a hot path)
            offering = find_offering(tenant=request.tenant, store_id=store_id, service_id=values["service"])
        if offering is None:
            selectors.get_bookable_store(tenant=request.tenant, store_id=store_id)  # 404 before any 400
            query.is_valid(raise_exception=True)
            raise InvalidInput("service", _("This store does not offer this service."))
        slots = slots_of_offering(
            tenant=request.tenant, offering=offering, first_day=values["date"], days=values["days"], now=timezone.now()
        )
        # built by hand: a 30-day window is ~700 rows, and a serializer per row would dominate
        body = [{"start": slot.local_start, "end": slot.local_end, "remaining": slot.remaining} for slot in slots]
        return Response(body)


# --- bookings ---------------------------------------------------------------------------------

BOOKING_FILTERS = [
    OpenApiParameter("store", int),
    OpenApiParameter("service", int),
    OpenApiParameter("status", str, enum=BookingStatus.values),
    OpenApiParameter("date", OpenApiTypes.DATE, description="the day of the start (the store's calendar)"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class BookingListApi(TenantApi):
    """GET /api/v1/bookings/ (signed in): a consumer's own, a store's for its staff, all for HQ.
    POST (anyone): book a slot; `Idempotency-Key` honoured.

    A signed-in consumer books with their membership (`name` and `phone` optional); a guest gives
    `name` and `phone`, which makes (or finds) the brand's membership for that phone.
    """

    allowed_roles: ClassVar = {"GET": ALL_ROLES, "POST": EVERYONE}
    resource_model = Booking
    error_responses: ClassVar = {
        "POST": {409: "The slot is full (`slot_full`), or the Idempotency-Key was used with another body"}
    }

    class Input(serializers.Serializer):
        store = id_field()
        service = id_field()
        start = AwareDateTimeField(help_text="a slot's start, with its offset")
        name = serializers.CharField(max_length=150, required=False, allow_blank=True)
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
        visitor_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    @extend_schema(parameters=BOOKING_FILTERS, responses={200: BookingOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        bookings = selectors.list_bookings(tenant=request.tenant, actor=request.actor, filters=request.query_params)
        return self.paginate(bookings, BookingOutput)

    @extend_schema(request=Input, responses={201: BookingOutput})
    @idempotent
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # the store, the service, the capacity and the places taken in one query: a rush of bookers
        # on a full slot is answered from it
        offering = find_offering(
            tenant=request.tenant, store_id=values["store"], service_id=values["service"], taken_at=values["start"]
        )
        if offering is None:
            try:
                selectors.get_bookable_store(tenant=request.tenant, store_id=values["store"])
            except NotFound:
                raise InvalidInput("store", _("No such store."))
            raise InvalidInput("service", _("This store does not offer this service."))
        booking = services.book_offering(
            tenant=request.tenant,
            offering=offering,
            start_at=values["start"],
            member=selectors.own_membership(request.actor),
            name=values.get("name", ""),
            phone=values.get("phone", ""),
            visitor_id=values.get("visitor_id", ""),
            created_by=request.user if request.user.is_authenticated else None,
        )
        return Response(BookingOutput(booking).data, status=status.HTTP_201_CREATED)


class BookingDetailApi(TenantApi):
    """GET /api/v1/bookings/{id}/: one booking the caller may see."""

    allowed_roles: ClassVar = {"GET": ALL_ROLES}
    resource_model = Booking

    @extend_schema(responses={200: BookingOutput})
    def get(self, request: TenantApiRequest, booking_id: int) -> Response:
        booking = selectors.get_booking(tenant=request.tenant, actor=request.actor, booking_id=booking_id)
        return Response(BookingOutput(booking).data)


def _get_for(action: str, request: TenantApiRequest, booking_id: int) -> Booking:
    """The booking the caller sees (404 else), when the policy lets them `action` it (403 else)."""
    booking = selectors.get_booking(tenant=request.tenant, actor=request.actor, booking_id=booking_id)
    policies.authorize(action, request.actor, booking)
    return booking


class BookingCancelApi(TenantApi):
    """POST /api/v1/bookings/{id}/cancel/: the consumer until the cut-off; the store's staff and HQ any time."""

    allowed_roles: ClassVar = {"POST": ALL_ROLES}
    resource_model = Booking
    error_responses: ClassVar = {
        "POST": {
            409: "Not booked (`illegal_transition`), past the cut-off (`too_late`), or the visit of a "
            "try-in-store order (`held_by_order`: cancel the order)"
        }
    }

    @extend_schema(request=None, responses={200: BookingOutput})
    def post(self, request: TenantApiRequest, booking_id: int) -> Response:
        booking = _get_for("cancel", request, booking_id)
        booking = services.cancel_booking(
            tenant=request.tenant,
            booking=booking,
            by=request.user,
            force=policies.changes_as_store(request.actor, booking),
        )
        return Response(BookingOutput(booking).data)


class BookingRescheduleApi(TenantApi):
    """POST /api/v1/bookings/{id}/reschedule/ `{start}`: move to another slot of the same service and store.

    The new place is taken first: when the new slot is full, 409 and the booking keeps its place.
    """

    allowed_roles: ClassVar = {"POST": ALL_ROLES}
    resource_model = Booking
    error_responses: ClassVar = {
        "POST": {409: "Not booked (`illegal_transition`), past the cut-off (`too_late`), new slot full (`slot_full`)"}
    }

    class Input(serializers.Serializer):
        start = AwareDateTimeField(help_text="the new slot's start, with its offset")

    @extend_schema(request=Input, responses={200: BookingOutput})
    def post(self, request: TenantApiRequest, booking_id: int) -> Response:
        booking = _get_for("reschedule", request, booking_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.reschedule_booking(
            tenant=request.tenant,
            booking=booking,
            start_at=data.validated_data["start"],
            by=request.user,
            force=policies.changes_as_store(request.actor, booking),
        )
        return Response(BookingOutput(booking).data)


class CheckInInput(serializers.Serializer):
    check_in_code = serializers.CharField(max_length=32, required=False, allow_blank=True)


def _code_in(data: Any) -> str:
    code = data.get("check_in_code") if isinstance(data, dict) else None
    return code if isinstance(code, str) else ""


class BookingCheckInApi(TenantApi):
    """POST /api/v1/bookings/{id}/check-in/ `{check_in_code?}`: the store's staff (and HQ) check a
    booking in; anyone else, signed in or not, presents the booking's code. Records the store visit.
    """

    allowed_roles: ClassVar = {"POST": EVERYONE}
    resource_model = Booking
    error_responses: ClassVar = {
        "POST": {
            403: "Neither the store's staff nor the booking's check-in code",
            409: "Not booked (`illegal_transition`), too early (`too_early`) or after its day (`too_late`)",
        }
    }

    @extend_schema(request=CheckInInput, responses={200: BookingOutput})
    def post(self, request: TenantApiRequest, booking_id: int) -> Response:
        code = _code_in(request.data)
        booking = selectors.get_booking_for_check_in(
            tenant=request.tenant, actor=request.actor, booking_id=booking_id, code=code
        )
        data = CheckInInput(data=request.data)
        data.is_valid(raise_exception=True)
        policies.authorize("check_in", request.actor, booking, code=code)
        booking = services.check_in(tenant=request.tenant, booking=booking, code=code, by=request.user)
        return Response(BookingOutput(booking).data)


class BookingCheckInByCodeApi(TenantApi):
    """POST /api/v1/bookings/check-in/ `{check_in_code}` (anyone): check in the booking holding the
    code (what the store scans from the consumer's QR code). 404 when no booking has it."""

    allowed_roles: ClassVar = {"POST": EVERYONE}
    resource_model = Booking
    error_responses: ClassVar = {
        "POST": {409: "Not booked (`illegal_transition`), too early (`too_early`) or after its day (`too_late`)"}
    }

    class Input(serializers.Serializer):
        check_in_code = serializers.CharField(max_length=32)

    @extend_schema(request=Input, responses={200: BookingOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["check_in_code"]
        booking = selectors.get_booking_by_code(tenant=request.tenant, code=code)
        policies.authorize("check_in", request.actor, booking, code=code)  # holding the code is enough
        booking = services.check_in(tenant=request.tenant, booking=booking, code=code, by=request.user)
        return Response(BookingOutput(booking).data)


class BookingNoShowApi(TenantApi):
    """POST /api/v1/bookings/{id}/no-show/ (the store's staff, HQ): after the slot ended plus the grace period."""

    allowed_roles: ClassVar = {"POST": STAFF_ROLES}
    resource_model = Booking
    error_responses: ClassVar = {"POST": {409: "Not booked (`illegal_transition`), or too early (`too_early`)"}}

    @extend_schema(request=None, responses={200: BookingOutput})
    def post(self, request: TenantApiRequest, booking_id: int) -> Response:
        booking = _get_for("no_show", request, booking_id)
        booking = services.mark_no_show(tenant=request.tenant, booking=booking, by=request.user)
        return Response(BookingOutput(booking).data)


# --- walk-ins ---------------------------------------------------------------------------------


class StoreWalkInApi(TenantApi):
    """POST /api/v1/stores/{id}/walk-ins/ `{visitor_id?}` (anyone): the target of the store's QR code.

    Records a walk-in visit, with the signed-in consumer's membership when there is one, and the
    device's visitor id. The same person at the same store on the same day is one visit: 201 for a
    new visit, 200 with the one recorded earlier that day.
    """

    allowed_roles: ClassVar = {"POST": EVERYONE}
    resource_model = Store

    class Input(serializers.Serializer):
        visitor_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    @extend_schema(request=Input, responses={200: VisitOutput, 201: VisitOutput})
    def post(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_bookable_store(tenant=request.tenant, store_id=store_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        visit, created = services.record_walk_in(
            tenant=request.tenant,
            store=store,
            member=selectors.own_membership(request.actor),
            visitor_id=data.validated_data.get("visitor_id", ""),
        )
        return Response(VisitOutput(visit).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
