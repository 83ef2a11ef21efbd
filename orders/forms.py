"""The forms of the order pages: they parse and show input; the rules live in `orders.services`
and `orders.policies`.

Checkout has one quantity field per SKU for sale (`qty_<sku id>`); a service's error is put back
next to the field it names by the pages' error boundary (`o2o.portals.forms.show_error`, with
`CHECKOUT_FIELDS` for the service's names that differ from the form's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Service, Sku
from o2o.fields import AsciiIntegerFormField, DateInput
from orders.choices import Channel, Fulfilment, OrderStatus
from orders.models import ADDRESS_MAX, PHONE_MAX, PICKUP_CODE_LENGTH, RECIPIENT_MAX, OrderLine
from orders.routing import Location
from orders.selectors import Cart
from orders.services.common import Customer, LineInput, RefundLineInput, SlotInput
from orders.services.delivery import DeliveryInput
from stores.models import Store

MAX_QUANTITY = 99
QTY_PREFIX = "qty_"


def qty_field(sku_id: int) -> str:
    return f"{QTY_PREFIX}{sku_id}"


# checkout's input as `orders.services.checkout` names it -> the form's field (None: above the form)
CHECKOUT_FIELDS: dict[str, str | None] = {
    "location": "district",
    "lines": None,
    "slot": "slot_start",
    "delivery": None,
    "delivery.recipient": "recipient",
    "delivery.phone": "recipient_phone",
    "delivery.address": "address",
}


class CheckoutForm(forms.Form):
    """What a consumer orders, how it reaches them, where from; name and phone when not signed in."""

    fulfilment = forms.ChoiceField(
        label=_("How do you want it?"),
        choices=Fulfilment.choices,
        initial=Fulfilment.PICKUP,
        widget=forms.RadioSelect,
    )
    store = forms.IntegerField(label=_("Store"), required=False, min_value=1)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    district = forms.CharField(
        label=_("District code"),
        required=False,
        max_length=16,
        help_text=_("Or, instead of your location, the code of your district (for example 310101)."),
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("Choose a service")
    )
    visit_date = forms.DateField(label=_("Day of the visit"), required=False, widget=DateInput())
    slot_start = forms.CharField(label=_("Visit time"), required=False, max_length=40)
    slot_store = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # a delivery's recipient and address, with the API's bounds (`orders.services.delivery` checks them)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=RECIPIENT_MAX)
    recipient_phone = forms.CharField(
        label=_("Recipient's mobile phone"),
        required=False,
        max_length=PHONE_MAX,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        max_length=ADDRESS_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=150)
    phone = forms.CharField(label=_("Your mobile phone"), required=False, max_length=32)
    guide_code = forms.CharField(label=_("Shopping guide code"), required=False, max_length=16)

    def __init__(
        self,
        *args: Any,
        skus: Iterable[Sku],
        services: Iterable[Service] = (),
        for_order: bool = False,
        needs_contact: bool = False,
        **kwargs: Any,
    ) -> None:
        """`for_order`: a submitted order (not a store-picker refresh), which needs items, a name and
        a phone when `needs_contact` (not a signed-in consumer), and a visit for a try-in-store one."""
        super().__init__(*args, **kwargs)
        self.for_order = for_order
        self.needs_contact = needs_contact
        self.skus = list(skus)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = Service.objects.filter(
            pk__in=[s.pk for s in services]
        )
        for sku in self.skus:
            self.fields[qty_field(sku.pk)] = AsciiIntegerFormField(
                label=f"{sku.product.name} · {sku.name}",
                required=False,
                min_value=0,
                max_value=MAX_QUANTITY,
                initial=0,
                widget=forms.NumberInput(attrs={"class": "qty", "inputmode": "numeric"}),
            )

    @property
    def quantity_names(self) -> list[str]:
        return [qty_field(sku.pk) for sku in self.skus]

    @property
    def quantity_fields(self) -> list[tuple[Sku, forms.BoundField]]:
        return [(sku, self[qty_field(sku.pk)]) for sku in self.skus]

    def lines(self) -> list[LineInput]:
        """The lines chosen (quantity above 0), in the catalog's order."""
        data = getattr(self, "cleaned_data", {})
        return [
            LineInput(sku_id=sku.pk, quantity=data[qty_field(sku.pk)])
            for sku in self.skus
            if data.get(qty_field(sku.pk))
        ]

    def quantities(self) -> dict[int, int]:
        return {line.sku_id: line.quantity for line in self.lines()}

    def location(self) -> Location:
        data = self.cleaned_data
        return Location(lat=data.get("lat"), lng=data.get("lng"), district=(data.get("district") or "").strip())

    def slot(self) -> SlotInput | None:
        """The visit of a try-in-store order: the service and the start picked from the slots."""
        data = self.cleaned_data
        if data.get("fulfilment") != Fulfilment.EXPERIENCE or not data.get("service") or not data.get("slot_start"):
            return None
        return SlotInput(service_id=data["service"].pk, start_at=data["slot_start"])

    def delivery(self) -> DeliveryInput | None:
        """The recipient, phone and address of a delivery order; None for another fulfilment
        (what was typed in the delivery fields before choosing another way is left out)."""
        data = self.cleaned_data
        if data.get("fulfilment") != Fulfilment.DELIVERY:
            return None
        return DeliveryInput(
            recipient=data.get("recipient") or "",
            phone=data.get("recipient_phone") or "",
            address=data.get("address") or "",
        )

    def clean_slot_start(self) -> dt.datetime | None:
        value = (self.cleaned_data.get("slot_start") or "").strip()
        if not value:
            return None
        try:
            start = dt.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(_("Choose one of the visit times shown.")) from None
        if start.tzinfo is None:
            raise forms.ValidationError(_("Choose one of the visit times shown."))
        return start

    def picker_fields(self) -> list[str]:
        """The fields the store picker reads (an error elsewhere, a missing phone, does not hide it)."""
        return ["fulfilment", "store", "lat", "lng", "district", "service", "visit_date", *self.quantity_names]

    def cart(self) -> Cart | None:
        """What the store picker is asked about; None while a field it reads is missing or wrong."""
        if not self.is_bound or any(name in self.errors for name in self.picker_fields()):
            return None
        quantities = self.quantities()
        if not quantities:
            return None
        data = self.cleaned_data
        return Cart(
            fulfilment=data["fulfilment"],
            quantities=quantities,
            sku_codes={sku.pk: sku.code for sku in self.skus},
            location=self.location(),
            chosen_store_id=data.get("store"),
            service=data.get("service"),
            visit_date=data.get("visit_date"),
        )

    def customer(self) -> Customer | None:
        data = self.cleaned_data
        if not (data.get("name") or data.get("phone")):
            return None
        return Customer(name=data.get("name", "").strip(), phone=data.get("phone", "").strip())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.for_order:
            return data
        if not self.lines():
            self.add_error(None, _("Choose at least one item."))
        if self.needs_contact:
            if not data.get("name", "").strip():
                self.add_error("name", _("Give your name, or log in."))
            if not data.get("phone", "").strip():
                self.add_error("phone", _("Give your mobile phone number, or log in."))
        if data.get("fulfilment") == Fulfilment.EXPERIENCE:
            if not data.get("service"):
                self.add_error("service", _("Choose the service of your visit."))
            if not data.get("slot_start"):
                self.add_error("slot_start", _("Choose the time of your visit."))
        if data.get("fulfilment") == Fulfilment.DELIVERY:  # every one missing at once (the service names the first)
            if not (data.get("recipient") or "").strip():
                self.add_error("recipient", _("Give the name of the person who receives the delivery."))
            if not (data.get("recipient_phone") or "").strip():
                self.add_error("recipient_phone", _("Give the recipient's phone number."))
            if not (data.get("address") or "").strip():
                self.add_error("address", _("Give the delivery address."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)


class CompleteForm(forms.Form):
    """Completing an order; a pick-up code typed must be the order's (`orders.services.complete_order`)."""

    pickup_code = forms.CharField(
        label=_("Pick-up code"),
        max_length=PICKUP_CODE_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": PICKUP_CODE_LENGTH}),
    )


class RefundForm(forms.Form):
    """How many of each line of a completed order to refund (`qty_<line id>`), and why."""

    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)

    def __init__(self, *args: Any, lines: Iterable[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_lines = list(lines)
        for line in self.order_lines:
            self.fields[qty_field(line.pk)] = AsciiIntegerFormField(
                label=f"{line.sku.code} {line.sku.name}",
                required=False,
                min_value=0,
                max_value=line.quantity,
                initial=0,
                widget=forms.NumberInput(attrs={"class": "qty", "inputmode": "numeric"}),
            )

    @property
    def quantity_fields(self) -> list[tuple[Any, forms.BoundField]]:
        return [(line, self[qty_field(line.pk)]) for line in self.order_lines]

    def lines(self) -> list[RefundLineInput]:
        """The lines to refund (quantity above 0)."""
        data = self.cleaned_data
        return [
            RefundLineInput(line_id=line.pk, quantity=data[qty_field(line.pk)])
            for line in self.order_lines
            if data.get(qty_field(line.pk))
        ]


class AssignForm(forms.Form):
    """The store HQ sends an unroutable order to, among `stores` (rendered without a query)."""

    store = forms.TypedChoiceField(label=_("Store"), coerce=int)

    def __init__(self, *args: Any, stores: Iterable[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stores = {store.pk: store for store in stores}
        cast(forms.TypedChoiceField, self.fields["store"]).choices = [
            ("", _("Choose a store")),
            *((store.pk, f"{store.code} {store.name}") for store in self.stores.values()),
        ]

    def chosen_store(self) -> Store:
        return self.stores[self.cleaned_data["store"]]


class HqOrderFilterForm(forms.Form):
    """The filters of HQ's order list; empty fields filter nothing."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *OrderStatus.choices])
    store = forms.TypedChoiceField(label=_("Store"), required=False, coerce=int, empty_value=None)
    created_after = forms.DateField(label=_("Placed from"), required=False, widget=DateInput())
    created_before = forms.DateField(label=_("Placed until"), required=False, widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices])
    fulfilment = forms.ChoiceField(
        label=_("Fulfilment"), required=False, choices=[("", _("Any fulfilment")), *Fulfilment.choices]
    )

    def __init__(self, *args: Any, stores: Iterable[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["store"]).choices = [
            ("", _("All stores")),
            *((store.pk, f"{store.code} {store.name}") for store in stores),
        ]

    def filters(self) -> dict[str, str]:
        """The selector's filters: ids and ISO dates as strings, empty ones left out."""
        out: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            if isinstance(value, dt.date):
                out[name] = value.isoformat()
            else:
                out[name] = str(value)
        return out
