"""The settlement pages' forms: a run's period, a note (dispute, answer)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RunForm(forms.Form):
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end (excluded)"), widget=forms.DateInput(attrs={"type": "date"}))
    dry_run = forms.BooleanField(label=_("Dry run (preview, nothing posted)"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
