"""Stitching at sign-up and log-in (rules.md 3.2): the visitor cookie a browser carried becomes its
member's, so that what it clicked and scanned before counts for the person (`attribution.services.
identity`). Bookings, orders and walk-in visits are stitched by the conversions' handlers.

- Sign-up: the kernel's `CONSUMER_SIGNED_UP` event carries the `visitor_id` of the request that
  signed up (or joined the brand), "" when none. The member is found or made by `join_brand`, as
  the members app's handler of the same event does: the two run in either order (each delivery on
  its own), and the phone's unique membership makes them meet on one member.
- Log-in: Django's `user_logged_in` signal, in the log-in's request: when the brand is known (host
  prefix, header or the brand picked before) and the user is its member, the request's visitor
  cookie is stitched to them. A log-in without a brand, a cookie or a membership stitches nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from attribution.choices import StitchSource
from attribution.services.identity import stitch
from members.models import Member
from members.services import join_brand
from o2o.events import CONSUMER_SIGNED_UP, handles
from o2o.events.models import Event
from o2o.models import Tenant, User
from o2o.visitors import visitor_id


@handles(CONSUMER_SIGNED_UP, key="attribution.stitch_on_sign_up")
def stitch_on_sign_up(*, tenant: Tenant, event: Event) -> None:
    """The visitor id the consumer signed up with becomes their member's. Idempotent (`stitch`)."""
    visitor = str(event.payload.get("visitor_id") or "")
    if not visitor:
        return
    user = User.objects.filter(pk=event.payload["user_id"]).first()
    if user is None:  # the account is gone: nobody to stitch to, and a retry would not bring it back
        return
    member = join_brand(tenant=tenant, phone=str(user.phone or user.username), name=user.name, user=user)
    stitch(tenant=tenant, visitor_id=visitor, member=member, source=StitchSource.SIGN_UP, at=event.recorded_at)


@receiver(user_logged_in, dispatch_uid="attribution.stitch_on_log_in")
def stitch_on_log_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """The visitor cookie of a member's log-in becomes theirs (in the request's brand and scope)."""
    tenant: Tenant | None = getattr(request, "tenant", None)
    visitor = visitor_id(request) if request is not None else ""
    if tenant is None or not visitor:
        return
    member = Member.objects.filter(tenant=tenant, user=user).first()
    if member is not None:
        stitch(tenant=tenant, visitor_id=visitor, member=member, source=StitchSource.LOG_IN, at=timezone.now())
