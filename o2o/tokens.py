"""API tokens, kept as the sha256 of their key: the key itself is shown to the client once.

A key is 32 random bytes (256 bits, URL-safe base64), so an unsalted fast hash is enough: nobody
can search that space, and the lookup on every API request stays one indexed equality
(`o2o.api.authentication`). The database, its backups and the application role hold digests only.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.db.models import Subquery

from o2o.models import ApiToken, User

KEY_BYTES = 32
# A user's newest tokens that stay valid (one per device or script); a new login retires the oldest
# beyond them, so that logging in again and again does not grow the table without end.
TOKENS_PER_USER = 10


def token_digest(key: str) -> str:
    """What is stored of `key`: its sha256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user: User) -> str:
    """A new API key for `user`; only its digest is stored, so this is the one moment it is known.

    Revokes the user's oldest tokens beyond the newest TOKENS_PER_USER (this one included).
    """
    key = secrets.token_urlsafe(KEY_BYTES)
    ApiToken.objects.create(user=user, digest=token_digest(key))
    newest = ApiToken.objects.filter(user=user).order_by("-pk").values("pk")[:TOKENS_PER_USER]
    ApiToken.objects.filter(user=user).exclude(pk__in=Subquery(newest)).delete()
    return key
