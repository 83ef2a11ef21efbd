"""One reusable idempotency-key mechanism for POST endpoints (`@idempotent` on a view's `post`).

Behaviour, per tenant and per (method, path, caller) scope, the caller being the signed-in user or,
for anonymous requests, the client's address (`o2o.clientip`):

- No `Idempotency-Key` header: the request runs as usual.
- A key that is empty or longer than 255 characters: 400 naming the `Idempotency-Key` field.
- The first request with a key runs, and its response (any status below 500, raised errors
  aside) is recorded. The same key with the same body replays that response: same status, same
  body, plus the header `Idempotent-Replayed: true`. The same key with another body is a 409
  `idempotency_key_reused`, and nothing runs.
- A request that fails with an error raised by the view (a 400 for invalid input, a 409 or 422 from
  a service) changed nothing and leaves no record, so it may be retried with the same key (and
  runs again). A response with a 5xx status leaves no record either. Only a response returned
  normally (a 2xx, or a 4xx the view chose to return) is replayed.
- Concurrent duplicates execute once. The whole request runs in one transaction (TenantMiddleware
  opens it with `tenant_scope`); the first request inserts the key's row in it, so a duplicate's
  insert waits on the unique index until the first commits, then inserts nothing and replays the
  recorded response. When the first fails instead, its row goes with its rollback and the waiting duplicate
  claims the key and runs itself.

Bodies are compared by a keyed hash (HMAC with the secret key) of their canonical JSON: a sign-up
body holds a password, which an unkeyed hash would expose to guessing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.response import Response

from o2o.clientip import client_ip
from o2o.errors import Conflict, InvalidInput
from o2o.models import IdempotencyRecord, Tenant
from o2o.tenancy.request import TenantApiRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


class _BodyEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, UploadedFile):  # a multipart upload: its name, size and type stand for it
            return {"file": o.name, "size": o.size, "content_type": o.content_type}
        return super().default(o)


def fingerprint(data: Any) -> str:
    """A keyed sha256 of the canonical JSON of a request body (64 hex characters)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), cls=_BodyEncoder)
    return salted_hmac("o2o.api.idempotency", canonical, algorithm="sha256").hexdigest()


def claim_key(*, tenant: Tenant, scope: str, key: str, digest: str) -> tuple[IdempotencyRecord, bool]:
    """Claim `key` for this request, or find its first use. Returns (record, is_replay).

    Must run inside the request's transaction: a concurrent claim of the same key waits on the
    unique index until this transaction ends (`INSERT ... ON CONFLICT DO NOTHING` then inserts if
    the other rolled back, or inserts nothing if it committed). One statement and no savepoint
    on the common path. Raises Conflict when the key was first used with another body.
    """
    record = IdempotencyRecord(tenant=tenant, scope=scope, key=key, fingerprint=digest, created_at=timezone.now())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(IdempotencyRecord._meta.db_table)} "  # noqa: S608 - fixed names
            f"({quote('tenant_id')}, {quote('scope')}, {quote('key')}, {quote('fingerprint')}, {quote('created_at')}) "
            "VALUES (%s, %s, %s, %s, %s) "
            f"ON CONFLICT ({quote('tenant_id')}, {quote('scope')}, {quote('key')}) DO NOTHING RETURNING {quote('id')}",
            [tenant.pk, scope, key, digest, connection.ops.adapt_datetimefield_value(record.created_at)],
        )
        inserted = cursor.fetchone()
    if inserted is not None:
        record.pk = inserted[0]
        record._state.adding = False
        return record, False
    record = IdempotencyRecord.objects.get(tenant=tenant, scope=scope, key=key)
    if record.fingerprint != digest:
        raise Conflict(
            _("This Idempotency-Key was already used with another request body."), code="idempotency_key_reused"
        )
    if record.status_code is None:  # pragma: no cover - a committed claim always has its response
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed."), code="idempotency_in_progress"
        )
    return record, True


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate a tenant API view's `post` so that it honours the `Idempotency-Key` header."""

    @wraps(handler)
    def wrapper(view: Any, request: TenantApiRequest, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(HEADER, _("Give a key of 1 to %(max)d characters.") % {"max": MAX_KEY_LENGTH})
        # Anonymous callers are told apart by their address: two clients that happen to pick the
        # same key must neither replay each other's answers nor block each other with a 409.
        user_part = request.user.pk if request.user.is_authenticated else f"anon {client_ip(request._request)}"
        scope = f"{request.method} {request.path} {user_part}"[:300]
        # When the handler raises (a 4xx from a business error), the claim goes with it, since the
        # request changed nothing and may be retried with the same key. A tenant view's error
        # answer rolls back the request's whole transaction (`o2o.api.errors`); a public view's
        # does not, so there the claim gets a savepoint of its own.
        with nullcontext() if getattr(view, "tenant_scoped", False) else transaction.atomic():
            record, is_replay = claim_key(tenant=request.tenant, scope=scope, key=key, digest=fingerprint(request.data))
            if is_replay:
                return Response(record.response_body, status=record.status_code, headers={REPLAYED_HEADER: "true"})
            response = handler(view, request, *args, **kwargs)
            if response.status_code >= 500:
                record.delete()  # not an answer worth replaying: the key stays free for a retry
            else:
                record.status_code = response.status_code
                record.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
                record.save(update_fields=["status_code", "response_body"])
            return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper
