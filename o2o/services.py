"""The shared kernel's business operations: tenants, roles, consumer sign-up, tenant settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.choices import Role
from o2o.errors import Conflict, InvalidInput
from o2o.events import CONSUMER_SIGNED_UP, record_event
from o2o.models import IdempotencyRecord, Tenant, TenantRole, User
from o2o.notifications import Message, notify
from o2o.tenancy import tenant_scope


@transaction.atomic
def create_tenant(
    *,
    slug: str,
    name: str,
    admin_username: str,
    admin_password: str,
    currency: str = "CNY",
    timezone: str = "Asia/Shanghai",
) -> Tenant:
    """Create a brand and its first HQ admin (an existing user keeps its password).

    Raises Conflict `tenant_exists` when the slug is taken (the unique index decides, so two
    concurrent creations cannot both succeed); nothing is created then.
    """
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(slug=slug, name=name, currency=currency, timezone=timezone)
    except IntegrityError as exc:
        raise Conflict(f"A brand with slug '{slug}' exists already.", code="tenant_exists") from exc
    user = User.objects.filter(username=admin_username).first()
    if user is None:
        user = User.objects.create_user(username=admin_username, password=admin_password, name=admin_username)
    with tenant_scope(tenant):
        grant_role(tenant=tenant, user=user, role=Role.HQ_ADMIN)
    return tenant


def grant_role(*, tenant: Tenant, user: User, role: str) -> TenantRole:
    """Give `user` the `role` in `tenant` (idempotent)."""
    granted, _ = TenantRole.objects.get_or_create(tenant=tenant, user=user, role=role)
    return granted


@transaction.atomic
def revoke_role(*, tenant: Tenant, tenant_role: TenantRole, by: User) -> None:
    """Take a role away. An HQ admin cannot remove the brand's last HQ admin role."""
    if tenant_role.role == Role.HQ_ADMIN:
        admins = TenantRole.objects.select_for_update().filter(tenant=tenant, role=Role.HQ_ADMIN)
        if len(admins) <= 1:
            raise Conflict(_("A brand keeps at least one HQ admin."), code="last_admin")
    tenant_role.delete()


@dataclass(frozen=True)
class SignUp:
    phone: str  # E.164
    password: str
    name: str
    visitor_id: str = ""  # the signing-up browser's visitor cookie (o2o.visitors), for attribution


SIGN_UP_NOTICE_SECONDS = 3600


@transaction.atomic
def sign_up_consumer(*, tenant: Tenant, data: SignUp) -> User | None:
    """Create a consumer account (username = E.164 phone) with the consumer role in `tenant`.

    Returns the new user, or None when the phone has an account already: then nothing is created
    or granted, whatever the password (sign-up never checks one), and the phone is told by SMS that
    someone tried, so that its owner signs in instead (and joins the brand with `join_brand_as_consumer`).
    Callers answer both cases alike: sign-up must not tell whether an account exists. Raises
    InvalidInput for a weak password, for a new and a known phone alike, with nothing created. Records
    `CONSUMER_SIGNED_UP` for a new account (the members app makes them a member, after commit).
    """
    user = User(username=data.phone, phone=data.phone, name=data.name)
    try:  # before looking the phone up: a weak password is refused alike for a new and a known phone
        validate_password(data.password, user)
    except DjangoValidationError as exc:
        raise InvalidInput("password", " ".join(exc.messages)) from exc
    if not User.objects.filter(username=data.phone).exists():
        user.set_password(data.password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same phone signed up at the same moment: it exists now
            pass
        else:
            grant_role(tenant=tenant, user=user, role=Role.CONSUMER)
            record_event(tenant=tenant, name=CONSUMER_SIGNED_UP, user_id=user.pk, visitor_id=data.visitor_id)
            return user
    else:
        user.set_password(data.password)  # the same work as a new account's, so timing tells nothing
    message = Message(
        subject=tenant.name,
        body=_(
            "Someone tried to sign up with this phone number, which has an account already. If it was "
            "you, sign in with your password instead; otherwise ignore this message."
        ),
    )
    # one such SMS per phone an hour: sign-up must not be a way to flood someone's phone
    if cache.add(f"o2o:signup-notice:{data.phone}", 1, SIGN_UP_NOTICE_SECONDS):
        transaction.on_commit(lambda: notify(message=message, phone=data.phone), robust=True)
    return None


@transaction.atomic
def join_brand_as_consumer(*, tenant: Tenant, user: User, visitor_id: str = "") -> bool:
    """A signed-in person becomes a consumer of `tenant` (their membership follows). Returns whether
    they joined now (False: they were a consumer already). Records `CONSUMER_SIGNED_UP` when they join."""
    if TenantRole.objects.filter(tenant=tenant, user=user, role=Role.CONSUMER).exists():
        return False
    grant_role(tenant=tenant, user=user, role=Role.CONSUMER)
    record_event(tenant=tenant, name=CONSUMER_SIGNED_UP, user_id=user.pk, visitor_id=visitor_id)
    return True


@transaction.atomic
def update_tenant_settings(*, tenant: Tenant, changes: dict[str, Any]) -> Tenant:
    """Change some of the brand's rule parameters; history keeps the old values.

    `changes` maps field names to new values. Only the changed fields are validated again (with the
    constraints on them) and written. Raises Django's ValidationError (a 400) for an invalid value.
    """
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    for field, value in changes.items():
        setattr(locked, field, value)
    unchanged = [field.name for field in Tenant._meta.concrete_fields if field.name not in changes]
    locked.full_clean(exclude=unchanged)
    locked.save(update_fields=list(changes))
    return locked


PURGE_BATCH = 5_000


def purge_idempotency_records(*, tenant: Tenant, now: dt.datetime | None = None) -> int:
    """Delete the brand's idempotency records older than `O2O_IDEMPOTENCY_RETENTION_HOURS`, in
    batches of `PURGE_BATCH` (short transactions); returns how many. Safe to run twice: a record
    is deleted once. A key used again after its record is gone runs as a new request."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.O2O_IDEMPOTENCY_RETENTION_HOURS)
    stale = IdempotencyRecord.objects.filter(tenant=tenant, created_at__lt=cutoff).order_by("pk")
    purged = 0
    while batch := list(stale.values_list("pk", flat=True)[:PURGE_BATCH]):
        with transaction.atomic():
            purged += IdempotencyRecord.objects.filter(tenant=tenant, pk__in=batch).delete()[0]
    return purged
