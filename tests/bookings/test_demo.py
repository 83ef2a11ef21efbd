"""The demo bookings: every status in each brand over the past two weeks and the next week, walk-ins,
slot counters that match the bookings, a manager to check visits in; seeding twice adds nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bookings.choices import BookingStatus, VisitSource
from bookings.demo import TODAY_MARK, seed_bookings_for
from bookings.models import Booking, SlotOccupancy, StoreVisit
from bookings.rules import may_check_in
from catalog.demo import seed_catalog_for
from members.demo import seed_members
from o2o.choices import Role
from o2o.demo import DEMO_PASSWORD, DemoBrand
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from stores.models import Store, StoreService, StoreStaff
from tests.bookings.factories import bookable_store, make_service, offer
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 20, 7, 0, tzinfo=dt.UTC)  # Friday 15:00 in Shanghai
# the fates of the 44 bookings at NOW (a past one by its number modulo 7, a future one cancelled every fifth)
EXPECTED = {
    "clearview": {"checked_in": 13, "completed": 4, "no_show": 8, "cancelled": 7, "booked": 12},
    "lumen": {"checked_in": 12, "completed": 4, "no_show": 8, "cancelled": 8, "booked": 12},
}
# one a day for 14 days; Lumen's few members (made by the seeder) had some of those days' visits already
WALK_INS = {"clearview": 14, "lumen": 13}


def demo_brand(slug: str) -> DemoBrand:
    return DemoBrand(slug=slug, name=slug.title(), admin=f"{slug}-admin", staff=f"{slug}-staff")


def seed(tenant: Tenant, brand: DemoBrand) -> None:
    with tenant_scope(tenant):
        seed_bookings_for(tenant=tenant, brand=brand, now=NOW)


def snapshot(tenant: Tenant) -> dict[str, list[Mapping[str, Any]]]:
    with tenant_scope(tenant):
        return {
            "bookings": list(Booking.objects.filter(tenant=tenant).order_by("pk").values()),
            "visits": list(StoreVisit.objects.filter(tenant=tenant).order_by("pk").values()),
            "slots": list(SlotOccupancy.objects.filter(tenant=tenant).order_by("pk").values()),
            "offers": list(StoreService.objects.filter(tenant=tenant).order_by("pk").values()),
            "staff": list(StoreStaff.objects.filter(tenant=tenant).order_by("pk").values()),
        }


@pytest.fixture
def eyewear(make_tenant) -> tuple[Tenant, DemoBrand]:
    """ClearView's catalog and members, and two stores none of which takes bookings yet."""
    tenant, brand = make_tenant("clearview"), demo_brand("clearview")
    with tenant_scope(tenant):
        seed_catalog_for(tenant=tenant, slug="clearview")
        make_store(tenant, code="CV01", name="People's Square")
        make_store(tenant, code="CV02", name="Jing'an", timezone="Asia/Shanghai")
        seed_members(tenant, brand)
    return tenant, brand


@pytest.fixture
def lighting(make_tenant) -> tuple[Tenant, DemoBrand]:
    """Lumen with one Berlin showroom offering a consultation for one, and no members."""
    tenant, brand = make_tenant("lumen"), demo_brand("lumen")
    with tenant_scope(tenant):
        showroom = bookable_store(tenant, code="LU01", name="Berlin showroom", timezone="Europe/Berlin")
        offer(tenant, showroom, (make_service(tenant, "Lighting consultation", duration_minutes=45), 1))
    return tenant, brand


def test_every_brand_gets_bookings_in_every_status_with_consistent_slot_counters(eyewear, lighting):
    for tenant, brand in (eyewear, lighting):
        # when the demo bookings are seeded
        seed(tenant, brand)
        with tenant_scope(tenant):
            every_booking = list(Booking.objects.filter(tenant=tenant).select_related("store"))
            visits = list(StoreVisit.objects.filter(tenant=tenant))
            slots = list(SlotOccupancy.objects.filter(tenant=tenant))
            manager = StoreStaff.objects.filter(tenant=tenant).select_related("user").get(role=Role.STORE_MANAGER)
        bookings = [b for b in every_booking if not b.visitor_id.startswith(TODAY_MARK)]
        # then 2 bookings a day from two weeks ago to a week ahead, in every status
        assert len(bookings) == 2 * 22, brand.slug
        statuses = Counter(b.status for b in bookings)
        assert set(statuses) == set(BookingStatus.values), (brand.slug, statuses)
        assert statuses == EXPECTED[brand.slug]
        assert {b.start_at < NOW for b in bookings if b.status == BookingStatus.BOOKED} == {False}
        # and one more at the listed manager's store, booked for its first slot today (at NOW, 08:00
        # in Berlin, no slot of today has opened for check-in yet: the first one will first)
        [today] = [b for b in every_booking if b.visitor_id.startswith(TODAY_MARK)]
        local_start = today.start_at.astimezone(ZoneInfo(today.store.timezone))
        assert (today.store_id, today.status, local_start.date()) == (manager.store_id, "booked", dt.date(2026, 3, 20))
        assert may_check_in(tenant=tenant, booking=today, now=today.start_at)
        assert min(b.start_at for b in bookings).date() >= (NOW - dt.timedelta(days=15)).date()
        assert max(b.start_at for b in bookings) <= NOW + dt.timedelta(days=8)
        # and each checked-in or completed booking has its check-in visit, plus past walk-ins
        shown = {b.pk for b in bookings if b.status in (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)}
        assert {v.booking_id for v in visits if v.source == VisitSource.CHECK_IN} == shown
        walk_ins = [v for v in visits if v.source == VisitSource.WALK_IN]
        assert len(walk_ins) == WALK_INS[brand.slug]
        assert all(v.visited_at < NOW for v in walk_ins)
        # and every slot counter holds exactly its bookings that were not cancelled
        held = Counter(
            (b.store_id, b.service_id, b.start_at) for b in every_booking if b.status != BookingStatus.CANCELLED
        )
        assert {(s.store_id, s.service_id, s.start_at): s.taken for s in slots if s.taken} == held
        # and a store manager can log in to check visits in
        assert manager.user.check_password(DEMO_PASSWORD)
        assert (manager.user.username, Role.STORE_MANAGER, "today's visits /store/today/") in brand.logins


def test_stores_take_bookings_when_none_did(eyewear):
    tenant, brand = eyewear
    seed(tenant, brand)
    with tenant_scope(tenant):
        offers = Counter(StoreService.objects.filter(tenant=tenant).values_list("store__code", "capacity"))
        flags = dict(Store.objects.filter(tenant=tenant).values_list("code", "offers_services"))
    # the eye exam, frame fitting and contact lens consultation, for two at once, at both stores
    assert offers == {("CV01", 2): 3, ("CV02", 2): 3}
    assert flags == {"CV01": True, "CV02": True}


def test_seeding_twice_adds_nothing(eyewear, lighting):
    for tenant, brand in (eyewear, lighting):
        seed(tenant, brand)
        before = snapshot(tenant)
        seed(tenant, brand)
        assert snapshot(tenant) == before, brand.slug
    with tenant_scope(eyewear[0]):
        assert User.objects.filter(username="clearview-cv01-manager").count() == 1
