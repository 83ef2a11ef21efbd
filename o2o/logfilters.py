"""Filters of the LOGGING setting."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Drop the traceback from a request Django logs with a 4xx status (on `django.request`).

    Django logs a PermissionDenied it turns into a 403 (a portal page refusing a role, the admin
    refusing a store manager) with the exception's traceback: a warning about the request, not an
    error in the code, and a traceback per refused page buries the real ones. The record is kept,
    at its level (a warning), with its message; a 5xx keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True
