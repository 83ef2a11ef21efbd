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

from django.db import connection

from attribution.models import VisitorIdentity
from attribution.services.guide_binding import bind_latest_touch
from members.models import Member
from o2o.models import Tenant
from o2o.visitors import VISITOR_ID_MAX_LENGTH


def stitch(*, tenant: Tenant, visitor_id: str, member: Member, source: str, at: dt.datetime) -> None:
    """Record that `visitor_id` is `member`'s, found by `source` (a `StitchSource`) at `at`.

    Idempotent: a visitor id stitched already (to this member or another) is left as it is, its
    first member, source and time kept. A blank visitor id does nothing. One statement
    (`INSERT ... ON CONFLICT DO NOTHING`), safe under concurrency; call it in the brand's scope.
    A visitor id stitched now binds the member to the guide of its latest guide touch, if any
    (`guide_binding.bind_latest_touch`: one more query, and a binding when there is one).
    """
    visitor_id = visitor_id.strip()[:VISITOR_ID_MAX_LENGTH]
    if not visitor_id:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(VisitorIdentity._meta.db_table)} "  # noqa: S608 - fixed names, placeholders
            "(tenant_id, visitor_id, member_id, source, stitched_at) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (tenant_id, visitor_id) DO NOTHING",
            [tenant.pk, visitor_id, member.pk, source, connection.ops.adapt_datetimefield_value(at)],
        )
        stitched_now = cursor.rowcount == 1
    if stitched_now:  # the visitor's guide touches before it was known bind the member now (rules.md 4.1)
        bind_latest_touch(tenant=tenant, visitor_id=visitor_id, member=member)
