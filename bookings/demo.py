"""Demo bookings of each brand: its services offered at its service stores, bookings in every status
over the past two weeks and the next week, and walk-ins; a store manager to check visits in.

Everything goes through the services, with the clock of the moment each thing would have happened
(`now=`): a past booking is booked two days before its slot, checked in five minutes after its
start, cancelled the day before; unchecked past bookings become no-shows by the no-show job's own
service. So the slot counters are exactly what the bookings hold. Only `completed` is written
directly: no service of this app completes a visit yet (an experience order will).

Deterministic (the n-th demo booking is always the same store, service, member, slot of its day
and fate) and idempotent: each demo booking and walk-in carries a `demo-...` visitor id, and one
that exists is not made again, so seeding twice (or a day later) adds nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bookings import services
from bookings.choices import SHOWN_STATUSES, BookingStatus
from bookings.models import Booking, StoreVisit
from bookings.rules import check_in_opens_for
from bookings.slots import day_slot_times
from catalog.models import Service
from members.models import Member
from members.services import join_brand
from o2o.choices import Role
from o2o.demo import DEMO_PASSWORD, DemoBrand, register_seeder
from o2o.errors import AppError
from o2o.models import Tenant
from stores.choices import Capability, StaffRole
from stores.models import Store, StoreService, StoreStaff
from stores.selectors import list_active_stores
from stores.services import ServiceOffering, create_staff, set_store_services, store_input_of, update_store

PAST_DAYS = 14
NEXT_DAYS = 7
PER_DAY = 2  # bookings a day across the brand's service stores
FALLBACK_SERVICE_STORES = 3  # when no store offers services yet, the first stores by code do
DEFAULT_CAPACITY = 2
BOOKING_MARK = "demo-booking-"
WALK_IN_MARK = "demo-walk-"
TODAY_MARK = "demo-today-"
# what becomes of the n-th past booking (n modulo 7); a future one is cancelled every fifth
PAST_FATES = (
    BookingStatus.CHECKED_IN,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
    BookingStatus.CHECKED_IN,
    BookingStatus.NO_SHOW,
)


def service_stores(*, tenant: Tenant) -> list[Store]:
    """The brand's open stores taking bookings; when none does yet, the first few start to."""
    stores = list(list_active_stores(tenant=tenant).filter(offers_services=True))
    if stores:
        return stores
    for store in list_active_stores(tenant=tenant)[:FALLBACK_SERVICE_STORES]:
        capabilities = sorted({*store.capabilities, Capability.SERVICES.value})
        stores.append(update_store(tenant=tenant, store=store, data=store_input_of(store, capabilities=capabilities)))
    return stores


def offer_services(*, tenant: Tenant, stores: list[Store]) -> dict[int, list[StoreService]]:
    """Each store's offerings by store id; a store offering nothing yet offers every active service."""
    active = list(Service.objects.filter(tenant=tenant, is_active=True).order_by("name", "pk"))
    offered: dict[int, list[StoreService]] = {}
    for store in stores:
        rows = list(
            StoreService.objects.filter(tenant=tenant, store=store, service__is_active=True)
            .select_related("service")
            .order_by("service__name", "pk")
        )
        if not rows and active:
            offerings = [ServiceOffering(service_id=s.pk, capacity=DEFAULT_CAPACITY) for s in active]
            set_store_services(tenant=tenant, store=store, offerings=offerings)
            rows = list(
                StoreService.objects.filter(tenant=tenant, store=store)
                .select_related("service")
                .order_by("service__name", "pk")
            )
        if rows:
            offered[store.pk] = rows
    return offered


def demo_members(*, tenant: Tenant, brand: DemoBrand) -> list[Member]:
    """The brand's members (the members seeder's), else a few made here."""
    members = list(Member.objects.filter(tenant=tenant).order_by("pk")[:20])
    if members:
        return members
    return [join_brand(tenant=tenant, phone=f"+8613799{number:06d}", name=f"Demo {number}") for number in range(1, 6)]


