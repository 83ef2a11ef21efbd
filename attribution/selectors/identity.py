"""Reads of identity stitching (`attribution.services.identity`): a member's visitor ids, a visitor
id's member."""

from __future__ import annotations

from attribution.models import VisitorIdentity
from members.models import Member
from o2o.models import Tenant


def person_visitor_ids(*, tenant: Tenant, member: Member) -> list[str]:
    """The visitor ids stitched to `member`, sorted: with the member, the person (one query)."""
    return sorted(VisitorIdentity.objects.filter(tenant=tenant, member=member).values_list("visitor_id", flat=True))


def member_id_of_visitor(*, tenant: Tenant, visitor_id: str) -> int | None:
    """The id of the member `visitor_id` is stitched to, or None for a visitor-only person (one query)."""
    if not visitor_id:
        return None
    return (
        VisitorIdentity.objects.filter(tenant=tenant, visitor_id=visitor_id).values_list("member_id", flat=True).first()
    )
