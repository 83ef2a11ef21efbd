"""A campaign's recent conversions (its page's "recent conversions"): the latest conversions one
model credits to the campaign, each with its kind, time, store, person and the campaign's share of
it, and the booking or order it came from, so that HQ follows a poster's scan to the visit and the
order. Two queries whatever the number of conversions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from attribution.choices import ConversionKind
from attribution.credit_models import HEURISTIC_MODELS, LAST_TOUCH
from attribution.models import Credit
from bookings.models import StoreVisit
from members.masking import mask_phone
from o2o.models import Tenant

RECENT = 20


@dataclass(frozen=True)
class RecentConversion:
    conversion_id: int
    kind: str
    at: dt.datetime
    store_code: str
    store_name: str
    member_name: str  # "" for a visitor who is nobody's member yet
    member_phone: str  # masked (`138****5678`)
    share: Decimal  # the campaign's credit of the conversion: the sum of its touchpoints' shares
    revenue: Decimal
    order_id: int | None  # the order converted, or None
    booking_id: int | None  # the booking made, or checked in by the visit; None for a walk-in

    @property
    def is_member(self) -> bool:
        return bool(self.member_name or self.member_phone)

    def get_kind_display(self) -> str:
        return str(ConversionKind(self.kind).label)


def credit_model(model: str) -> str:
    """The model conversions are credited under for `model`, the brand's: itself when it is a
    heuristic one; Markov credits no single conversion, so last touch stands in for it."""
    return model if model in HEURISTIC_MODELS else LAST_TOUCH


def recent_conversions(*, tenant: Tenant, campaign_id: int, model: str, limit: int = RECENT) -> list[RecentConversion]:
    """The latest `limit` conversions `model` (a heuristic one) credits to the campaign, newest first."""
    rows = list(
        Credit.objects.filter(tenant=tenant, campaign_id=campaign_id, model=model, share__gt=0)
        .values(
            "conversion_id",
            "kind",
            "at",
            "revenue",
            "conversion__source_id",
            "store__code",
            "store__name",
            "conversion__member__name",
            "conversion__member__phone",
        )
        .annotate(credit=Sum("share"))
        .order_by("-at", "-conversion_id")[:limit]
    )
    visit_ids = [row["conversion__source_id"] for row in rows if row["kind"] == ConversionKind.VISIT]
    booking_of_visit: dict[int, int | None] = {}
    if visit_ids:
        booking_of_visit = dict(
            StoreVisit.objects.filter(tenant=tenant, pk__in=visit_ids).values_list("pk", "booking_id")
        )
    result = []
    for row in rows:
        kind, source_id = row["kind"], row["conversion__source_id"]
        phone = row["conversion__member__phone"]
        booking_id = source_id if kind == ConversionKind.BOOKING else None
        if kind == ConversionKind.VISIT:
            booking_id = booking_of_visit.get(source_id)
        result.append(
            RecentConversion(
                conversion_id=row["conversion_id"],
                kind=kind,
                at=row["at"],
                store_code=row["store__code"] or "",
                store_name=row["store__name"] or "",
                member_name=row["conversion__member__name"] or "",
                member_phone=mask_phone(str(phone)) if phone else "",
                share=Decimal(row["credit"]),
                revenue=Decimal(row["revenue"]),
                order_id=source_id if kind == ConversionKind.ORDER else None,
                booking_id=booking_id,
            )
        )
    return result
