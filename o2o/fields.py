"""Input fields for the ids, amounts and quantities a request or a portal form names.

Ids are 64-bit (`BigAutoField`): a larger number names nothing, and SQLite's driver cannot even
bind it (OverflowError, a 500 on the embedded default). These fields answer 400 naming the field
instead, on every backend.

Amounts and quantities are written with the ASCII digits 0-9: Python's `Decimal` and `int` also
read other scripts' digits ("１２３.００" in full-width, "١٢٣"), which no price list or stock count
means. They are also written plainly: `1e5`, `1_000`, `NaN` and `Infinity` are numbers to Python,
not to a person keying in a price or a count. The API's and the portal forms' money and quantity
fields (`money_field`, `quantity_field` and their form twins) refuse them, naming the field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from o2o.money import MONEY

MAX_ID = 2**63 - 1
ASCII_DIGITS_ONLY = _("Write the number with the digits 0-9.")
PLAIN_ONLY = _("Write the number plainly, such as 1250 or 1250.50.")
_PLAIN_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*")
_PLAIN_INTEGER = re.compile(r"\s*[+-]?\d+(\.0*)?\s*")  # "3.0" is 3, as Django and DRF read it


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A serializer field for an id: a whole number from 1 to MAX_ID."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A filter by an id: a whole number from 1 to MAX_ID (`?store=12`)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _problem(value: Any, plain: re.Pattern[str]) -> tuple[str, Any] | None:
    """Why a number written as `value` is refused (its error code and message), else None."""
    if not isinstance(value, str):
        return None
    if not value.isascii():
        return "ascii", ASCII_DIGITS_ONLY
    if value.strip() and not plain.fullmatch(value) and _python_reads(value):
        return "plain", PLAIN_ONLY
    return None  # plain, or not a number at all (the field's own "enter a number")


def _python_reads(value: str) -> bool:
    try:
        Decimal(value.strip())
    except InvalidOperation:
        return False
    return True


class AsciiDecimalField(serializers.DecimalField):
    """DRF's DecimalField for a number written with the digits 0-9 only."""

    default_error_messages = {"ascii": ASCII_DIGITS_ONLY, "plain": PLAIN_ONLY}

    def to_internal_value(self, data: Any) -> Decimal:
        if problem := _problem(data, _PLAIN_DECIMAL):
            self.fail(problem[0])
        return super().to_internal_value(data)


class AsciiIntegerField(serializers.IntegerField):
    """DRF's IntegerField for a whole number written with the digits 0-9 only."""

    default_error_messages = {"ascii": ASCII_DIGITS_ONLY}

    def to_internal_value(self, data: Any) -> int:
        if problem := _problem(data, _PLAIN_INTEGER):  # a whole number not written plainly: not one
            self.fail("ascii" if problem[0] == "ascii" else "invalid")
        return super().to_internal_value(data)


def money_field(**kwargs: Any) -> AsciiDecimalField:
    """A serializer field for an amount: at least 0 (unless `min_value` says otherwise), two decimals."""
    kwargs.setdefault("min_value", Decimal("0"))
    return AsciiDecimalField(**MONEY, **kwargs)


def quantity_field(**kwargs: Any) -> AsciiIntegerField:
    """A serializer field for a count (items, capacity, minutes), bounded by `min_value`/`max_value`."""
    return AsciiIntegerField(**kwargs)


class AsciiDecimalFormField(forms.DecimalField):
    """Django's DecimalField for a number written with the digits 0-9 only."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # as the stubs' DecimalField
        if problem := _problem(value, _PLAIN_DECIMAL):
            raise ValidationError(problem[1], code=problem[0])
        return super().to_python(value)


class AsciiIntegerFormField(forms.IntegerField):
    """Django's IntegerField for a whole number written with the digits 0-9 only."""

    def to_python(self, value: Any) -> int | None:
        if problem := _problem(value, _PLAIN_INTEGER):  # a whole number not written plainly: not one
            if problem[0] == "ascii":
                raise ValidationError(problem[1], code="ascii")
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def money_form_field(**kwargs: Any) -> AsciiDecimalFormField:
    """A form field for an amount: at least 0 (unless `min_value` says otherwise), two decimals."""
    kwargs.setdefault("min_value", Decimal("0"))
    return AsciiDecimalFormField(**MONEY, **kwargs)


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO `YYYY-MM-DD`, the one format a date input
    takes, whatever the page's language (Chinese formats a date `2026/12/07`, which leaves the box
    blank)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
