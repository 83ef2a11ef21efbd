"""The forms of the store's guides page and HQ's commission pages: they parse and show input; the
rules live in `members.binding`, `guides.services` and the policies. Bounds are the API's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guides.choices import CommissionStatus
from members.binding import REASON_MAX
from o2o.fields import MAX_ID

NONE = [("", "—")]


class FindCustomerForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    member_code = forms.CharField(label=_("Member code"), max_length=200, required=False)


class RebindForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    guide = forms.TypedChoiceField(label=_("Guide"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, guides: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guide"].choices = [*NONE, *guides]  # type: ignore[attr-defined]


def rate_field(label: Any, help_text: Any = "") -> forms.DecimalField:
    """A rate as the API takes it: a fraction from 0 to 1 with 4 decimals."""
    return forms.DecimalField(
        label=label, help_text=help_text, max_digits=5, decimal_places=4, min_value=0, max_value=1
    )


class RuleForm(forms.Form):
    store = forms.TypedChoiceField(label=_("Store"), coerce=int, required=False, empty_value=None)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    rate = rate_field(_("Rate"), _("A fraction, such as 0.0300 for 3%."))

    def __init__(
        self,
        *args: Any,
        stores: Iterable[tuple[int, str]] = (),
        categories: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [*NONE, *stores]  # type: ignore[attr-defined]
        self.fields["category"].choices = [*NONE, *categories]  # type: ignore[attr-defined]


class RateForm(forms.Form):
    rate = rate_field(_("New rate"))


class CommissionFilterForm(forms.Form):
    """The commissions list's filters, passed on as the API's (`list_commissions`)."""

    status = forms.ChoiceField(label=_("Status"), choices=[*NONE, *CommissionStatus.choices], required=False)
    store = forms.TypedChoiceField(label=_("Store"), coerce=int, required=False, empty_value=None)
    guide = forms.TypedChoiceField(label=_("Guide"), coerce=int, required=False, empty_value=None)
    period = forms.CharField(label=_("Month"), required=False, max_length=7, help_text=_("YYYY-MM"))

    def __init__(
        self,
        *args: Any,
        stores: Iterable[tuple[int, str]] = (),
        guides: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [*NONE, *stores]  # type: ignore[attr-defined]
        self.fields["guide"].choices = [*NONE, *guides]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The selector's filters (strings, as from a query string)."""
        values = self.cleaned_data
        return {key: str(values[key]) for key in ("status", "store", "guide", "period") if values.get(key)}
