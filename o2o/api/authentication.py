"""Token authentication for the API: DRF's, with the key looked up in one plain query.

Every API request with a token takes this path; DRF looks the key up through the ORM
(`Token.objects.select_related("user").get(key=...)`), whose query building costs more CPU than
the query (see `o2o.db`). The answers are DRF's own: 401 "Invalid token." for an unknown key or
a deactivated user's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from o2o.db import first_row
from o2o.models import User


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        user = first_row(User, "id = (SELECT user_id FROM authtoken_token WHERE key = %s)", [key])
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)
