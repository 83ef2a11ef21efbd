"""A small attribution world for the conversions, credits and funnel tests: two stores, a guide,
two campaigns, a member, and rows written as the lower apps would (bookings, visits, orders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from attribution.choices import Channel, TouchKind
from attribution.models import Campaign, CampaignSpend, Touchpoint
from bookings.choices import VisitSource
from bookings.models import Booking, StoreVisit
from catalog.models import Service
from members.models import Member
from o2o.choices import Role
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from orders.choices import Channel as OrderChannel
from orders.choices import Fulfilment
from orders.models import Order
from stores.models import Store, StoreStaff
from stores.services import create_staff
from tests.stores.factories import make_service, make_store

NOW = dt.datetime(2026, 6, 30, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
_numbers = count(1)


def days_ago(days: float, *, hours: float = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


@dataclass
class World:
    tenant: Tenant
    north: Store
    south: Store
    guide: StoreStaff
    wechat: Campaign
    poster: Campaign
    member: Member
    service: Service

    def touch(
        self,
        visitor_id: str,
        at: dt.datetime,
        campaign: Campaign | None = None,
        *,
        guide: StoreStaff | None = None,
        channel: str | None = None,
    ) -> Touchpoint:
        return Touchpoint.objects.create(
            tenant=self.tenant,
            at=at,
            visitor_id=visitor_id,
            kind=TouchKind.SCAN,
            campaign=campaign,
            channel=channel or (campaign.channel if campaign else Channel.OTHER),
            store=guide.store if guide else None,
            guide=guide,
        )

    def member_named(self, phone: str) -> Member:
        return Member.objects.create(tenant=self.tenant, phone=phone, name=phone)

    def booking(
        self, at: dt.datetime, *, member: Member | None = None, visitor_id: str = "", store: Store | None = None
    ) -> Booking:
        number = next(_numbers)
        booking = Booking.objects.create(
            tenant=self.tenant,
            store=store or self.north,
            service=self.service,
            member=member or self.member,
            start_at=at + dt.timedelta(days=1),
            end_at=at + dt.timedelta(days=1, minutes=30),
            check_in_code=f"C{number:06d}",
            name="张伟",
            phone="13812345678",
            visitor_id=visitor_id,
        )
        Booking.objects.filter(pk=booking.pk).update(created_at=at)
        booking.created_at = at
        return booking

    def visit(
        self, at: dt.datetime, *, member: Member | None = None, visitor_id: str = "", store: Store | None = None
    ) -> StoreVisit:
        return StoreVisit.objects.create(
            tenant=self.tenant,
            store=store or self.north,
            member=member if member is not None else self.member,
            visitor_id=visitor_id,
            source=VisitSource.WALK_IN,
            visited_at=at,
        )

    def order(
        self,
        at: dt.datetime,
        total: str,
        *,
        member: Member | None = None,
        visitor_id: str = "",
        store: Store | None = None,
        channel: str = OrderChannel.O2O,
    ) -> Order:
        order = Order.objects.create(
            tenant=self.tenant,
            number=f"T{next(_numbers):08d}",
            member=member or self.member,
            store=store or self.north,
            fulfilment=Fulfilment.PICKUP,
            channel=channel,
            total_amount=Decimal(total),
            visitor_id=visitor_id,
        )
        Order.objects.filter(pk=order.pk).update(created_at=at)
        order.created_at = at
        return order

    def spend(self, campaign: Campaign, day: dt.date, amount: str) -> CampaignSpend:
        return CampaignSpend.objects.create(tenant=self.tenant, campaign=campaign, date=day, amount=Decimal(amount))


def build_world(tenant: Tenant) -> World:
    """The world of a test (each test module's `world` fixture calls it)."""
    with tenant_scope(tenant):
        north = make_store(tenant, code="NORTH", name="North")
        south = make_store(tenant, code="SOUTH", name="South")
        guide = create_staff(
            tenant=tenant,
            store=north,
            username=f"{tenant.slug}-north-guide",
            password="pw-secret-42",
            name="guide of NORTH",
            phone="",
            role=Role.GUIDE,
        )
        wechat = Campaign.objects.create(
            tenant=tenant, name="Summer WeChat", channel=Channel.WECHAT, starts=dt.date(2026, 5, 1)
        )
        poster = Campaign.objects.create(
            tenant=tenant, name="Poster QR", channel=Channel.POSTER, starts=dt.date(2026, 5, 1)
        )
        member = Member.objects.create(tenant=tenant, phone="+8613800000001", name="张伟")
        service = make_service(tenant)
    return World(tenant, north, south, guide, wechat, poster, member, service)
