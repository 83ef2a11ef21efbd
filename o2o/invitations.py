"""HQ roles given across brands by invitation only.

Users are global, so a brand's HQ admin must never learn anything about a person's accounts
elsewhere. An admin grants a role directly only to a user who already belongs to the brand (holds
a role in it); anyone else is invited by phone or e-mail. The code reaches that phone or address
and nobody else (never an API answer); the person accepts it after logging in, with the account
of their choice. Every answer is the same whether or not an account exists for that address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.errors import InvalidInput, NotFound
from o2o.models import RoleInvitation, Tenant, TenantRole, User
from o2o.notifications import Message, notify
from o2o.services import grant_role

INVITATION_DAYS = 7
ACCEPT_PATH = "/invitations/accept/"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def accept_link(*, tenant: Tenant, code: str) -> str:
    """The address of the page where the invited person accepts (`O2O_SITE_URL` in front)."""
    return f"{settings.O2O_SITE_URL}{ACCEPT_PATH}?brand={tenant.slug}&code={code}"


def find_member(*, tenant: Tenant, username: str) -> User | None:
    """The active user named `username` who holds a role in `tenant`, else None (whether the account
    does not exist at all or belongs to other brands only)."""
    roles = TenantRole.objects.filter(tenant=tenant, user=OuterRef("pk"))
    return User.objects.filter(Exists(roles), username=username, is_active=True).first()


def not_a_member_message() -> str:
    return _("Nobody in this brand has this username: invite the person by phone or e-mail instead.")


def grant_role_to_member(*, tenant: Tenant, username: str, role: str) -> TenantRole:
    """Give `role` to the user named `username` who already holds a role in `tenant`.

    Raises InvalidInput naming `username` when nobody in the brand has that username: the same
    answer whether the account does not exist at all or belongs to other brands only.
    """
    user = find_member(tenant=tenant, username=username)
    if user is None:
        raise InvalidInput("username", not_a_member_message())
    return grant_role(tenant=tenant, user=user, role=role)


@dataclass(frozen=True)
class Invite:
    role: str
    phone: str = ""  # E.164
    email: str = ""


@transaction.atomic
def invite_to_role(*, tenant: Tenant, invite: Invite, by: User, now: dt.datetime | None = None) -> RoleInvitation:
    """Record an invitation to `invite.role` and send its code to the phone and/or e-mail given.

    The code is sent after commit; only its digest is kept. Raises InvalidInput naming `phone` when
    neither a phone nor an e-mail is given.
    """
    if not invite.phone and not invite.email:
        raise InvalidInput("phone", _("Give the phone number or the e-mail address of the person to invite."))
    code = secrets.token_urlsafe(32)
    created = now or timezone.now()
    invitation = RoleInvitation.objects.create(
        tenant=tenant,
        role=invite.role,
        phone=invite.phone,
        email=invite.email,
        code_digest=_digest(code),
        invited_by=by,
        expires_at=created + dt.timedelta(days=INVITATION_DAYS),
    )
    message = Message(
        subject=_("%(brand)s invites you") % {"brand": tenant.name},
        body=_(
            "You are invited to work for %(brand)s as %(role)s. Sign in (or sign up) and accept within "
            "%(days)d days: %(link)s"
        )
        % {
            "brand": tenant.name,
            "role": invitation.get_role_display(),
            "days": INVITATION_DAYS,
            "link": accept_link(tenant=tenant, code=code),
        },
    )
    transaction.on_commit(lambda: notify(message=message, email=invite.email, phone=invite.phone), robust=True)
    return invitation


def find_invitation(*, tenant: Tenant, code: str, now: dt.datetime | None = None) -> RoleInvitation:
    """The open invitation of `tenant` with this code. Raises InvalidInput naming `code` for an
    unknown, used or expired one alike."""
    invitation = (
        RoleInvitation.objects.filter(
            tenant=tenant,
            code_digest=_digest(code),
            accepted_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .select_for_update()
        .first()
    )
    if invitation is None:
        raise InvalidInput("code", _("This invitation is unknown, used or expired: ask for a new one."))
    return invitation


@transaction.atomic
def accept_invitation(*, tenant: Tenant, code: str, user: User, now: dt.datetime | None = None) -> TenantRole:
    """The signed-in `user` takes the role the invitation with `code` offers (once: the row is
    locked, so two acceptances at the same moment give one role). Raises InvalidInput naming `code`."""
    when = now or timezone.now()
    invitation = find_invitation(tenant=tenant, code=code, now=when)
    invitation.accepted_at = when
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return grant_role(tenant=tenant, user=user, role=invitation.role)


def list_open_invitations(*, tenant: Tenant, now: dt.datetime | None = None) -> QuerySet[RoleInvitation]:
    """The brand's invitations not accepted yet and not expired, oldest first."""
    return RoleInvitation.objects.filter(
        tenant=tenant, accepted_at__isnull=True, expires_at__gt=now or timezone.now()
    ).order_by("pk")


def get_invitation(*, tenant: Tenant, invitation_id: int) -> RoleInvitation:
    """One invitation of the brand (any state); NotFound for a missing or foreign one alike."""
    invitation = RoleInvitation.objects.filter(tenant=tenant, pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("No such invitation."))
    return invitation


@transaction.atomic
def withdraw_invitation(*, tenant: Tenant, invitation_id: int) -> None:
    """Delete an invitation that was not accepted (an accepted one is kept: it says who gave the
    role), in one statement. Raises NotFound for an unknown or accepted one, as if it were gone."""
    deleted, _count = RoleInvitation.objects.filter(tenant=tenant, pk=invitation_id, accepted_at__isnull=True).delete()
    if not deleted:
        raise NotFound(_("No such invitation."))
