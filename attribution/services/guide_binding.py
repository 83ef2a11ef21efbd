"""A guide's link or QR code binds the member who follows it (rules.md 4.1), through the members app's
one binding service (`members.binding.bind`).

- A touch of a guide's link (the `/t/{code}` redirect's task, an ingested event naming the link) by
  a visitor id stitched to a member binds that member: a scan by source `qr`, a click or a view by
  `link`, from the touch's time.
- Retroactive: when a visitor id is first stitched to a member (sign-up, log-in, a booking or an
  order), the visitor's latest guide touch within `protection_days` binds the member from the
  touch's time, when that binding is still in force now (`bind` decides, as for any touch).

Binding twice for one touch changes nothing (`bind` renews only when protection ends later), so a
retried task or a batch sent again is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from attribution.choices import TouchKind
from attribution.models import Touchpoint, VisitorIdentity
from members.binding import BindResult, bind, protection
from members.models import BindingSource, Member
from o2o.models import Tenant
from stores.choices import StaffRole
from stores.models import StoreStaff


@dataclass(frozen=True)
class GuideTouch:
    visitor_id: str
    guide_id: int
    kind: str
    at: dt.datetime


def binding_source(kind: str) -> str:
    """A scan binds by QR code; a click or an event carrying the link by the link."""
    return BindingSource.QR if kind == TouchKind.SCAN else BindingSource.LINK


def _active_guides(*, tenant: Tenant, ids: Iterable[int]) -> dict[int, StoreStaff]:
    guides = StoreStaff.objects.filter(tenant=tenant, pk__in=set(ids), role=StaffRole.GUIDE, is_active=True)
    return {guide.pk: guide for guide in guides}


def bind_touches(*, tenant: Tenant, touches: Iterable[GuideTouch]) -> list[BindResult]:
    """Bind the members behind `touches` (guide touches recorded just now), in the order of their
    times. One query finds the visitors that are members; nothing more when none is."""
    touches = sorted(touches, key=lambda touch: touch.at)
    if not touches:
        return []
    members = dict(
        VisitorIdentity.objects.filter(tenant=tenant, visitor_id__in={t.visitor_id for t in touches}).values_list(
            "visitor_id", "member_id"
        )
    )
    touches = [touch for touch in touches if touch.visitor_id in members]
    if not touches:
        return []
    guides = _active_guides(tenant=tenant, ids=(touch.guide_id for touch in touches))
    results = []
    for touch in touches:
        guide = guides.get(touch.guide_id)
        if guide is None:  # the guide left: their link binds nobody
            continue
        member = Member(tenant=tenant, pk=members[touch.visitor_id])
        results.append(bind(tenant=tenant, member=member, guide=guide, source=binding_source(touch.kind), at=touch.at))
    return results


def bind_latest_touch(*, tenant: Tenant, visitor_id: str, member: Member) -> BindResult | None:
    """`visitor_id` was just stitched to `member`: the visitor's latest touch of an active guide's
    link within `protection_days` binds the member from its time (None when there is none)."""
    since = timezone.now() - protection(tenant)
    touch = (
        Touchpoint.objects.filter(
            tenant=tenant,
            visitor_id=visitor_id,
            guide__isnull=False,
            guide__is_active=True,
            guide__role=StaffRole.GUIDE,
            at__gt=since,
        )
        .select_related("guide")
        .order_by("-at", "-pk")
        .first()
    )
    if touch is None or touch.guide is None:
        return None
    return bind(tenant=tenant, member=member, guide=touch.guide, source=binding_source(touch.kind), at=touch.at)
