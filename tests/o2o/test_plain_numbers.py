"""Amounts and counts are written plainly (o2o.fields): Python reads `1e5`, `1_000`, `NaN` and
`Infinity` as numbers, which no one keying in a price or a stock count means. The API's fields and
the forms' refuse them, each with the message the person reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from rest_framework import serializers

from o2o.fields import AsciiIntegerFormField as CountFormField
from o2o.fields import money_field, money_form_field, quantity_field

PLAINLY = "Write the number plainly, such as 1250 or 1250.50."


class Body(serializers.Serializer):
    price = money_field()
    quantity = quantity_field(min_value=0)


class Form(forms.Form):
    price = money_form_field()
    quantity = CountFormField(min_value=0)


@pytest.mark.parametrize(
    ("price", "quantity", "price_error", "quantity_api", "quantity_form"),
    [
        ("1e5", "1e3", PLAINLY, "A valid integer is required.", "Enter a whole number."),
        ("1_000", "1_000", PLAINLY, "A valid integer is required.", "Enter a whole number."),
        ("NaN", "NaN", PLAINLY, "A valid integer is required.", "Enter a whole number."),
        ("Infinity", "-Infinity", PLAINLY, "A valid integer is required.", "Enter a whole number."),
    ],
)
def test_a_number_not_written_plainly_is_refused_naming_its_field(
    price, quantity, price_error, quantity_api, quantity_form
):
    body = Body(data={"price": price, "quantity": quantity})
    form = Form(data={"price": price, "quantity": quantity})
    assert (body.is_valid(), form.is_valid()) == (False, False)
    assert body.errors == {"price": [price_error], "quantity": [quantity_api]}
    assert form.errors == {"price": [price_error], "quantity": [quantity_form]}


@pytest.mark.parametrize(
    ("price", "quantity", "read"),
    [
        ("1250", "3", (Decimal("1250"), 3)),
        (" 1250.50 ", "3.0", (Decimal("1250.50"), 3)),
        (".5", "+7", (Decimal("0.5"), 7)),
    ],
)
def test_a_number_written_plainly_is_read(price, quantity, read):
    body = Body(data={"price": price, "quantity": quantity})
    form = Form(data={"price": price, "quantity": quantity})
    assert body.is_valid(), body.errors
    assert form.is_valid(), form.errors
    assert (body.validated_data["price"], body.validated_data["quantity"]) == read
    assert (form.cleaned_data["price"], form.cleaned_data["quantity"]) == read
