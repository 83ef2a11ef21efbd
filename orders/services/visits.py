"""The visit a try-in-store order books at its store (the bookings app, a lower layer)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from catalog.models import Service
from members.models import Member
from o2o.errors import InvalidInput
from o2o.models import Tenant, User
from stores.models import Store

if TYPE_CHECKING:
    from bookings.models import Booking


def book_slot(
    *,
    tenant: Tenant,
    store: Store,
    service: Service,
    start_at: dt.datetime,
    member: Member,
    visitor_id: str,
    by: User | None,
) -> Booking:
    """The visit of an experience order (bookings app). Conflict `slot_full`; InvalidInput `slot`."""
    from bookings.services import book_visit

    try:
        return book_visit(
            tenant=tenant,
            store=store,
            service=service,
            start_at=start_at,
            member=member,
            name=member.name or str(member.phone),
            phone=str(member.phone),
            visitor_id=visitor_id,
            created_by=by if by is not None and by.is_authenticated else None,
            for_order=True,
        )
    except InvalidInput as exc:  # `service` or `start` of the booking: the order's `slot`
        raise InvalidInput("slot", exc.detail) from exc


def active_service(*, tenant: Tenant, service_id: int) -> Service:
    service = Service.objects.filter(tenant=tenant, pk=service_id, is_active=True).first()
    if service is None:
        raise InvalidInput("slot", _("No such service: %(id)s.") % {"id": service_id})
    return service
