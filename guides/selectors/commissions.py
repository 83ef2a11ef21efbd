"""Reads of commissions and claims, scoped to what the actor may see (guides.policies)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from guides import policies
from guides.choices import ClaimStatus, CommissionStatus
from guides.models import Commission, CommissionClaim
from o2o.errors import InvalidInput, NotFound
from o2o.fields import MAX_ID
from o2o.models import Tenant
from o2o.tenancy.actor import Actor

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _id(filters: Mapping[str, str], name: str) -> int | None:
    value = (filters.get(name) or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise InvalidInput(name, _("Give an id."))
    return int(value)


def month_range(*, tenant: Tenant, period: str) -> tuple[dt.datetime, dt.datetime]:
    """The month `YYYY-MM` in the brand's time zone: [first instant, first instant of the next)
    (InvalidInput naming `period` otherwise)."""
    match = _MONTH.fullmatch(period.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise InvalidInput("period", _("Enter a month as YYYY-MM."))
    year, month = int(match.group(1)), int(match.group(2))
    zone = ZoneInfo(tenant.timezone)
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def list_commissions(*, tenant: Tenant, actor: Actor, filters: Mapping[str, str]) -> QuerySet[Commission]:
    """The commissions the actor may see, latest completion first: `status`, `store` (the guide's),
    `guide`, `order`, and
    `period` (`YYYY-MM`: the month the order completed in, in the brand's time zone). A bad filter
    is InvalidInput naming it. Rows carry their guide's name and store (no N+1)."""
    qs = Commission.objects.filter(tenant=tenant).select_related("guide__user", "guide__store", "order")
    scope = policies.commission_scope(actor)
    if scope is not None:
        qs = qs.filter(scope)
    status = (filters.get("status") or "").strip()
    if status:
        if status not in CommissionStatus.values:
            raise InvalidInput("status", _("Choose one of: %(s)s.") % {"s": ", ".join(CommissionStatus.values)})
        qs = qs.filter(status=status)
    store_id = _id(filters, "store")
    if store_id is not None:
        qs = qs.filter(guide__store_id=store_id)
    guide_id = _id(filters, "guide")
    if guide_id is not None:
        qs = qs.filter(guide_id=guide_id)
    order_id = _id(filters, "order")
    if order_id is not None:
        qs = qs.filter(order_id=order_id)
    period = (filters.get("period") or "").strip()
    if period:
        start, end = month_range(tenant=tenant, period=period)
        qs = qs.filter(completed_at__gte=start, completed_at__lt=end)
    return qs.order_by("-completed_at", "-pk")


def list_claims(*, tenant: Tenant, actor: Actor, filters: Mapping[str, str]) -> QuerySet[CommissionClaim]:
    """The claims the actor may see, newest first, `status` optional (InvalidInput naming it)."""
    qs = CommissionClaim.objects.filter(tenant=tenant).select_related("guide__user", "guide__store", "order")
    scope = policies.claim_scope(actor)
    if scope is not None:
        qs = qs.filter(scope)
    status = (filters.get("status") or "").strip()
    if status:
        if status not in ClaimStatus.values:
            raise InvalidInput("status", _("Choose one of: %(s)s.") % {"s": ", ".join(ClaimStatus.values)})
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def get_claim(*, tenant: Tenant, actor: Actor, claim_id: int) -> CommissionClaim:
    """A claim the actor may see; NotFound (404) for a missing, foreign or unseen one alike."""
    claim = list_claims(tenant=tenant, actor=actor, filters={}).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound(_("No such claim."))
    return claim


@dataclass(frozen=True)
class Settleable:
    """A commission a settlement run makes payable: its id, its guide's store and its amount."""

    commission_id: int
    store_id: int
    amount: Decimal


def settleable_commissions(*, tenant: Tenant, before: dt.datetime, at: dt.datetime) -> list[Settleable]:
    """The commissions a run for a period ending at `before`, made at `at`, includes (rules.md 4.5):
    every commission whose order completed before `before` and that is approved, or pending with
    its return window passed by `at`; negative ones (claw-backs) are approved from the start, so
    every one not yet settled is among them. One query, in id order."""
    cutoff = at - dt.timedelta(days=tenant.return_window_days)
    rows = (
        Commission.objects.filter(tenant=tenant, completed_at__lt=before, settlement_run_id__isnull=True)
        .filter(Q(status=CommissionStatus.APPROVED) | Q(status=CommissionStatus.PENDING, completed_at__lte=cutoff))
        .order_by("pk")
        .values_list("pk", "guide__store_id", "amount")
    )
    return [Settleable(commission_id=pk, store_id=store_id, amount=amount) for pk, store_id, amount in rows]
