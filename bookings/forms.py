"""The forms of the booking pages: they parse and show input; the rules live in `bookings.services`.

An `AppError` a service raises is put back next to the field it names by the page error boundary
(`o2o.portals.forms.show_error`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.choices import BookingStatus
from o2o.fields import DateInput


def parse_start(value: str) -> dt.datetime | None:
    """An aware datetime from an ISO 8601 text with its offset (a slot's start), else None."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "+"))
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo is not None else None


class StoreSearchForm(forms.Form):
    """Step 2 of booking: the stores offering the service, by the browser's position or a city."""

    service = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    city = forms.ChoiceField(label=_("City"), required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, cities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city_field = self.fields["city"]
        assert isinstance(city_field, forms.ChoiceField)
        city_field.choices = [("", _("Any city")), *((city, city) for city in cities)]

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "lat" in self.errors or "lng" in self.errors:
            return cleaned
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            raise forms.ValidationError(_("A position needs both a latitude and a longitude."))
        return cleaned

    def has_search(self) -> bool:
        """A position or a city was given (a bare visit shows the picker only)."""
        return self.cleaned_data.get("lat") is not None or bool(self.cleaned_data.get("city"))


class ContactForm(forms.Form):
    """Step 4 of booking: who the booking is for. `token` makes a double submit book once."""

    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Mobile phone"), max_length=32)
    start = forms.CharField(widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_start(self) -> dt.datetime:
        start = parse_start(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(_("Pick a time slot."))
        return start


class RescheduleForm(forms.Form):
    start = forms.CharField(widget=forms.HiddenInput)

    def clean_start(self) -> dt.datetime:
        start = parse_start(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(_("Pick a time slot."))
        return start


class CheckInCodeForm(forms.Form):
    """The store checks a consumer in by the code their booking page shows (or its QR code)."""

    code = forms.CharField(label=_("Check-in code"), max_length=12, min_length=4)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class HqBookingFilterForm(forms.Form):
    """HQ's filters: store, service, status and a date range (days on the brand's calendar)."""

    store = forms.TypedChoiceField(label=_("Store"), required=False, coerce=int, empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())

    MAX_DAYS = 366

    def __init__(
        self, *args: Any, stores: list[tuple[int, str]], services: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        store_field, service_field, status_field = self.fields["store"], self.fields["service"], self.fields["status"]
        assert isinstance(store_field, forms.ChoiceField)
        assert isinstance(service_field, forms.ChoiceField)
        assert isinstance(status_field, forms.ChoiceField)
        store_field.choices = [("", _("All stores")), *stores]
        service_field.choices = [("", _("All services")), *services]
        status_field.choices = [("", _("Any status")), *BookingStatus.choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last:
            if last < first:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (last - first).days >= self.MAX_DAYS:
                raise forms.ValidationError(_("Pick at most %(days)d days.") % {"days": self.MAX_DAYS})
        return cleaned
