"""What the store's and HQ's pages of a booking share: the booking page with the actions its reader
may take, and taking them.

The actions (check in, mark a no-show, cancel, reschedule) are offered when `bookings.policies`
allows the reader (the same answer as the API) and the booking's status and the clock allow them
now (`bookings.rules`, the rules the services enforce; they still have the last word, under the
booking's lock: 409). The store's staff and HQ change a booking for the store: no cut-off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from bookings import policies, rules, services, slots
from bookings.choices import BookingStatus
from bookings.forms import RescheduleForm
from bookings.models import Booking
from bookings.views.common import parse_day, zone_of
from bookings.views.slot_picker import slot_picker
from o2o.errors import AppError, InvalidInput
from o2o.portals.forms import validated
from o2o.tenancy.request import SignedInPortalRequest

ACTIONS = ("check_in", "no_show", "cancel", "reschedule")


def offered_actions(request: SignedInPortalRequest, booking: Booking, now: dt.datetime) -> frozenset[str]:
    """The actions the policies allow the reader on `booking` that its status and the clock allow now."""
    allowed = policies.allowed_actions(request.actor, booking)
    booked = booking.status == BookingStatus.BOOKED
    tenant = request.tenant
    now_possible = {
        "check_in": rules.may_check_in(tenant=tenant, booking=booking, now=now),
        "no_show": rules.may_mark_no_show(tenant=tenant, booking=booking, now=now),
        "cancel": booked and rules.cancellable_alone(booking=booking),
        "reschedule": booked,
    }
    return frozenset(action for action in ACTIONS if action in allowed and now_possible[action])


def booking_page(
    request: SignedInPortalRequest,
    booking: Booking,
    *,
    portal: str,
    page_url: str,
    action_url: str,
    back_url: str,
    error: AppError | None = None,
) -> HttpResponse:
    """The page of `booking` (with its store and service) for the store or HQ (`portal`): its facts
    on the store's clock, the actions offered, and for a reschedule the slot picker of the next two
    weeks (`?day=`; the picker alone for htmx). `error`: a refused action, shown above."""
    now = timezone.now()
    actions = offered_actions(request, booking, now)
    picker = None
    if "reschedule" in actions:
        offering = slots.find_offering(tenant=request.tenant, store_id=booking.store_id, service_id=booking.service_id)
        if offering is not None:
            zone = zone_of(booking.store)
            picker = slot_picker(
                tenant=request.tenant,
                offering=offering,
                wanted_day=parse_day(request.GET.get("day")) or booking.start_at.astimezone(zone).date(),
                base_url=page_url,
                params={},
                now=now,
            )
    zone = zone_of(booking.store)
    context: dict[str, Any] = {
        "portal": portal,
        "booking": booking,
        "store": booking.store,
        "start": booking.start_at.astimezone(zone),
        "end": booking.end_at.astimezone(zone),
        "actions": actions,
        "held_by_order": booking.status == BookingStatus.BOOKED and not rules.cancellable_alone(booking=booking),
        "picker": picker,
        "mode": "post",
        "post_url": action_url,
        "post_action": "reschedule",
        "action_url": action_url,
        "back_url": back_url,
        "error": error,
    }
    status = error.status_code if error is not None else 200
    if request.htmx and request.method == "GET":
        response = render(request, "shop/bookings/_slot_picker.html", context, status=status)
    else:
        response = render(request, f"{portal}/bookings/detail.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def perform(request: SignedInPortalRequest, booking: Booking, data: Mapping[str, Any]) -> tuple[Booking, str]:
    """Take the `action` of `data` on `booking` when the policy allows the reader (403 else), with
    its form's input (400 when wrong); the booking as it is now, and the message saying it is done.
    The service refuses what the booking's status or the clock does not allow (409)."""
    action = data.get("action", "")
    if action not in ACTIONS:
        raise InvalidInput("action", _("Unknown action."))
    actor, tenant, user = request.actor, request.tenant, request.user
    policies.authorize(action, actor, booking)
    name = booking.name
    if action == "check_in":
        booking = services.check_in(tenant=tenant, booking=booking, by=user)
        return booking, _("%(name)s is checked in for %(service)s.") % {"name": name, "service": booking.service.name}
    if action == "no_show":
        booking = services.mark_no_show(tenant=tenant, booking=booking, by=user)
        return booking, f"{name}: {_('Marked as a no-show.')}"
    force = policies.changes_as_store(actor, booking)
    if action == "cancel":
        booking = services.cancel_booking(tenant=tenant, booking=booking, by=user, force=force)
        return booking, _("The booking of %(name)s is cancelled.") % {"name": name}
    start = validated(RescheduleForm(data), detail=_("Pick a time slot."))["start"]
    booking = services.reschedule_booking(tenant=tenant, booking=booking, start_at=start, by=user, force=force)
    return booking, _("The booking of %(name)s is moved.") % {"name": name}
