"""Input fields for the ids a request names, in the range an id can have.

Ids are 64-bit (`BigAutoField`): a larger number names nothing, and SQLite's driver cannot even
bind it (OverflowError, a 500 on the embedded default). These fields answer 400 naming the field
instead, on every backend.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from rest_framework import serializers

MAX_ID = 2**63 - 1


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
