"""The forms of the store pages: they parse and show input; the rules live in `stores.services`.

Each form turns its cleaned data into the service's input dataclass; an `AppError` the service
raises is put back next to the field it names by the pages' error boundary
(`o2o.portals.forms.show_error`). Every number has the bounds of its API field (`stores.models`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from o2o.fields import AsciiDecimalFormField, AsciiIntegerFormField, DateInput
from o2o.models import TIMEZONE_CHOICES
from stores.choices import WEEKDAYS, Capability, StaffRole, StoreKind
from stores.models import (
    LAT_BOUNDS,
    LNG_BOUNDS,
    ON_HAND_BOUNDS,
    RADIUS_KM_BOUNDS,
    SALES_SHARE_RATE_BOUNDS,
    Store,
)
from stores.services import ContractTerms, StoreInput

DAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}
_RANGE = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-\u2013~]\s*(\d{1,2}:\d{2})\s*$")
_SEPARATORS = re.compile(r"[\s,;，；、]+")


def hours_field_name(day: str) -> str:
    return f"hours_{day}"


def format_day_hours(ranges: list[list[str]]) -> str:
    """`[["10:00", "14:00"], ["17:00", "22:00"]]` -> `"10:00-14:00, 17:00-22:00"`; closed -> `""`."""
    return ", ".join(f"{start}-{end}" for start, end in ranges)


def parse_day_hours(text: str) -> list[list[str]]:
    """The inverse of `format_day_hours`: empty means closed that day. Raises ValidationError."""
    ranges = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        match = _RANGE.match(part)
        if match is None:
            raise forms.ValidationError(
                _("Write the hours as 10:00-22:00, several ranges separated by commas, or leave empty when closed.")
            )
        start, end = (value.zfill(5) for value in match.groups())
        ranges.append([start, end])
    return ranges


class StoreForm(forms.Form):
    """Every field of a store, the opening hours as one text input per day."""

    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=StoreKind.choices)
    region = forms.CharField(label=_("Price region"), max_length=64)
    city = forms.CharField(label=_("City"), max_length=64)
    district = forms.CharField(label=_("District code"), max_length=16, required=False)
    address = forms.CharField(label=_("Address"), max_length=300)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    lat = forms.FloatField(label=_("Latitude"), **LAT_BOUNDS)
    lng = forms.FloatField(label=_("Longitude"), **LNG_BOUNDS)
    service_radius_km = AsciiDecimalFormField(
        label=_("Service radius (km)"), **RADIUS_KM_BOUNDS, initial=Decimal("5.00")
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES, initial="Asia/Shanghai")
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"), choices=Capability.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    territory = forms.CharField(
        label=_("Territory (district codes)"),
        required=False,
        help_text=_("District codes separated by commas or spaces, e.g. 310104, 310105."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            self.fields[hours_field_name(day)] = forms.CharField(
                label=DAY_LABELS[day], required=False, initial="10:00-22:00"
            )

    @classmethod
    def initial_for(cls, store: Store) -> dict[str, Any]:
        """The form's initial values for an existing store."""
        initial: dict[str, Any] = {
            field: getattr(store, field)
            for field in (
                "code", "name", "kind", "region", "city", "district", "address", "phone",
                "lat", "lng", "service_radius_km", "timezone",
            )
        }  # fmt: skip
        initial["capabilities"] = store.capabilities
        initial["territory"] = ", ".join(entry.district for entry in store.territory.all())
        initial["active"] = store.is_active
        for day in WEEKDAYS:
            initial[hours_field_name(day)] = format_day_hours(store.opening_hours.get(day, []))
        return initial

    def day_fields(self) -> list[forms.BoundField]:
        return [self[hours_field_name(day)] for day in WEEKDAYS]

    def clean_territory(self) -> list[str]:
        return [code for code in _SEPARATORS.split(self.cleaned_data["territory"]) if code]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for day in WEEKDAYS:
            name = hours_field_name(day)
            try:
                hours[day] = parse_day_hours(cleaned.get(name) or "")
            except forms.ValidationError as error:
                self.add_error(name, error)
        cleaned["opening_hours"] = hours
        return cleaned

    def to_input(self) -> StoreInput:
        data = self.cleaned_data
        return StoreInput(
            code=data["code"].strip(),
            name=data["name"].strip(),
            kind=data["kind"],
            region=data["region"].strip(),
            city=data["city"].strip(),
            district=data["district"].strip(),
            address=data["address"].strip(),
            phone=data["phone"].strip(),
            lat=data["lat"],
            lng=data["lng"],
            service_radius_km=data["service_radius_km"],
            timezone=data["timezone"],
            opening_hours=data["opening_hours"],
            capabilities=list(data["capabilities"]),
            territory=data["territory"],
            active=data["active"],
        )


class ContractForm(forms.Form):
    """New settlement terms of a store from a date on (rules.md 5.2)."""

    prefix = "contract"

    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    sales_share_rate = AsciiDecimalFormField(
        label=_("Sales share rate"),
        **SALES_SHARE_RATE_BOUNDS,
        help_text=_("The part of net sales owed to the store's operator, e.g. 0.9200."),
    )
    tac_chargeable = forms.BooleanField(label=_("Traffic cost chargeable"), required=False)
    commission_borne_by_store = forms.BooleanField(label=_("Commission borne by store"), required=False)

    def terms(self) -> ContractTerms:
        data = self.cleaned_data
        return ContractTerms(
            sales_share_rate=data["sales_share_rate"],
            tac_chargeable=data["tac_chargeable"],
            commission_borne_by_store=data["commission_borne_by_store"],
        )


class StaffForm(forms.Form):
    """A new store manager or guide account of a store."""

    prefix = "staff"

    username = forms.CharField(label=_("Username"), max_length=150)
    # as the API's: how strong a password must be is the service's rule (Django's validators)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), max_length=128, strip=False
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = PhoneNumberField(label=_("Phone"), required=False, region="CN")
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)

    def account(self) -> dict[str, str]:
        """The keyword arguments of `create_staff`, the phone in E.164 form (or empty)."""
        data = self.cleaned_data
        phone = data["phone"]
        return {
            "username": data["username"].strip(),
            "password": data["password"],
            "name": data["name"].strip(),
            "phone": phone.as_e164 if phone else "",
            "role": data["role"],
        }


class StockForm(forms.Form):
    """The new on-hand count of one SKU in one store."""

    on_hand = AsciiIntegerFormField(label=_("On hand"), **ON_HAND_BOUNDS)


class NearForm(forms.Form):
    """The consumer's search: a position from the browser, or a city picked from the brand's."""

    lat = forms.FloatField(**LAT_BOUNDS, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(**LNG_BOUNDS, required=False, widget=forms.HiddenInput)
    city = forms.ChoiceField(label=_("City"), required=False)
    capability = forms.ChoiceField(label=_("Service"), required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, cities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city_field = self.fields["city"]
        assert isinstance(city_field, forms.ChoiceField)
        city_field.choices = [("", _("Any city")), *((city, city) for city in cities)]
        capability_field = self.fields["capability"]
        assert isinstance(capability_field, forms.ChoiceField)
        capability_field.choices = [("", _("Any")), *Capability.choices]

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
