"""Memberships: joining a brand, the stores that serve a member, consent and home store."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import phonenumbers
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, ServedBy
from o2o.errors import InvalidInput, NotFound
from o2o.models import Tenant, User
from stores.models import Store
from stores.selectors import get_active_store

DEFAULT_PHONE_REGION = "CN"


def normalize_phone(phone: str) -> str:
    """`phone` in E.164 form (a number without a country code is taken as Chinese).

    Raises InvalidInput naming `phone` when it is not a valid number.
    """
    try:
        number = phonenumbers.parse(phone, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone", _("Enter a valid phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _record_consent(member: Member, consent_marketing: bool) -> list[str]:
    """Set the consent; the timestamp says when the current value was given (first record or change).

    Returns the fields changed. Giving the same answer again keeps the original timestamp.
    """
    if consent_marketing == member.consent_marketing and member.consent_recorded_at is not None:
        return []
    member.consent_marketing = consent_marketing
    member.consent_recorded_at = timezone.now()
    return ["consent_marketing", "consent_recorded_at"]


@transaction.atomic
def join_brand(
    *,
    tenant: Tenant,
    phone: str,
    name: str = "",
    user: User | None = None,
    home_store: Store | None = None,
    consent_marketing: bool | None = None,
) -> Member:
    """The brand's membership for `phone`, created when missing: at sign-up, or at a first booking
    or order by phone (then without an account until the consumer signs up with that phone).

    One member per phone per brand, even when first contacts arrive at the same moment (the unique
    constraint decides; the losers read the winner's row). A known member keeps their data; a
    missing account link, home store or name is filled in. A home store given also records that
    the store served the member. Raises InvalidInput naming `phone` for an invalid number.
    """
    phone = normalize_phone(phone)
    try:
        with transaction.atomic():
            member, created = Member.objects.get_or_create(
                tenant=tenant, phone=phone, defaults={"name": name, "user": user, "home_store": home_store}
            )
    except IntegrityError:  # a concurrent first order or booking by the same phone
        member, created = Member.objects.get(tenant=tenant, phone=phone), False
    changed = []
    if not created:
        for field, value in (("user", user), ("home_store", home_store), ("name", name)):
            if value and not getattr(member, field):
                setattr(member, field, value)
                changed.append(field)
    if consent_marketing is not None:
        changed += _record_consent(member, consent_marketing)
    if changed:
        member.save(update_fields=changed)
    if home_store is not None:
        note_served(tenant=tenant, member=member, store=home_store)
    return member


def note_served(*, tenant: Tenant, member: Member, store: Store) -> None:
    """Record that `store` served `member` (from then on the store sees the member's data).

    Idempotent and safe under concurrency (a unique constraint backs it): one `INSERT ... ON
    CONFLICT DO NOTHING`, which every order, booking and visit runs.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ServedBy._meta.db_table)} "  # noqa: S608 - fixed names
            "(tenant_id, member_id, store_id, first_served_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (tenant_id, store_id, member_id) DO NOTHING",
            [tenant.pk, member.pk, store.pk, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


class Keep(enum.Enum):
    """A field of a partial update that is left as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class MembershipChanges:
    """What a member changes about their membership; `KEEP` leaves a field as it is."""

    consent_marketing: bool | Keep = KEEP
    home_store_id: int | Keep | None = KEEP  # None: no home store
    name: str | Keep = KEEP

    def fields(self) -> frozenset[str]:
        """The fields changed, by the names the API and the pages use (`members.policies`)."""
        given = {"consent_marketing": self.consent_marketing, "home_store": self.home_store_id, "name": self.name}
        return frozenset(field for field, value in given.items() if value is not KEEP)


MAX_NAME_LENGTH = 150


def _clean_name(name: str) -> str:
    """`name` without surrounding spaces; InvalidInput naming `name` when empty or too long."""
    name = name.strip()
    if not name:
        raise InvalidInput("name", _("Give your name."))
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput("name", _("At most %(max)d characters.") % {"max": MAX_NAME_LENGTH})
    return name


@transaction.atomic
def update_membership(*, tenant: Tenant, member: Member, changes: MembershipChanges) -> Member:
    """Change a member's name, marketing consent and home store (who may change which:
    `members.policies.can_change`; the caller asks it first).

    The name is kept without surrounding spaces and may not be empty (InvalidInput naming `name`).
    Consent is recorded with the time it was given (a change, or its first record, sets
    `consent_recorded_at`). The home store must be an active store of the brand: else InvalidInput
    naming `home_store`, and nothing changes (NotFound when the member is gone). The new home store
    sees the member from then on; the previous one keeps seeing them only if it served them
    (`ServedBy`).
    """
    locked = Member.objects.select_for_update().filter(tenant=tenant, pk=member.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such member."))
    changed: list[str] = []
    if changes.home_store_id is not KEEP:
        store = None
        if changes.home_store_id is not None:
            store = get_active_store(tenant=tenant, store_id=changes.home_store_id)
            if store is None:
                raise InvalidInput("home_store", _("Choose an active store of this brand."))
        if locked.home_store_id != changes.home_store_id:
            locked.home_store = store
            changed.append("home_store")
    if changes.consent_marketing is not KEEP:
        changed += _record_consent(locked, changes.consent_marketing)
    if changes.name is not KEEP:
        name = _clean_name(changes.name)
        if name != locked.name:
            locked.name = name
            changed.append("name")
    if changed:
        locked.save(update_fields=changed)
    return locked
