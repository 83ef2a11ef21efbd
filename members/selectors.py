"""Reads of memberships, with the visibility rule of personal data (`members.policies`).

HQ (admin or staff) sees every member of the brand with their personal data. A store manager or a
guide sees every member of the brand too (a membership is shared by all stores), but the phone and
the name only of the members their store serves: whose home store it is, or whom it has served
(`ServedBy`: a booking, a visit, an order). Everyone else's are masked (`members.masking`). The
rule is one SQL expression (`is_masked`), so a list decides it per row without a query per row.

Search (`q`) never finds a member by what the viewer may not see: a name, or a phone number beyond
the last four digits (which the mask shows), matches only the members whose data the viewer sees.
So only HQ can look anyone up by a full phone number or a name; a store finds by full number only
the members it serves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast

import django_filters
from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import policies
from members.masking import mask_name, mask_phone
from members.models import GuideBinding, Member
from o2o.errors import AppError, NotFound
from o2o.fields import IdFilter
from o2o.models import Tenant
from o2o.tenancy.actor import Actor

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Masking(TypedDict):
        is_masked: bool

    MaskedMember = WithAnnotations[Member, _Masking]  # a member annotated by `_with_masking`

VISIBLE_SUFFIX_DIGITS = 4  # the digits of a phone the mask shows at its end
_PHONE_QUERY = re.compile(r"^[\d\s+\-()]+$")


class InvalidFilters(AppError):
    """A 400 naming each filter that is not valid (`errors: {filter: [message]}`)."""

    status_code = 400
    code = "invalid"

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        detail = _("Invalid input: %(fields)s.") % {"fields": ", ".join(errors)}
        super().__init__(detail, extra={"errors": {field: list(messages) for field, messages in errors.items()}})


def _with_masking(queryset: QuerySet[Member], *, tenant: Tenant, actor: Actor) -> QuerySet[Member]:
    """`queryset` annotated with `is_masked` for the actor (False for HQ; per row for the others)."""
    return queryset.annotate(is_masked=policies.masked_expression(actor, tenant=tenant))


class MemberFilter(django_filters.FilterSet):
    """`home_store` (a store id), `served` (true: only the members the viewer sees unmasked), `q`."""

    home_store = IdFilter(field_name="home_store_id", label=gettext_lazy("Home store"))
    served = django_filters.BooleanFilter(method="filter_served", label=gettext_lazy("Only the members we serve"))
    q = django_filters.CharFilter(method="search", max_length=100, label=gettext_lazy("Search"))

    class Meta:
        model = Member
        fields: list[str] = []

    def filter_served(self, queryset: QuerySet[MaskedMember], name: str, value: bool | None) -> QuerySet[Member]:
        return queryset if value is None else queryset.filter(is_masked=not value)

    def search(self, queryset: QuerySet[MaskedMember], name: str, value: str) -> QuerySet[Member]:
        """A phone suffix or a part of the name, only over what the viewer may see (module doc)."""
        value = value.strip()
        if not value:
            return queryset
        if _PHONE_QUERY.match(value):
            digits = re.sub(r"\D", "", value)
            if not digits:
                return queryset.none()
            matches = Q(phone__endswith=digits)
            if len(digits) > VISIBLE_SUFFIX_DIGITS:
                matches &= Q(is_masked=False)
            return queryset.filter(matches)
        return queryset.filter(name__icontains=value, is_masked=False)


def member_filter_form(data: Mapping[str, Any] | None) -> forms.Form:
    """The form of the list's filters (the API's query parameters, with the same bounds), for a page."""
    return cast(forms.Form, MemberFilter(data, queryset=Member.objects.none()).form)


def list_members(*, tenant: Tenant, actor: Actor, filters: Mapping[str, Any]) -> QuerySet[Member]:
    """Members of `tenant` for a staff viewer (`policies.can_list_members`), newest first, each
    annotated with `is_masked` for the actor.

    Anyone else gets none. Raises InvalidFilters (400) naming each bad filter. Serialize the rows
    with `member_view`, which applies the masking without a query.
    """
    if not policies.can_list_members(actor):
        return Member.objects.none()
    queryset = _with_masking(
        Member.objects.filter(tenant=tenant).select_related("home_store").order_by("-joined_at", "-pk"),
        tenant=tenant,
        actor=actor,
    )
    filterset = MemberFilter(filters, queryset=queryset)
    if not filterset.is_valid():
        raise InvalidFilters({field: [str(m) for m in messages] for field, messages in filterset.errors.items()})
    return filterset.qs


def get_member(*, tenant: Tenant, actor: Actor, member_id: int) -> Member:
    """One member of `tenant` the actor may see (`policies.can_see_member`), annotated with
    `is_masked`. NotFound for a missing member, another brand's and one the actor may not see alike.
    """
    members = _with_masking(Member.objects.filter(tenant=tenant), tenant=tenant, actor=actor)
    member = members.filter(pk=member_id).first()
    if member is None or not policies.can_see_member(actor, member):
        raise NotFound(_("No such member."))
    return member


def get_own_membership(*, tenant: Tenant, actor: Actor) -> Member:
    """The actor's membership of `tenant` (loaded once per request by the actor, with its home
    store); NotFound when they have none. Shown unmasked to them (`member_view(..., masked=False)`).
    """
    member = actor.membership if actor.tenant is not None and actor.tenant.pk == tenant.pk else None
    if member is None:
        raise NotFound(_("You are not a member of this brand."))
    return cast(Member, member)


def get_current_binding(*, tenant: Tenant, member: Member, at: dt.datetime | None = None) -> GuideBinding | None:
    """The guide the member is bound to at `at` (now by default), with the guide's user and store:
    the latest binding that covers the moment, of a guide still at work (rules.md 4.1); None when
    the member is bound to nobody. One query."""
    moment = at or timezone.now()
    return (
        GuideBinding.objects.filter(
            tenant=tenant, member=member, bound_at__lte=moment, bound_until__gt=moment, guide__is_active=True
        )
        .select_related("guide__user", "store")
        .order_by("-bound_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class MemberView:
    """A member as one viewer may see them: phone and name masked when `masked`."""

    id: int
    phone: str
    name: str
    home_store: int | None
    consent_marketing: bool
    consent_recorded_at: dt.datetime | None
    joined_at: dt.datetime
    masked: bool


def member_view(member: Member, *, masked: bool | None = None) -> MemberView:
    """`member` with masking applied: `masked` when given (False for the member's own view), else as
    annotated by `list_members` or `get_member` (a row from elsewhere is masked: fail closed)."""
    if masked is None:
        masked = bool(getattr(member, "is_masked", True))
    phone = str(member.phone)
    return MemberView(
        id=member.pk,
        phone=mask_phone(phone) if masked else phone,
        name=mask_name(member.name) if masked else member.name,
        home_store=member.home_store_id,
        consent_marketing=member.consent_marketing,
        consent_recorded_at=member.consent_recorded_at,
        joined_at=member.joined_at,
        masked=masked,
    )


def binding_history(*, tenant: Tenant, member: Member) -> QuerySet[GuideBinding]:
    """Every binding record of `member`, oldest first, with the guide's user, the store and who made
    it (a manual re-binding's manager): the history of the member's bindings (rules.md 4.1)."""
    return (
        GuideBinding.objects.filter(tenant=tenant, member=member)
        .select_related("guide__user", "store", "created_by")
        .order_by("bound_at", "pk")
    )


def _in_force(*, tenant: Tenant, moment: dt.datetime) -> QuerySet[GuideBinding]:
    """The binding in force at `moment` of the outer member row (for a Subquery)."""
    return GuideBinding.objects.filter(
        tenant=tenant, member=OuterRef("pk"), bound_at__lte=moment, bound_until__gt=moment, guide__is_active=True
    ).order_by("-bound_at", "-pk")


def list_bound_members(
    *,
    tenant: Tenant,
    guide_id: int | None = None,
    at: dt.datetime | None = None,
    ending_by: dt.datetime | None = None,
) -> QuerySet[Member]:
    """Members bound at `at` (now) to a guide (to `guide_id` when given; whose binding ends by
    `ending_by` when given), each annotated with the binding in force: `bound_guide_id`, `bound_at`,
    `bound_until`, `binding_source`; soonest expiry first. One query whatever their number (the
    binding in force is a subquery per row)."""
    moment = at or timezone.now()
    current = _in_force(tenant=tenant, moment=moment)
    candidates = GuideBinding.objects.filter(
        tenant=tenant, bound_at__lte=moment, bound_until__gt=moment, guide__is_active=True
    )
    if guide_id is not None:
        candidates = candidates.filter(guide_id=guide_id)
    members = (
        Member.objects.filter(tenant=tenant, pk__in=candidates.values("member_id"))
        .annotate(
            bound_guide_id=Subquery(current.values("guide_id")[:1]),
            bound_at=Subquery(current.values("bound_at")[:1]),
            bound_until=Subquery(current.values("bound_until")[:1]),
            binding_source=Subquery(current.values("source")[:1]),
        )
        .order_by("bound_until", "pk")
    )
    if ending_by is not None:
        members = members.filter(bound_until__lte=ending_by)
    return members.filter(bound_guide_id=guide_id) if guide_id is not None else members
