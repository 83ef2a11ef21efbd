"""The demo's poster walkthrough: one person's journey from a store's poster QR to the visit and the
order, for a newcomer to follow on the poster campaign's page (`attribution.demo`).

A demo member scans the flagship store's poster (`WALK_CODE`) yesterday morning, books a service at
that store for the afternoon a few minutes later, checks in at the slot, and orders at the counter
(a pick-up at the store, completed) half an hour later. The booking, the check-in and the order go
through their apps' services at the moment each would have happened; the booking's and the order's
dates are then moved back (as `orders.demo` does for its orders). The scan is the person's only
touchpoint (the seeder gives their other visitor ids none), so every model credits the poster.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from attribution.choices import TouchKind
from attribution.models import Touchpoint, TrackingLink
from bookings import services as booking_services
from bookings.models import Booking
from bookings.slots import list_slots
from members.models import Member
from o2o.errors import AppError
from o2o.models import Tenant
from orders import services as order_services
from orders.choices import Fulfilment
from orders.demo import Shop, date_back, managers_by_store
from orders.models import Order
from orders.routing import Location
from stores.models import Stock, Store, StoreService

WALK_CODE = "WALKTHRU"  # the flagship poster's code (letters of the codes' alphabet)
WALK_VISITOR = "demo-poster-walkthrough"
WALK_EVENT = "demo-walkthrough-scan"
WALK_MEMBER_INDEX = 7  # the n-th demo member (by id) is the one who scans
FLAGSHIP_CODES = ("SH01", "BJ01")  # the first of these the brand has, else its first service store
SCAN_DAYS_AGO = 1  # yesterday: the journey is among the campaign's latest conversions
SCAN_TIME = dt.time(11, 20)
BOOKED_AFTER = dt.timedelta(minutes=8)
CHECKED_IN_AFTER = dt.timedelta(minutes=5)
ORDERED_AFTER_VISIT = dt.timedelta(minutes=35)
WALK_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.47"


@dataclass(frozen=True)
class Walkthrough:
    member: Member
    store: Store
    booking: Booking | None
    order: Order | None


def flagship(*, tenant: Tenant, stores: list[Store]) -> Store | None:
    """The store whose poster the walkthrough follows: SH01 (else BJ01) when it takes bookings,
    else the first store (by code) that does."""
    offering = set(
        StoreService.objects.filter(tenant=tenant, service__is_active=True, store__in=stores).values_list(
            "store_id", flat=True
        )
    )
    by_code = {store.code: store for store in stores if store.pk in offering}
    for code in FLAGSHIP_CODES:
        if code in by_code:
            return by_code[code]
    return next((store for store in stores if store.pk in offering), None)


def walk_member(*, tenant: Tenant) -> Member | None:
    members = list(Member.objects.filter(tenant=tenant).select_related("user").order_by("pk")[: WALK_MEMBER_INDEX + 1])
    return members[-1] if members else None


def walk(*, tenant: Tenant, link: TrackingLink, member: Member, now: dt.datetime) -> Walkthrough:
    """The journey (the scan, the booking, the check-in, the order), made once by the seeder."""
    store = link.store
    assert store is not None
    zone = ZoneInfo(store.timezone)
    scan_at = dt.datetime.combine(now.astimezone(zone).date() - dt.timedelta(days=SCAN_DAYS_AGO), SCAN_TIME, zone)
    Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                tenant=tenant,
                at=scan_at,
                visitor_id=WALK_VISITOR,
                kind=TouchKind.SCAN,
                link=link,
                campaign_id=link.campaign_id,
                channel=link.campaign.channel if link.campaign else "",
                store=store,
                client_event_id=WALK_EVENT,
                user_agent=WALK_UA,
            )
        ],
        ignore_conflicts=True,
    )
    booking = _book_and_check_in(tenant=tenant, store=store, member=member, booked_at=scan_at + BOOKED_AFTER)
    visited_at = booking.checked_in_at if booking is not None and booking.checked_in_at else scan_at
    order = _order_at_the_counter(
        tenant=tenant, store=store, member=member, placed_at=visited_at + ORDERED_AFTER_VISIT, now=now
    )
    return Walkthrough(member=member, store=store, booking=booking, order=order)


def _book_and_check_in(*, tenant: Tenant, store: Store, member: Member, booked_at: dt.datetime) -> Booking | None:
    """A booking of the store's first service, made at `booked_at` for that day's first free
    afternoon slot (else its first free slot), checked in five minutes after its start."""
    offering = (
        StoreService.objects.filter(tenant=tenant, store=store, service__is_active=True)
        .select_related("service")
        .order_by("service__name", "pk")
        .first()
    )
    if offering is None:
        return None
    day = booked_at.astimezone(ZoneInfo(store.timezone)).date()
    free = [
        slot
        for slot in list_slots(tenant=tenant, store=store, service=offering.service, day=day, now=booked_at)
        if slot.remaining
    ]
    afternoon = [slot for slot in free if slot.start.astimezone(ZoneInfo(store.timezone)).hour >= 14]
    for slot in [*afternoon, *free]:
        try:
            with transaction.atomic():
                booking = booking_services.book_visit(
                    tenant=tenant,
                    store=store,
                    service=offering.service,
                    start_at=slot.start,
                    member=member,
                    name=member.name,
                    phone="",
                    visitor_id=WALK_VISITOR,
                    now=booked_at,
                )
                Booking.objects.filter(tenant=tenant, pk=booking.pk).update(created_at=booked_at)
                return booking_services.check_in(
                    tenant=tenant, code=booking.check_in_code, now=slot.start + CHECKED_IN_AFTER
                )
        except AppError:
            continue
    return None


def _order_at_the_counter(
    *, tenant: Tenant, store: Store, member: Member, placed_at: dt.datetime, now: dt.datetime
) -> Order | None:
    """A pick-up at `store` of one SKU it holds, accepted, ready and completed, dated back to `placed_at`."""
    stock = (
        Stock.objects.filter(tenant=tenant, store=store, on_hand__gte=3, sku__is_active=True)
        .select_related("sku")
        .order_by("sku__code")[:5]
    )
    managers = managers_by_store(tenant=tenant)
    for row in stock:
        try:
            with transaction.atomic():
                order = order_services.place_order(
                    tenant=tenant,
                    member=member,
                    lines=[order_services.LineInput(sku_id=row.sku_id, quantity=1)],
                    fulfilment=Fulfilment.PICKUP,
                    location=Location(store.lat, store.lng, ""),
                    chosen_store=store,
                    slot=None,
                    visitor_id=WALK_VISITOR,
                    by=member.user,
                )
                if order.store_id != store.pk:
                    raise AppError("routed elsewhere")
                manager = managers.get(store.pk)
                order = order_services.accept_order(tenant=tenant, order=order, by=manager)
                order = order_services.mark_ready(tenant=tenant, order=order, by=manager)
                order = order_services.complete_order(tenant=tenant, order=order, by=manager)
        except AppError:
            continue
        shop = Shop(tenant, random.Random(0), [store], [member], [row.sku], managers, now or timezone.now())
        date_back(shop, order, min(placed_at, now - dt.timedelta(hours=1)))
        return Order.objects.get(tenant=tenant, pk=order.pk)
    return None
