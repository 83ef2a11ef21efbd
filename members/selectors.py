"""Reads of memberships, with the visibility rule of personal data.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from members.masking import mask_name, mask_phone
from members.models import Member, ServedBy
from o2o.choices import STORE_ROLES
from o2o.errors import NotFound
from o2o.fields import IdFilter
from o2o.models import Tenant, User
from stores.access import is_hq, staff_post

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Masking(TypedDict):
        is_masked: bool

    MaskedMember = WithAnnotations[Member, _Masking]  # a member annotated by `_with_masking`

VISIBLE_SUFFIX_DIGITS = 4  # the digits of a phone the mask shows at its end
_PHONE_QUERY = re.compile(r"^[\d\s+\-()]+$")


def viewer_store_id(*, tenant: Tenant, user: User, roles: Iterable[str]) -> int | None:
    """The store whose members `user` sees unmasked: their post's store (managers and guides)."""
    if is_hq(roles) or not set(roles) & STORE_ROLES:
        return None
    post = staff_post(tenant=tenant, user=user)
    return post.store_id if post is not None else None


def _with_masking(queryset: QuerySet[Member], *, tenant: Tenant, user: User, roles: Iterable[str]) -> QuerySet[Member]:
    """`queryset` annotated with `is_masked` for the viewer (False for HQ; per row for a store)."""
    if is_hq(roles):
        return queryset.annotate(is_masked=Value(False, output_field=BooleanField()))
    store_id = viewer_store_id(tenant=tenant, user=user, roles=roles)
    if store_id is None:  # a store role without an active post serves nobody
        return queryset.annotate(is_masked=Value(True, output_field=BooleanField()))
    served = ServedBy.objects.filter(tenant=tenant, member=OuterRef("pk"), store_id=store_id)
    return queryset.annotate(
        is_masked=Case(
            When(Q(home_store_id=store_id) | Q(Exists(served)), then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        )
    )


def _may_list_members(roles: Iterable[str]) -> bool:
    return is_hq(roles) or bool(set(roles) & STORE_ROLES)


class MemberFilter(django_filters.FilterSet):
    """`home_store` (a store id), `served` (true: only the members the viewer sees unmasked), `q`."""

    home_store = IdFilter(field_name="home_store_id")
    served = django_filters.BooleanFilter(method="filter_served")
    q = django_filters.CharFilter(method="search", max_length=100)

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


def list_members(*, tenant: Tenant, user: User, roles: Iterable[str], filters: Mapping[str, Any]) -> QuerySet[Member]:
    """Members of `tenant` for a staff viewer, newest first, each annotated with `is_masked`.

    Consumers (and anyone without a staff role) get none. Raises ValidationError (400) for bad
    filters. Serialize the rows with `member_view`, which applies the masking without a query.
    """
    if not _may_list_members(roles):
        return Member.objects.none()
    queryset = _with_masking(
        Member.objects.filter(tenant=tenant).select_related("home_store").order_by("-joined_at", "-pk"),
        tenant=tenant,
        user=user,
        roles=roles,
    )
    filterset = MemberFilter(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def get_member(*, tenant: Tenant, user: User, roles: Iterable[str], member_id: int) -> Member:
    """One member of `tenant` for a staff viewer, annotated with `is_masked`.

    NotFound for a missing member and another brand's alike.
    """
    member = None
    if _may_list_members(roles):
        queryset = _with_masking(Member.objects.filter(tenant=tenant), tenant=tenant, user=user, roles=roles)
        member = queryset.filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("No such member."))
    return member


def get_own_membership(*, tenant: Tenant, user: User) -> Member:
    """The membership of `user` in `tenant` (their own data, never masked); NotFound when none."""
    member = None
    if user.is_authenticated:
        member = (
            Member.objects.filter(tenant=tenant, user=user)
            .annotate(is_masked=Value(False, output_field=BooleanField()))
            .first()
        )
    if member is None:
        raise NotFound(_("You are not a member of this brand."))
    return member


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


def member_view(member: Member) -> MemberView:
    """`member` (from `list_members`, `get_member` or `get_own_membership`) with masking applied."""
    masked = bool(getattr(member, "is_masked", True))  # a row from elsewhere is masked: fail closed
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
