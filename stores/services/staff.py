"""Store staff: the accounts, roles and posts of store managers and guides."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant, User
from o2o.services import grant_role
from stores.choices import StaffRole
from stores.models import Store, StoreStaff
from stores.services.locks import lock_store

STAFF_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
STAFF_CODE_PREFIX = {StaffRole.STORE_MANAGER: "M", StaffRole.GUIDE: "G"}


def _new_staff_code(role: str) -> str:
    return STAFF_CODE_PREFIX[StaffRole(role)] + "".join(secrets.choice(STAFF_CODE_ALPHABET) for _ in range(6))


@transaction.atomic
def create_staff(
    *, tenant: Tenant, store: Store, username: str, password: str, name: str, phone: str, role: str
) -> StoreStaff:
    """Create the account of a store manager or guide of `store`, its role in the brand, and its post.

    The post gets a unique short code ("G" or "M" and six letters or digits) that orders name as
    `guide_code`. Raises InvalidInput naming `username` (taken), `password` (too weak) or `role`;
    Conflict when the store is inactive, NotFound when it is gone.
    """
    if role not in StaffRole.values:
        raise InvalidInput("role", _("One of %(choices)s.") % {"choices": ", ".join(StaffRole.values)})
    store = lock_store(tenant=tenant, store=store, no_key=True)  # not deleted or deactivated meanwhile
    if not store.is_active:
        raise Conflict(_("The store is inactive."), code="store_inactive")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput("username", _("This username is taken."))
    user = User(username=username, name=name, phone=phone or "")
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput("password", " ".join(exc.messages))
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise InvalidInput("username", _("This username is taken."))
    grant_role(tenant=tenant, user=user, role=role)
    for _attempt in range(8):
        code = _new_staff_code(role)
        if StoreStaff.objects.filter(tenant=tenant, code=code).exists():
            continue
        try:
            with transaction.atomic():
                return StoreStaff.objects.create(tenant=tenant, user=user, store=store, role=role, code=code)
        except IntegrityError as exc:
            if "staff_unique_code" not in str(exc):
                raise
    raise Conflict(_("Could not find a free staff code; try again."), code="staff_code_exhausted")
