"""The visitor id: the anonymous identity of a browser or device across visits, before and beside a
login, that store visits, bookings and orders carry so that attribution can join them.

It travels in one cookie, named here once for every app that reads it (the shop, bookings, orders).
"""

from __future__ import annotations

from django.http import HttpRequest

VISITOR_COOKIE = "o2o_vid"
VISITOR_ID_MAX_LENGTH = 64  # the `visitor_id` columns


def visitor_id(request: HttpRequest) -> str:
    """The visitor id this request's browser carries, cut to the columns' length; "" when none."""
    return request.COOKIES.get(VISITOR_COOKIE, "")[:VISITOR_ID_MAX_LENGTH]
