"""The forms of HQ's reports pages: they parse the page's controls (GET) and the price band form;
the rules (windows, defaults, the Markov model's limits, a duplicate bound) live in
`attribution.selectors.reports` and `attribution.services.price_bands`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attribution.selectors.funnel import GROUPS
from attribution.services.price_bands import LABEL_MAX, PriceBandInput
from catalog.models import Category
from o2o.choices import AttributionModel
from o2o.fields import DateInput, money_form_field

GROUP_LABELS = {"campaign": _("Campaign"), "channel": _("Channel"), "store": _("Store"), "guide": _("Guide")}


class _DaysForm(forms.Form):
    """`from` and `to` (Python keywords: added by name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def days(self) -> tuple[dt.date | None, dt.date | None]:
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")


class FunnelForm(_DaysForm):
    group_by = forms.ChoiceField(
        label=_("Group by"), choices=[(group, GROUP_LABELS[group]) for group in GROUPS], required=False
    )
    model = forms.ChoiceField(
        label=_("Model"), choices=[("", _("The brand's model")), *AttributionModel.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["group_by", "model", "from", "to"])


class RepurchaseForm(_DaysForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class MonthInput(forms.DateInput):
    input_type = "month"
    format = "%Y-%m"


class MonthField(forms.DateField):
    """A month `YYYY-MM` (what a month input sends), read as its first day."""

    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}


class RetentionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = MonthField(label=_("First cohort"), required=False, widget=MonthInput())
        self.fields["to"] = MonthField(label=_("Last cohort"), required=False, widget=MonthInput())

    def months(self) -> tuple[dt.date | None, dt.date | None]:
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")


class PriceBandForm(forms.Form):
    lower_bound = money_form_field(label=_("Lower bound"), min_value=0)
    label = forms.CharField(label=_("Label"), max_length=LABEL_MAX, required=False)

    def data_input(self) -> PriceBandInput:
        return PriceBandInput(lower_bound=self.cleaned_data["lower_bound"], label=self.cleaned_data["label"])
