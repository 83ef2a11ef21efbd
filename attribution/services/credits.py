"""Credits (rules.md 3.3-3.5): the share of each conversion every heuristic model gives each of its
person's touchpoints, written as Credit rows carrying what the funnel groups by.

A conversion's person is its member with every visitor id stitched to them, plus the conversion's
own visitor id; its touchpoints are theirs in the brand's `lookback_days` before it (touchpoints of
a B2C marketplace channel never count: rules.md 3.2). Every heuristic model is computed, the
brand's (the one settlement uses) among them, so that reports can compare models. `markov` is a
report over the window's paths (attribution.markov), not stored.

Crediting is idempotent: a conversion's credits are deleted and inserted again in one transaction,
from the same rows, in the same order, with exact arithmetic: identical numbers on every run.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from attribution import credit_models
from attribution.choices import B2C_CHANNELS
from attribution.credit_models import Touch
from attribution.models import Conversion, Credit, Touchpoint, VisitorIdentity
from o2o.models import Tenant

BATCH = 2000
CHUNK = 1000  # conversions credited together (their touchpoints read in one query)


@transaction.atomic
def credit_conversion(*, tenant: Tenant, conversion: Conversion) -> list[Credit]:
    """(Re)compute the credits of one conversion under every heuristic model."""
    return credit_conversions(tenant=tenant, conversions=[conversion])


@transaction.atomic
def recompute_credits(*, tenant: Tenant, start: dt.datetime, end: dt.datetime) -> int:
    """(Re)compute the credits of every conversion from `start` (included) to `end` (excluded),
    after stitching or late touchpoints: one transaction, a fixed number of queries per `CHUNK`
    conversions, identical numbers on every run. Returns the number of credit rows written."""
    conversions = list(
        Conversion.objects.filter(tenant=tenant, at__gte=start, at__lt=end).order_by("at", "pk").select_for_update()
    )
    written = 0
    for first in range(0, len(conversions), CHUNK):
        written += len(_credit(tenant=tenant, conversions=conversions[first : first + CHUNK]))
    return written


@transaction.atomic
def credit_conversions(*, tenant: Tenant, conversions: Sequence[Conversion]) -> list[Credit]:
    """Replace the credits of `conversions` (of `tenant`) by those of every heuristic model: four
    queries and the inserts, whatever their number."""
    return _credit(tenant=tenant, conversions=conversions)


def _credit(*, tenant: Tenant, conversions: Sequence[Conversion]) -> list[Credit]:
    if not conversions:
        return []
    ids = [conversion.pk for conversion in conversions]
    Credit.objects.filter(tenant=tenant, conversion_id__in=ids).delete()
    touches = _touchpoints_of(tenant=tenant, conversions=conversions)
    rows: list[Credit] = []
    for conversion in conversions:
        mine = touches.get(conversion.pk, [])
        by_id = {touchpoint.pk: touchpoint for touchpoint in mine}
        given = credit_models.all_shares(
            converted_at=conversion.at,
            touches=[Touch(at=touchpoint.at, key=touchpoint.pk) for touchpoint in mine],
            lookback_days=tenant.lookback_days,
        )
        for model, model_shares in given.items():
            for touchpoint_id, share in model_shares:
                touchpoint = by_id[touchpoint_id]
                rows.append(
                    Credit(
                        tenant=tenant,
                        conversion=conversion,
                        touchpoint_id=touchpoint_id,
                        model=model,
                        share=share,
                        kind=conversion.kind,
                        at=conversion.at,
                        store_id=conversion.store_id,
                        revenue=conversion.revenue,
                        campaign_id=touchpoint.campaign_id,
                        channel=touchpoint.channel,
                        guide_id=touchpoint.guide_id,
                    )
                )
    Credit.objects.bulk_create(rows, batch_size=BATCH)
    credited_at = timezone.now()
    Conversion.objects.filter(tenant=tenant, pk__in=ids).update(credited_at=credited_at)
    for conversion in conversions:
        conversion.credited_at = credited_at
    return rows


def _touchpoints_of(*, tenant: Tenant, conversions: Sequence[Conversion]) -> dict[int, list[Touchpoint]]:
    """Each conversion's candidate touchpoints (its person's, in the span of all the lookback
    windows; credit_models keeps those of its own window), oldest first: two queries."""
    member_ids = {conversion.member_id for conversion in conversions if conversion.member_id is not None}
    ids_of_member: dict[int, set[str]] = defaultdict(set)
    if member_ids:
        for member_id, visitor_id in VisitorIdentity.objects.filter(
            tenant=tenant, member_id__in=member_ids
        ).values_list("member_id", "visitor_id"):
            ids_of_member[member_id].add(visitor_id)
    visitor_ids_of: dict[int, set[str]] = {}
    for conversion in conversions:
        ids = set(ids_of_member.get(conversion.member_id, set())) if conversion.member_id is not None else set()
        if conversion.visitor_id:
            ids.add(conversion.visitor_id)
        visitor_ids_of[conversion.pk] = ids
    every_id = set().union(*visitor_ids_of.values())
    if not every_id:
        return {}
    since = min(conversion.at for conversion in conversions) - dt.timedelta(days=tenant.lookback_days)
    until = max(conversion.at for conversion in conversions)
    touchpoints = (
        Touchpoint.objects.filter(tenant=tenant, visitor_id__in=every_id, at__gte=since, at__lte=until)
        .filter(~Q(channel__in=B2C_CHANNELS))
        .only("pk", "at", "visitor_id", "campaign_id", "channel", "guide_id")
        .order_by("at", "pk")
    )
    of_visitor: dict[str, list[Touchpoint]] = defaultdict(list)
    for touchpoint in touchpoints:
        of_visitor[touchpoint.visitor_id].append(touchpoint)
    result: dict[int, list[Touchpoint]] = {}
    for conversion in conversions:
        mine = [touchpoint for visitor_id in visitor_ids_of[conversion.pk] for touchpoint in of_visitor[visitor_id]]
        mine.sort(key=lambda touchpoint: (touchpoint.at, touchpoint.pk))
        result[conversion.pk] = mine
    return result
