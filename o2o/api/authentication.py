"""Token authentication for the API (`Authorization: Token <key>`), against the hashed tokens of
`o2o.tokens`, looked up in one plain query.

Every API request with a token takes this path: the key's sha256 and one indexed query for its
user, without the ORM's query building, which costs more CPU than the query (see `o2o.db`). The
answers are DRF's: 401 "Invalid token." for an unknown key, "User inactive or deleted." for a
deactivated user's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from o2o.db import first_row
from o2o.models import ApiToken, User
from o2o.tokens import token_digest

_BY_DIGEST = f"id = (SELECT user_id FROM {ApiToken._meta.db_table} WHERE digest = %s)"  # noqa: S608 - fixed name


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        digest = token_digest(key)
        user = first_row(User, _BY_DIGEST, [digest])
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, ApiToken(user=user, digest=digest)
