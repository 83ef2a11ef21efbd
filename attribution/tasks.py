"""Attribution's background work: a tracking link's touchpoint written after its redirect
(`attribution.redirect.record_touchpoint_task`, registered here for the workers), and credits
recomputed for a window (after stitching, late touchpoints, or a change of lookback), per brand."""

from __future__ import annotations

import datetime as dt

from attribution.redirect import record_touchpoint_task
from attribution.services.credits import recompute_credits
from o2o.celery import tenant_task
from o2o.models import Tenant

__all__ = ["recompute_credits_task", "record_touchpoint_task"]


@tenant_task()
def recompute_credits_task(*, tenant: Tenant, start: str, end: str) -> int:
    """Recompute the credits of the brand's conversions from `start` to `end` (ISO datetimes, end
    excluded). Safe to run twice: identical credits."""
    return recompute_credits(tenant=tenant, start=dt.datetime.fromisoformat(start), end=dt.datetime.fromisoformat(end))
