"""A customer's binding to a shopping guide (rules.md 4.1): the one service every path binds through.

A member who arrives through a guide's link or QR code, or whom a guide records as served in the
store, is bound to that guide (and so to the guide's store) for the brand's `protection_days`.

- No binding in force (none, expired, or its guide no longer at work): a new binding from `at`.
- In force with the **same** guide: protection renewed from `at` (a new record, when it ends later
  than the one in force; a touch recorded twice renews nothing the second time).
- In force with **another** guide: nothing (no poaching); the answer says who holds the customer.
- A store manager (or HQ) re-binds by hand with a reason, whatever is in force (`rebind`).

Every change is a new `GuideBinding` record, never an update nor a delete: the history is the
records, and the binding in force at a moment is the latest record covering it
(`members.selectors.get_current_binding`), so a re-binding ends the previous one at its moment.

Concurrency: every write takes the member's row lock first (`SELECT ... FOR UPDATE`), so two
guides' links followed at the same moment by an unbound member are decided one after the other: the
second sees the first's binding in force and binds nothing.

A touch may arrive late (a visitor id stitched to the member after the touch: `at` in the past).
Then any binding of another guide from `at` until now keeps the customer, and a binding that would
already have ended by now is not made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.cards import read_member_card
from members.models import BindingSource, GuideBinding, Member
from members.services import normalize_phone, note_served
from o2o.errors import InvalidInput, NotFound
from o2o.models import Tenant, User
from stores.choices import StaffRole
from stores.models import StoreStaff

REASON_MAX = 300


class BindOutcome(models.TextChoices):
    """What a bind did, for the page or the API to say."""

    BOUND = "bound", gettext_lazy("Bound to the guide")
    RENEWED = "renewed", gettext_lazy("Protection renewed")
    UNCHANGED = "unchanged", gettext_lazy("Already bound to the guide")
    KEPT_BY_OTHER = "kept_by_other", gettext_lazy("Bound to another guide")
    EXPIRED = "expired", gettext_lazy("The touch is too old to bind")
    REBOUND = "rebound", gettext_lazy("Re-bound by hand")


@dataclass(frozen=True)
class BindResult:
    outcome: BindOutcome
    binding: GuideBinding | None  # the binding in force afterwards (the other guide's when kept)


def protection(tenant: Tenant) -> dt.timedelta:
    """How long a binding protects a customer (`tenant.protection_days`)."""
    return dt.timedelta(days=tenant.protection_days)


def _lock_member(*, tenant: Tenant, member: Member) -> Member:
    """The member's row, locked until the transaction ends; NotFound when gone."""
    locked = Member.objects.select_for_update().filter(tenant=tenant, pk=member.pk).first()
    if locked is None:
        raise NotFound(_("No such member."))
    return locked


def _holding(*, tenant: Tenant, member: Member, since: dt.datetime, until: dt.datetime) -> GuideBinding | None:
    """The latest binding of an active guide in force at some moment between `since` and `until`."""
    return (
        GuideBinding.objects.filter(
            tenant=tenant, member=member, bound_at__lte=until, bound_until__gt=since, guide__is_active=True
        )
        .order_by("-bound_at", "-pk")
        .first()
    )


def _check_guide(*, tenant: Tenant, guide: StoreStaff, field: str = "guide") -> None:
    if guide.tenant_id != tenant.pk or guide.role != StaffRole.GUIDE or not guide.is_active:
        raise InvalidInput(field, _("Choose an active guide of this brand."))


