"""Typed application errors raised by services and selectors; `o2o.api.errors` maps them to HTTP."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of the business errors. `code` is the machine-readable code of the error body."""

    status_code = 400
    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra or {}


class NotFound(AppError):
    """A missing row, or another tenant's: the two look exactly alike."""

    status_code = 404
    code = "not_found"


class Forbidden(AppError):
    status_code = 403
    code = "permission_denied"


class Conflict(AppError):
    """The request is valid but the current state forbids it (e.g. accepting a cancelled order)."""

    status_code = 409
    code = "conflict"


class Unprocessable(AppError):
    """Valid input the business cannot serve (e.g. no store can fulfil the order)."""

    status_code = 422
    code = "unprocessable"


class InvalidInput(AppError):
    """Input that breaks a business rule of one field: a 400 naming the field."""

    status_code = 400
    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, extra={"errors": {field: [message]}})
