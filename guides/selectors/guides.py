"""Reads of guides (`stores.StoreStaff` posts of the guide role) and of a guide's customers."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import StoreVisit
from guides import policies
from members.models import Member
from members.selectors import list_bound_members
from o2o.errors import NotFound
from o2o.models import Tenant
from o2o.tenancy.actor import Actor
from orders.models import Order
from stores.choices import StaffRole
from stores.models import StoreStaff


def list_guides(*, tenant: Tenant, actor: Actor) -> QuerySet[StoreStaff]:
    """The active guides the actor sees (`policies.guide_scope`), by store code then id, with their
    user and store."""
    guides = (
        StoreStaff.objects.filter(tenant=tenant, role=StaffRole.GUIDE, is_active=True)
        .select_related("user", "store")
        .order_by("store__code", "pk")
    )
    scope = policies.guide_scope(actor)
    return guides if scope is None else guides.filter(scope)


def get_guide(*, tenant: Tenant, actor: Actor, guide_id: int) -> StoreStaff:
    """One guide the actor sees; NotFound for a missing, foreign or unseen one alike."""
    guide = list_guides(tenant=tenant, actor=actor).filter(pk=guide_id).first()
    if guide is None:
        raise NotFound(_("No such guide."))
    return guide


def list_guide_customers(*, tenant: Tenant, guide: StoreStaff, at: dt.datetime | None = None) -> QuerySet[Member]:
    """The members bound to `guide` now (`members.selectors.list_bound_members`: `bound_at`,
    `bound_until`, `binding_source`), soonest expiry first, each with `last_visit_at` (their latest
    store visit, any store) and `last_order_at` (their latest order). One query, whatever their
    number."""
    at = at or timezone.now()
    last_visit = (
        StoreVisit.objects.filter(tenant=tenant, member=OuterRef("pk"))
        .values("member")
        .annotate(latest=Max("visited_at"))
        .values("latest")
    )
    last_order = (
        Order.objects.filter(tenant=tenant, member=OuterRef("pk"))
        .values("member")
        .annotate(latest=Max("created_at"))
        .values("latest")
    )
    return list_bound_members(tenant=tenant, guide_id=guide.pk, at=at).annotate(
        last_visit_at=Subquery(last_visit[:1]), last_order_at=Subquery(last_order[:1])
    )
