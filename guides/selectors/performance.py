"""A store's guides and what each one brought in (the store dashboard's guides page, issue 12 item 7).

Decided, for the page to say:

- **Bound customers**: the members bound to the guide now (the binding in force,
  `members.selectors.list_bound_members`).
- **Visits** (last `days` days): store visits, at any store of the brand, by the members bound to
  the guide now. A visit is what the binding is for (the customer comes back to try); the
  attribution credits name a guide only for touches of their links, which misses the customers
  they served in store.
- **Orders** (last `days` days): orders credited to the guide when placed (`Order.guide`: the guide
  code given at checkout, else the binding), neither cancelled nor unroutable.
- **Commission this month**: the guide's commissions not reversed whose order completed this
  month (the brand's time zone), claw-backs included (negative); **pending**: the amount of their
  commissions now pending, whatever the month.

Five queries whatever the number of guides and customers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone

from bookings.models import StoreVisit
from guides.choices import CommissionStatus
from guides.models import Commission
from members.selectors import list_bound_members
from o2o.models import Tenant
from o2o.money import round_money
from orders.choices import OrderStatus
from orders.models import Order
from stores.choices import StaffRole
from stores.models import StoreStaff

ZERO = Decimal("0.00")
DAYS = 30


@dataclass(frozen=True)
class GuidePerformance:
    guide: StoreStaff
    bound_customers: int
    visits: int
    orders: int
    commission_this_month: Decimal
    commission_pending: Decimal


def month_start(*, tenant: Tenant, at: dt.datetime) -> dt.datetime:
    """The first instant of `at`'s month in the brand's time zone."""
    local = at.astimezone(ZoneInfo(tenant.timezone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def store_guide_performance(
    *, tenant: Tenant, store_id: int, at: dt.datetime | None = None, days: int = DAYS
) -> list[GuidePerformance]:
    """The active guides of store `store_id` (by name, then id) with their figures (module doc)."""
    at = at or timezone.now()
    since = at - dt.timedelta(days=days)
    guides = list(
        StoreStaff.objects.filter(tenant=tenant, store_id=store_id, role=StaffRole.GUIDE, is_active=True)
        .select_related("user")
        .order_by("user__name", "pk")
    )
    ids = [guide.pk for guide in guides]
    if not ids:
        return []
    bound = dict(
        list_bound_members(tenant=tenant, at=at)
        .filter(bound_guide_id__in=ids)  # type: ignore[misc]  # an annotation
        .order_by()
        .values_list("pk", "bound_guide_id")
    )
    visits_by_member = dict(
        StoreVisit.objects.filter(tenant=tenant, member_id__in=list(bound), visited_at__gte=since, visited_at__lte=at)
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    orders = dict(
        Order.objects.filter(tenant=tenant, guide_id__in=ids, created_at__gte=since, created_at__lte=at)
        .exclude(status__in=[OrderStatus.CANCELLED, OrderStatus.UNROUTABLE])
        .values("guide_id")
        .annotate(n=Count("pk"))
        .values_list("guide_id", "n")
    )
    start = month_start(tenant=tenant, at=at)
    money: dict[int, Any] = {
        row["guide_id"]: row
        for row in Commission.objects.filter(tenant=tenant, guide_id__in=ids)
        .values("guide_id")
        .annotate(
            month=Sum("amount", filter=Q(completed_at__gte=start) & ~Q(status=CommissionStatus.REVERSED)),
            pending=Sum("amount", filter=Q(status=CommissionStatus.PENDING)),
        )
    }
    customers: dict[int, int] = {}
    visits: dict[int, int] = {}
    for member_id, guide_id in bound.items():
        customers[guide_id] = customers.get(guide_id, 0) + 1
        visits[guide_id] = visits.get(guide_id, 0) + visits_by_member.get(member_id, 0)
    return [
        GuidePerformance(
            guide=guide,
            bound_customers=customers.get(guide.pk, 0),
            visits=visits.get(guide.pk, 0),
            orders=orders.get(guide.pk, 0),
            commission_this_month=round_money((money.get(guide.pk) or {}).get("month") or ZERO),
            commission_pending=round_money((money.get(guide.pk) or {}).get("pending") or ZERO),
        )
        for guide in guides
    ]
