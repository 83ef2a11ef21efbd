"""DRF's throttles, keyed by the one client address of `o2o.clientip` (as the login lockout is).

DRF's own `get_ident` trusts `X-Forwarded-For` whenever `NUM_PROXIES` is unset, so a client that
sends a new value with each request is never throttled.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.request import Request

from o2o.clientip import client_ip


class ClientAddressMixin:
    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass


__all__ = ["AnonRateThrottle", "ScopedRateThrottle", "UserRateThrottle"]