def ensure_manager(*, tenant: Tenant, store: Store, brand: DemoBrand) -> str:
    """The username of an active manager of `store`, made (demo password) when it has none."""
    post = (
        StoreStaff.objects.filter(tenant=tenant, store=store, role=StaffRole.STORE_MANAGER, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if post is None:
        post = create_staff(
            tenant=tenant,
            store=store,
            username=f"{brand.slug}-{store.code.lower()}-manager",
            password=DEMO_PASSWORD,
            name=f"{store.name} manager",
            phone="",
            role=StaffRole.STORE_MANAGER,
        )
    return post.user.username


def _fate(*, number: int, start: dt.datetime, now: dt.datetime) -> str:
    if start < now:
        return PAST_FATES[number % len(PAST_FATES)]
    return BookingStatus.CANCELLED if number % 5 == 4 else BookingStatus.BOOKED


def _book_one(
    *,
    tenant: Tenant,
    offering: StoreService,
    member: Member,
    start: dt.datetime,
    mark: str,
    fate: str,
    now: dt.datetime,
) -> Booking | None:
    """One demo booking with its fate, in its own savepoint (a slot the rules refuse is skipped)."""
    booked_at = min(start - dt.timedelta(days=2), now)
    try:
        with transaction.atomic():
            booking = services.book_visit(
                tenant=tenant,
                store=offering.store,
                service=offering.service,
                start_at=start,
                member=member,
                name=member.name,
                phone="",
                visitor_id=mark,
                now=booked_at,
            )
            if fate in SHOWN_STATUSES:
                booking = services.check_in(
                    tenant=tenant, code=booking.check_in_code, now=start + dt.timedelta(minutes=5)
                )
                if fate == BookingStatus.COMPLETED:
                    Booking.objects.filter(tenant=tenant, pk=booking.pk).update(status=BookingStatus.COMPLETED)
            elif fate == BookingStatus.CANCELLED:
                services.cancel_booking(tenant=tenant, booking=booking, now=booked_at + dt.timedelta(hours=3))
            return booking
    except AppError:
        return None


def seed_bookings_for(*, tenant: Tenant, brand: DemoBrand, now: dt.datetime | None = None) -> None:
    """Create what is missing of the brand's demo bookings and walk-ins (idempotent)."""
    now = now or timezone.now()
    stores = service_stores(tenant=tenant)
    offered = offer_services(tenant=tenant, stores=stores)
    stores = [store for store in stores if store.pk in offered]
    members = demo_members(tenant=tenant, brand=brand)
    if not stores or not members:
        return
    brand.logins.append(
        (
            ensure_manager(tenant=tenant, store=stores[0], brand=brand),
            Role.STORE_MANAGER,
            "today's visits /store/today/",
        )
    )
    done = set(
        Booking.objects.filter(tenant=tenant, visitor_id__startswith=BOOKING_MARK).values_list("visitor_id", flat=True)
    )
    number = 0
    for offset in range(-PAST_DAYS, NEXT_DAYS + 1):
        for slot_index in range(PER_DAY):
            number += 1
            mark = f"{BOOKING_MARK}{number}"
            store = stores[number % len(stores)]
            offering = offered[store.pk][number % len(offered[store.pk])]
            day = now.astimezone(ZoneInfo(store.timezone)).date() + dt.timedelta(days=offset)
            times = day_slot_times(store=store, duration_minutes=offering.service.duration_minutes, day=day)
            if mark in done or not times:
                continue
            # the two bookings of a day: one in the morning, one in the afternoon
            start = times[(len(times) * (1 + 2 * slot_index)) // (2 * PER_DAY)][0]
            offering.store = store
            _book_one(
                tenant=tenant,
                offering=offering,
                member=members[number % len(members)],
                start=start,
                mark=mark,
                fate=_fate(number=number, start=start, now=now),
                now=now,
            )
    services.mark_no_shows(tenant=tenant, now=now)  # what the no-show job would have done by now
    seed_walk_ins(tenant=tenant, stores=stores, members=members, now=now)
    seed_ready_to_check_in(tenant=tenant, brand=brand, offered=offered, members=members, now=now)


def listed_manager_posts(*, tenant: Tenant, brand: DemoBrand) -> list[StoreStaff]:
    """The store posts of the store managers the demo lists as logins, by store."""
    usernames = {username for username, role, _ in brand.logins if role == Role.STORE_MANAGER}
    return list(
        StoreStaff.objects.filter(
            tenant=tenant, user__username__in=usernames, role=StaffRole.STORE_MANAGER, is_active=True
        )
        .select_related("store")
        .order_by("store__code")
    )


def seed_ready_to_check_in(
    *, tenant: Tenant, brand: DemoBrand, offered: dict[int, list[StoreService]], members: list[Member], now: dt.datetime
) -> None:
    """Each listed store manager whose store takes bookings finds one booking of today that can be
    checked in when the demo starts (on /store/today/): the latest slot of today whose check-in has
    opened (the window lasts to the end of the day), else today's first. Idempotent per store and day."""
    for post in listed_manager_posts(tenant=tenant, brand=brand):
        rows = offered.get(post.store_id)
        store = post.store
        day = now.astimezone(ZoneInfo(store.timezone)).date()
        mark = f"{TODAY_MARK}{store.code.lower()}-{day.isoformat()}"
        if not rows or Booking.objects.filter(tenant=tenant, visitor_id=mark).exists():
            continue
        offering = rows[0]
        offering.store = store
        starts = [
            start
            for start, _ in day_slot_times(store=store, duration_minutes=offering.service.duration_minutes, day=day)
        ]
        opened = [start for start in starts if check_in_opens_for(tenant=tenant, start_at=start) <= now]
        for start in [*reversed(opened), *starts[len(opened) :]]:  # a full slot: the one before, else after
            member = members[len(mark) % len(members)]
            fate = BookingStatus.BOOKED
            if _book_one(tenant=tenant, offering=offering, member=member, start=start, mark=mark, fate=fate, now=now):
                break


def seed_walk_ins(*, tenant: Tenant, stores: list[Store], members: list[Member], now: dt.datetime) -> None:
    """A walk-in every day of the past two weeks, at 15:00 on the store's clock: members and anonymous."""
    done = set(
        StoreVisit.objects.filter(tenant=tenant, visitor_id__startswith=WALK_IN_MARK).values_list(
            "visitor_id", flat=True
        )
    )
    for number, offset in enumerate(range(-PAST_DAYS, 0), start=1):
        mark = f"{WALK_IN_MARK}{number}"
        store = stores[number % len(stores)]
        day = now.astimezone(ZoneInfo(store.timezone)).date() + dt.timedelta(days=offset)
        if mark in done:
            continue
        at = dt.datetime.combine(day, dt.time(15, 0), tzinfo=ZoneInfo(store.timezone))
        member = members[(number * 3) % len(members)] if number % 3 else None
        try:
            with transaction.atomic():
                services.record_walk_in(tenant=tenant, store=store, member=member, visitor_id=mark, now=at)
        except AppError:
            continue


@register_seeder(35, "bookings")
def seed_bookings(tenant: Tenant, brand: DemoBrand) -> None:
    seed_bookings_for(tenant=tenant, brand=brand)
