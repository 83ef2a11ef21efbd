"""The error boundary of portal pages, as `o2o.api.errors` is the API's.

An application error (`o2o.errors.AppError`) raised by a portal view is answered here:

- with its status (400 invalid input, 403 a policy's refusal, 404 not found, 409 conflict, 422
  cannot be served);
- with everything the view wrote rolled back: a view answering an unsafe method (POST ...) runs in
  a savepoint that the error rolls back *before* the page is re-rendered, so the page shows the
  state as it was; the request's transaction (the tenant scope) is then marked for rollback too;
- on the page or form it came from: the view names, in `portal_page(..., on_error=...)`, how to
  re-render itself with the error (the form bound to what the user typed, the error next to its
  field by `o2o.portals.forms.show_error`); without one, a page of its own says what went wrong.
  An htmx request gets the fragment its target expects; `X-Page-Error` (the error's code) lets the
  browser swap it in although its status is not 2xx (`o2o/static/o2o/page_errors.js`);
- in the reader's language: messages are translated when raised, under the request's language.

No view catches `AppError` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from o2o.errors import AppError

# on_error(request, error, *view_args, **view_kwargs): the page the error came from, re-rendered
ErrorPage = Callable[..., HttpResponse]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ERROR_HEADER = "X-Page-Error"

TITLES = {
    400: _("Check what you entered"),
    403: _("Not allowed"),
    404: _("Not found"),
    409: _("Not possible now"),
    422: _("This cannot be done"),
}


def error_page(request: HttpRequest, error: AppError, *args: Any, **kwargs: Any) -> HttpResponse:
    """The page of an error whose view names no page to re-render: its title and message (the
    fragment alone for htmx)."""
    context = {"error": error, "title": TITLES.get(error.status_code, _("Something went wrong"))}
    template = "portals/_error.html" if getattr(request, "htmx", False) else "portals/error.html"
    return render(request, template, context, status=error.status_code)


def call_view(
    view: Callable[..., HttpResponse],
    request: HttpRequest,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    on_error: ErrorPage | None = None,
) -> HttpResponse:
    """Run `view` inside the boundary (see the module's docstring)."""
    try:
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with transaction.atomic():  # leaving it by the error rolls back what the view wrote
            return view(request, *args, **kwargs)
    except AppError as error:
        response = (on_error or error_page)(request, error, *args, **kwargs)
        response.status_code = error.status_code
        response[ERROR_HEADER] = error.code
        patch_vary_headers(response, ["HX-Request"])
        if getattr(request, "tenant", None) is not None and connection.in_atomic_block:
            # the tenant scope's transaction: nothing of this request is kept (the page is rendered)
            transaction.set_rollback(True)
        return response