@transaction.atomic
def bind(
    *, tenant: Tenant, member: Member, guide: StoreStaff, source: str, at: dt.datetime | None = None
) -> BindResult:
    """Bind `member` to `guide` from `at` (now by default) by `source` (link, qr or served), as the
    module says; returns what happened and the binding in force afterwards.

    Takes the member's row lock. Raises InvalidInput naming `guide` for anything but an active guide
    of the brand, and `source` for a manual source (`rebind` is the manual path).
    """
    if source not in {BindingSource.LINK, BindingSource.QR, BindingSource.SERVED}:
        raise InvalidInput("source", _("A binding comes from a link, a QR code or serving in store."))
    _check_guide(tenant=tenant, guide=guide)
    now = timezone.now()
    at = min(at or now, now)
    member = _lock_member(tenant=tenant, member=member)
    until = at + protection(tenant)
    if until <= now:
        return BindResult(BindOutcome.EXPIRED, None)
    held = _holding(tenant=tenant, member=member, since=at, until=now)
    if held is not None and held.guide_id != guide.pk:
        return BindResult(BindOutcome.KEPT_BY_OTHER, held)
    if held is not None and held.bound_until >= until:
        return BindResult(BindOutcome.UNCHANGED, held)
    binding = GuideBinding.objects.create(
        tenant=tenant,
        member=member,
        guide=guide,
        store_id=guide.store_id,
        source=source,
        bound_at=at,
        bound_until=until,
    )
    return BindResult(BindOutcome.RENEWED if held is not None else BindOutcome.BOUND, binding)


def find_member(*, tenant: Tenant, phone: str = "", member_code: str = "") -> Member:
    """The brand's member named by a phone or by their member QR code (`members.cards`), exactly one
    of them. InvalidInput naming `phone` or `member_code` when neither or both are given, the phone
    is not valid or not a member's, or the code is not a card of this brand."""
    phone, member_code = phone.strip(), member_code.strip()
    if bool(phone) == bool(member_code):
        raise InvalidInput("phone", _("Give the customer's phone or scan their member code (one of them)."))
    if phone:
        member = Member.objects.filter(tenant=tenant, phone=normalize_phone(phone)).first()
        if member is None:
            raise InvalidInput("phone", _("No member of this brand has this phone number."))
        return member
    member_id = read_member_card(tenant=tenant, payload=member_code)
    member = Member.objects.filter(tenant=tenant, pk=member_id).first() if member_id is not None else None
    if member is None:
        raise InvalidInput("member_code", _("This is not a member code of this brand."))
    return member


@dataclass(frozen=True)
class ServedResult:
    member: Member
    result: BindResult


@transaction.atomic
def record_served(
    *, tenant: Tenant, guide: StoreStaff, phone: str = "", member_code: str = "", at: dt.datetime | None = None
) -> ServedResult:
    """A guide served a member in the store, named by phone or member QR code (`find_member`): the
    guide's store served them (`ServedBy`), and they are bound to the guide (`bind`, source served).
    Errors as `find_member` and `bind`."""
    _check_guide(tenant=tenant, guide=guide)
    member = find_member(tenant=tenant, phone=phone, member_code=member_code)
    note_served(tenant=tenant, member=member, store=guide.store)
    result = bind(tenant=tenant, member=member, guide=guide, source=BindingSource.SERVED, at=at)
    return ServedResult(member=member, result=result)


@transaction.atomic
def rebind(
    *, tenant: Tenant, member: Member, guide: StoreStaff, by: User | None, reason: str, at: dt.datetime | None = None
) -> BindResult:
    """Re-bind `member` to `guide` by hand (who may: `members.policies.can_rebind`, asked first), for
    `protection_days` from `at` (now), whatever binding is in force: the new record, later than the
    one in force, ends it at that moment (records are kept). InvalidInput naming `reason` when it is
    blank or too long, `guide` for anything but an active guide of the brand."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", _("Say why the customer is re-bound."))
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason", _("At most %(max)d characters.") % {"max": REASON_MAX})
    _check_guide(tenant=tenant, guide=guide)
    at = at or timezone.now()
    member = _lock_member(tenant=tenant, member=member)
    binding = GuideBinding.objects.create(
        tenant=tenant,
        member=member,
        guide=guide,
        store_id=guide.store_id,
        source=BindingSource.MANUAL,
        bound_at=at,
        bound_until=at + protection(tenant),
        reason=reason,
        created_by=by,
    )
    return BindResult(BindOutcome.REBOUND, binding)
