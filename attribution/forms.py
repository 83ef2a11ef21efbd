"""The forms of the campaign pages: they parse and show input; the rules live in
`attribution.services` and `attribution.policies`. Numbers have exactly the API's bounds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attribution.choices import Channel, Target
from attribution.services.campaigns import NAME_MAX, NOTE_MAX, CampaignInput, SpendInput
from attribution.services.links import LABEL_MAX, LinkInput
from o2o.fields import DateInput, money_form_field

NONE = [("", "—")]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    starts = forms.DateField(label=_("Starts"), widget=DateInput())
    ends = forms.DateField(label=_("Ends"), required=False, widget=DateInput(), help_text=_("Empty: open-ended."))
    budget = money_form_field(label=_("Budget"), required=False)

    def data_input(self) -> CampaignInput:
        values = self.cleaned_data
        return CampaignInput(
            name=values["name"],
            channel=values["channel"],
            starts=values["starts"],
            ends=values["ends"],
            budget=values["budget"],
        )


class SpendForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    amount = money_form_field(label=_("Amount"))
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)

    def data_input(self) -> SpendInput:
        values = self.cleaned_data
        return SpendInput(date=values["date"], amount=values["amount"], note=values["note"])


def _choices(rows: Iterable[tuple[int, str]]) -> list[tuple[Any, str]]:
    return NONE + [(pk, label) for pk, label in rows]


class LinkForm(forms.Form):
    """A new link of a campaign: where it leads, for which store and guide."""

    target = forms.ChoiceField(label=_("Leads to"), choices=Target.choices, initial=Target.SHOP)
    store = forms.TypedChoiceField(label=_("Store"), coerce=int, required=False, empty_value=None)
    guide = forms.TypedChoiceField(label=_("Guide"), coerce=int, required=False, empty_value=None)
    product = forms.TypedChoiceField(label=_("Product"), coerce=int, required=False, empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, required=False, empty_value=None)
    label = forms.CharField(
        label=_("Label"), max_length=LABEL_MAX, required=False, help_text=_("Where it is used: a poster, a post...")
    )

    def __init__(self, *args: Any, options: dict[str, list[tuple[int, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("store", "guide", "product", "service"):
            self.fields[name].choices = _choices(options.get(name, []))  # type: ignore[attr-defined]

    def data_input(self, *, campaign_id: int) -> LinkInput:
        values = self.cleaned_data
        return LinkInput(
            target=values["target"],
            campaign_id=campaign_id,
            store_id=values["store"],
            guide_id=values["guide"],
            product_id=values["product"] if values["target"] == Target.PRODUCT else None,
            service_id=values["service"] if values["target"] == Target.BOOKING else None,
            label=values["label"],
        )
