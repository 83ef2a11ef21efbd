"""Showing an application error on the form it came from (the page error boundary's form helper)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from o2o.errors import AppError, InvalidInput


def show_error(form: forms.Form, error: AppError, *, fields: Mapping[str, str | None] | None = None) -> None:
    """Put `error` next to the form field it names, or above the form.

    An `InvalidInput` names a field of the service's input (`errors: {field: [message]}`); `fields`
    maps a service's field to the form's when they differ (`{"location": "district"}`), or to None
    for above the form. A field the form lacks, or an error naming none, goes above the form.

    A form's own refusal (`InvalidForm`, raised by `validated`) is shown by the form re-bound to
    the same input: its own errors, not twice.
    """
    if isinstance(error, InvalidForm) and form.is_bound:
        form.full_clean()
        return
    named: Mapping[str, list[str]] = error.extra.get("errors") or {}
    if not named:
        form.add_error(None, error.detail)
        return
    aliases = fields or {}
    for field, messages in named.items():
        target = aliases.get(field, field)
        if target is not None and target not in form.fields:
            target = None
        for message in messages:
            form.add_error(target, message)


class InvalidForm(InvalidInput):
    """A form the user must correct (400): `detail` says what to do, `errors` names each field."""

    def __init__(self, form: forms.Form, detail: str) -> None:
        errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
        AppError.__init__(self, detail, code="invalid", extra={"errors": errors})


def validated(form: forms.Form, *, detail: str | None = None) -> dict[str, Any]:
    """The form's cleaned data, or InvalidForm (400: the page shows `detail`, else the first error,
    and the form its own errors) when it is not valid."""
    if form.is_valid():
        return form.cleaned_data
    first = next((message for messages in form.errors.values() for message in messages), "")
    raise InvalidForm(form, detail or str(first))
