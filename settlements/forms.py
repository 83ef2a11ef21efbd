"""The settlement pages' forms: a run's period, a note (dispute, answer), and the what-if page's
period and proposal (empty proposal fields keep today's rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from o2o.choices import AttributionModel, TacBasis
from o2o.fields import AsciiDecimalFormField
from settlements.services.whatif import KEEP, Proposal, read_cap

SAME = [("", _("As today"))]


class WhatIfForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To (excluded)"), widget=forms.DateInput(attrs={"type": "date"}))
    model = forms.ChoiceField(label=_("Attribution model"), choices=SAME + AttributionModel.choices, required=False)
    tac_basis = forms.ChoiceField(label=_("TAC basis"), choices=SAME + TacBasis.choices, required=False)
    tac_cap_per_visit = forms.CharField(
        label=_("TAC cap per visit"), required=False, max_length=20, help_text=_("An amount, or none; empty: as today")
    )
    store = forms.TypedChoiceField(label=_("Store"), coerce=int, required=False, empty_value=None)
    share_rate = AsciiDecimalFormField(
        label=_("Its share rate"), required=False, min_value=Decimal(0), max_value=Decimal(1), decimal_places=4
    )

    def __init__(self, *args: Any, stores: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [("", _("None"))] + [(pk, label) for pk, label in stores]  # type: ignore[attr-defined]

    def clean_tac_cap_per_visit(self) -> Any:
        try:
            return read_cap(self.cleaned_data.get("tac_cap_per_visit") or "")
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("store") is not None and data.get("share_rate") is None:
            self.add_error("share_rate", _("Give the store's proposed share rate."))
        if data.get("share_rate") is not None and data.get("store") is None:
            self.add_error("store", _("Choose the store the share rate is for."))
        return data

    def proposal(self) -> Proposal:
        data = self.cleaned_data
        return Proposal(
            attribution_model=data.get("model") or None,
            tac_basis=data.get("tac_basis") or None,
            tac_cap_per_visit=data.get("tac_cap_per_visit", KEEP),
            store_id=data.get("store"),
            share_rate=data.get("share_rate"),
        )


class RunForm(forms.Form):
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end (excluded)"), widget=forms.DateInput(attrs={"type": "date"}))
    dry_run = forms.BooleanField(label=_("Dry run (preview, nothing posted)"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
