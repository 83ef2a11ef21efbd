"""Who receives a delivery order and where (rules.md 1.8): the input and its checks, the same for
the API and the checkout page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from members.services import normalize_phone
from o2o.errors import InvalidInput
from o2o.fields import ASCII_DIGITS_ONLY
from orders.choices import Fulfilment
from orders.models import ADDRESS_MAX, PHONE_MAX, RECIPIENT_MAX


@dataclass(frozen=True)
class DeliveryInput:
    """The recipient of a delivery order, their phone and the address, as given."""

    recipient: str
    phone: str
    address: str


def _too_long(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidInput(field, _("At most %(n)d characters.") % {"n": limit})


def delivery_details(*, fulfilment: str, delivery: DeliveryInput | None) -> DeliveryInput | None:
    """The recipient, their phone (E.164) and the address of a delivery order, trimmed and
    checked; None for another fulfilment.

    A delivery order needs all three: InvalidInput naming `delivery` when none is given,
    `delivery.recipient`, `delivery.phone` or `delivery.address` for the one missing (or too long);
    the phone is written with the digits 0-9 and must be a valid number (a number without a
    country code is Chinese). Another fulfilment takes none: InvalidInput naming `delivery` (as
    a visit slot is refused for an order that is not a visit).
    """
    if fulfilment != Fulfilment.DELIVERY:
        if delivery is not None:
            raise InvalidInput("delivery", _("Only a delivery order takes a recipient and an address."))
        return None
    if delivery is None:
        raise InvalidInput("delivery", _("Give the recipient, their phone and the address for a delivery."))
    recipient, phone, address = delivery.recipient.strip(), delivery.phone.strip(), delivery.address.strip()
    if not recipient:
        raise InvalidInput("delivery.recipient", _("Give the name of the person who receives the delivery."))
    _too_long("delivery.recipient", recipient, RECIPIENT_MAX)
    if not phone:
        raise InvalidInput("delivery.phone", _("Give the recipient's phone number."))
    _too_long("delivery.phone", phone, PHONE_MAX)
    if not phone.isascii():
        raise InvalidInput("delivery.phone", str(ASCII_DIGITS_ONLY))
    try:
        phone = normalize_phone(phone)
    except InvalidInput as refusal:
        raise InvalidInput("delivery.phone", refusal.detail) from refusal
    if not address:
        raise InvalidInput("delivery.address", _("Give the delivery address."))
    _too_long("delivery.address", address, ADDRESS_MAX)
    return DeliveryInput(recipient=recipient, phone=phone, address=address)
