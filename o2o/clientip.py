"""The client's address: one answer for the throttles, the login lockout and anonymous idempotency.

Behind reverse proxies the peer (`REMOTE_ADDR`) is the nearest proxy, and the client is named in
`X-Forwarded-For`, which each proxy extends with the address it received the request from. Only
the entries our own proxies appended can be trusted: everything to their left was sent by the
client and may be anything. So with `O2O_TRUSTED_PROXIES = n` (from the environment, default 0)
the client is the n-th entry from the right; with 0 (no proxy, the default) the header is ignored
and the client is the peer. A request with a shorter chain (it reached an inner proxy directly)
is named by the leftmost entry our proxies wrote; an entry that is not an IP address is ignored.

django-ipware was looked at (stack.md names it): its proxy count means "exactly n addresses after
the client's" and answers None for a request that came through one proxy without a header of its
own, so this trusted-hop rule is written here in a few lines instead.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The address of the client that made `request`, trusting only `O2O_TRUSTED_PROXIES` hops."""
    peer = request.META.get("REMOTE_ADDR") or ""
    hops: int = settings.O2O_TRUSTED_PROXIES
    if hops <= 0:
        return peer
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    trusted = [address for address in chain[-hops:] if _is_ip(address)] if chain != [""] else []
    return trusted[0] if trusted else peer
