"""Identity stitching (rules.md 3.2): which visitor ids are which member's.

A person is a member together with every visitor id stitched to them. Touchpoints are stored by
visitor id only, never by member, so stitching is retroactive by construction: a person's
touchpoints are those of all their visitor ids, whenever each was stitched (a visit recorded a month
before sign-up counts from the moment the sign-up stitches its visitor id).

A visitor id is one member's at most, and the first stitch keeps it (the unique index on (tenant,
visitor_id) decides, also between concurrent stitches): a visitor id is a device or a browser, and a
shared one (a family tablet, a store's kiosk) seen later with another member must not move the
touchpoints already credited (and settled) to the first person over to the second. So merging a
visitor-only person into a member is one INSERT that does nothing when done already: calling it
twice, or again with another member, changes nothing.
"""

from __future__ import annotations

import datetime as dt

from attribution.models import VisitorIdentity
from members.models import Member
from o2o.models import Tenant
from o2o.visitors import VISITOR_ID_MAX_LENGTH


def stitch(*, tenant: Tenant, visitor_id: str, member: Member, source: str, at: dt.datetime) -> None:
    """Record that `visitor_id` is `member`'s, found by `source` (a `StitchSource`) at `at`.

    Idempotent: a visitor id stitched already (to this member or another) is left as it is, its
    first member, source and time kept. A blank visitor id does nothing. One statement
    (`INSERT ... ON CONFLICT DO NOTHING`), safe under concurrency; call it in the brand's scope.
    """
    visitor_id = visitor_id.strip()[:VISITOR_ID_MAX_LENGTH]
    if not visitor_id:
        return
    identity = VisitorIdentity(tenant=tenant, visitor_id=visitor_id, member=member, source=source, stitched_at=at)
    VisitorIdentity.objects.bulk_create([identity], ignore_conflicts=True)
