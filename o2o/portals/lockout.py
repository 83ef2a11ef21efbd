"""What django-axes answers once a username is locked out after too many failed logins.

Settings name it in `AXES_LOCKOUT_CALLABLE`. The API gets the contract's error body (429
`{"code": "locked_out", "detail"}` with `Retry-After`); a portal page gets the lockout page in the
base layout, also 429.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    if request.path.startswith("/api/"):
        detail = "Too many failed sign-ins: this account is locked for a while. Try again later."
        response: HttpResponse = JsonResponse({"code": "locked_out", "detail": detail}, status=LOCKED_OUT_STATUS)
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    context = {"minutes": minutes, "failure_limit": get_failure_limit(request, credentials)}
    return render(request, "registration/locked_out.html", context, status=LOCKED_OUT_STATUS)
