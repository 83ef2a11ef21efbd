"""What django-axes answers once a username is locked out after too many failed logins.

Settings name it in `AXES_LOCKOUT_CALLABLE`. The API gets the contract's error body (429
`{"code": "locked_out", "detail"}` with `Retry-After`); a portal page gets the lockout page in the
base layout, also 429.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_STATUS = 429
LOCKED_OUT_DETAIL = "Too many failed sign-ins: this account is locked for a while. Try again later."


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    if request.path.startswith("/api/"):
        detail = LOCKED_OUT_DETAIL
        response: HttpResponse = JsonResponse({"code": "locked_out", "detail": detail}, status=LOCKED_OUT_STATUS)
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    context = {"minutes": minutes, "failure_limit": get_failure_limit(request, credentials)}
    return render(request, "registration/locked_out.html", context, status=LOCKED_OUT_STATUS)


def count_sign_up_attempt(request: HttpRequest, username: str) -> int | None:
    """Count a sign-up for `username` from this client with the login lockout, as a failed log-in
    is counted (a successful log-in resets it). Returns None when the sign-up may go on; else the
    seconds to wait, and the sign-up must do nothing: when that username is locked from this
    address already (this attempt is not counted), or when this attempt is the one that locks it.

    Every attempt counts, for a new phone as for a known one, so the lockout tells nothing about
    whether an account exists, and sign-up cannot go on guessing once log-in is locked. The caller
    answers a lockout without raising: an error answer rolls the request back, the count with it.
    """
    if not settings.AXES_ENABLED:
        return None
    credentials = {"username": username}
    if not AxesProxyHandler.is_locked(request, credentials):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not getattr(request, "axes_locked_out", False):  # axes sets it when this failure locks
            return None
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0
