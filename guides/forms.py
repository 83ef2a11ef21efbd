"""The guide workbench's and the store's claims page's forms (what the services take, checked)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attribution.choices import Target
from guides.services.claims import NOTE_MAX, REASON_MAX

TARGETS = [
    (Target.STORE.value, _("My store")),
    (Target.PRODUCT.value, _("A product")),
    (Target.BOOKING.value, _("Booking a service")),
]


class LinkForm(forms.Form):
    """A share link to make: the store, a product, or booking a service (`guide_link`)."""

    target = forms.ChoiceField(label=_("Link to"), choices=TARGETS)
    product = forms.TypedChoiceField(label=_("Product"), required=False, coerce=int, empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, products: Iterable[Any] = (), services: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["product"].choices = blank + [(p.pk, p.name) for p in products]  # type: ignore[attr-defined]
        self.fields["service"].choices = blank + [(s.pk, s.name) for s in services]  # type: ignore[attr-defined]


class ServedForm(forms.Form):
    """The customer served in the store: their phone, or the code their member QR holds."""

    phone = forms.CharField(label=_("Customer's phone"), max_length=32, required=False)
    member_code = forms.CharField(label=_("Or their member code"), max_length=200, required=False)


class ClaimForm(forms.Form):
    order = forms.CharField(label=_("Order number"), max_length=32)
    note = forms.CharField(label=_("Why it is yours"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, required=False, widget=forms.TextInput()
    )  # required by the service, which names the field
