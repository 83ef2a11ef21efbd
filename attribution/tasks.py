"""Attribution's background work: credits recomputed for a window (after stitching, late
touchpoints, or a change of lookback), per brand."""

from __future__ import annotations

import datetime as dt

from attribution.services.credits import recompute_credits
from o2o.celery import tenant_task
from o2o.models import Tenant


@tenant_task()
def recompute_credits_task(*, tenant: Tenant, start: str, end: str) -> int:
    """Recompute the credits of the brand's conversions from `start` to `end` (ISO datetimes, end
    excluded). Safe to run twice: identical credits."""
    return recompute_credits(tenant=tenant, start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end))
