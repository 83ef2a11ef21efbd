"""The forms of the members pages: they parse and show input; the rules live in `members.services`
and `members.policies`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.services import MAX_NAME_LENGTH


class NameForm(forms.Form):
    """The member's name, as `PATCH /api/v1/members/me/` takes it (at most 150 characters)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
