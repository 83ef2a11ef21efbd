"""One exception handler: every error body is `{"code", "detail"}`, and every 400 adds `"errors"`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response

from o2o.errors import AppError


def _messages(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _messages(item) for key, item in value.items()}
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return [str(item) for item in value]
        return [_messages(item) for item in value]
    return [str(value)]


def _validation_body(detail: Any) -> dict[str, Any]:
    errors = _messages(detail)
    if isinstance(errors, list):
        errors = {"non_field_errors": errors}
    fields = ", ".join(errors)
    return {"code": "invalid", "detail": _("Invalid input: %(fields)s.") % {"fields": fields}, "errors": errors}


def _request_body_error(exc: SuspiciousOperation) -> tuple[dict[str, Any], int] | None:
    """The body and status of a request body Django refuses to read: too large (413), or with more
    fields or files than DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES (400); None for anything else."""
    if isinstance(exc, RequestDataTooBig):
        detail = _("The request body is too large.")
        return {"code": "too_large", "detail": detail}, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        detail = _("The request has too many fields or files.")
        return {"code": "too_many_fields", "detail": detail}, status.HTTP_400_BAD_REQUEST
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map application, DRF and Django errors to the contract's error bodies and status codes."""
    headers: dict[str, str] = {}
    body: dict[str, Any]
    body_error = _request_body_error(exc) if isinstance(exc, SuspiciousOperation) else None
    if body_error is not None:
        body, code = body_error
    elif isinstance(exc, AppError):
        body = {"code": exc.code, "detail": exc.detail, **exc.extra}
        code = exc.status_code
    elif isinstance(exc, DjangoValidationError):
        body = _validation_body(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.ValidationError):
        body = _validation_body(exc.detail)
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, Http404):
        # Django's 404 may carry an internal message (an id, a model): the client sees none of it.
        # DRF's NotFound and its subclasses (tenant_not_found) keep their code and detail below.
        body = {"code": "not_found", "detail": "Not found."}
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(exc, DjangoPermissionDenied):
        body = {"code": "permission_denied", "detail": str(exc) or "You may not do this."}
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code_name = exc.get_codes() if not isinstance(detail, dict | list) else exc.default_code
        body = {"code": str(code_name), "detail": str(detail)}
        code = exc.status_code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    else:
        return None
    if code == status.HTTP_400_BAD_REQUEST and "errors" not in body:
        # Every 400 names what was wrong (the contract and the schema): a body that could not be
        # parsed, or credentials that do not match, concern the request as a whole.
        body["errors"] = {"non_field_errors": [body["detail"]]}
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        request = context.get("request")
        view = context.get("view")
        if view is not None and request is not None:
            header = view.get_authenticate_header(request)
            if header:
                headers["WWW-Authenticate"] = header
                code = status.HTTP_401_UNAUTHORIZED
    view, request = context.get("view"), context.get("request")
    if getattr(view, "tenant_scoped", False) and getattr(request, "tenant", None) is not None:
        # An error answer writes nothing: the request's transaction (the tenant scope the middleware
        # opened) is rolled back, whatever a service that succeeded before the failing one wrote.
        # Public views are left alone: a failed sign-in must keep the lockout's record of it.
        transaction.set_rollback(True)
    return Response(body, status=code, headers=headers)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 400 handler (Django's answer to a SuspiciousOperation raised outside an API view,
    e.g. a body too large read by a middleware): an API path answers the contract's JSON error body
    (413 for a body too large); any other path gets Django's 400 page."""
    if request.path.startswith("/api/"):
        body_error = _request_body_error(exception) if isinstance(exception, SuspiciousOperation) else None
        body, code = body_error or ({"code": "bad_request", "detail": "Bad request."}, status.HTTP_400_BAD_REQUEST)
        if code == status.HTTP_400_BAD_REQUEST:
            body["errors"] = {"non_field_errors": [body["detail"]]}
        return JsonResponse(body, status=code)
    return django_bad_request(request, exception or SuspiciousOperation())


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 handler: an API path that matches no route (`/api/v1/roles/abc/`) answers
    the contract's JSON error body; any other path gets the portal's 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception or Http404())
