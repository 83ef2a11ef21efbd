"""Conversions (rules.md 3.2): a booking made, a store visit or an O2O order placed becomes one
conversion, recorded once per source, its person's visitor id stitched to its member, and credited
under every heuristic model (`attribution.services.credits`).

Each `record_*` is what a domain-event handler calls: idempotent (the conversion is unique per
(brand, kind, source id); a second call finds it credited and changes nothing).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from attribution.choices import ConversionKind, StitchSource
from attribution.models import Conversion
from attribution.services.credits import credit_conversions
from attribution.services.identity import stitch
from bookings.choices import VisitSource
from bookings.models import Booking, StoreVisit
from members.models import Member
from o2o.models import Tenant
from o2o.visitors import VISITOR_ID_MAX_LENGTH
from orders.choices import Channel
from orders.models import Order


@transaction.atomic
def record_booking(*, tenant: Tenant, booking_id: int) -> Conversion | None:
    """The booking `booking_id` made: a `booking` conversion at its store, when it was made."""
    booking = Booking.objects.filter(tenant=tenant, pk=booking_id).first()
    if booking is None:
        return None
    return _record(
        tenant=tenant,
        kind=ConversionKind.BOOKING,
        source_id=booking.pk,
        at=booking.created_at,
        store_id=booking.store_id,
        member=booking.member,
        visitor_id=booking.visitor_id,
        stitch_source=StitchSource.BOOKING,
    )


@transaction.atomic
def record_visit(*, tenant: Tenant, visit_id: int) -> Conversion | None:
    """The store visit `visit_id` (a booking's check-in or a walk-in scan): a `visit` conversion."""
    visit = StoreVisit.objects.select_related("member").filter(tenant=tenant, pk=visit_id).first()
    if visit is None:
        return None
    return _record(
        tenant=tenant,
        kind=ConversionKind.VISIT,
        source_id=visit.pk,
        at=visit.visited_at,
        store_id=visit.store_id,
        member=visit.member,
        visitor_id=visit.visitor_id,
        stitch_source=StitchSource.SCAN if visit.source == VisitSource.WALK_IN else StitchSource.BOOKING,
    )


@transaction.atomic
def record_order(*, tenant: Tenant, order_id: int) -> Conversion | None:
    """The order `order_id` placed: an `order` conversion at its fulfilling store, its revenue the
    order's total. A B2C marketplace order is never a conversion (rules.md 3.2): None."""
    order = Order.objects.select_related("member").filter(tenant=tenant, pk=order_id).first()
    if order is None or order.channel == Channel.B2C:
        return None
    return _record(
        tenant=tenant,
        kind=ConversionKind.ORDER,
        source_id=order.pk,
        at=order.created_at,
        store_id=order.store_id,
        member=order.member,
        visitor_id=order.visitor_id,
        stitch_source=StitchSource.ORDER,
        revenue=order.total_amount,
    )


def _record(
    *,
    tenant: Tenant,
    kind: str,
    source_id: int,
    at: dt.datetime,
    store_id: int | None,
    member: Member | None,
    visitor_id: str,
    stitch_source: str,
    revenue: Decimal = Decimal("0.00"),
) -> Conversion:
    visitor_id = visitor_id.strip()[:VISITOR_ID_MAX_LENGTH]
    found = Conversion.objects.filter(tenant=tenant, kind=kind, source_id=source_id)
    conversion = found.first()
    if conversion is not None and conversion.credited_at is not None:
        return conversion  # recorded and credited by an earlier delivery: nothing to do
    if conversion is None:
        row = Conversion(
            tenant=tenant,
            kind=kind,
            source_id=source_id,
            at=at,
            store_id=store_id,
            member=member,
            visitor_id=visitor_id,
            revenue=revenue,
        )
        Conversion.objects.bulk_create([row], ignore_conflicts=True)  # a concurrent delivery: one row
        conversion = found.get()
    if member is not None and visitor_id:
        stitch(tenant=tenant, visitor_id=visitor_id, member=member, source=stitch_source, at=at)
    credit_conversions(tenant=tenant, conversions=[conversion])
    return conversion
