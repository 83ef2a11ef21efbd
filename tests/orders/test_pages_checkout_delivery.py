"""The checkout page's delivery: the recipient, their phone and the address are asked for a delivery
(shown when it is chosen), checked as the API checks them, kept on an error, shown on the
confirmation; the confirmation shows none of the other stores routing considered."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from django.contrib.staticfiles import finders

from members.models import Member
from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.models import Stock
from tests.orders.conftest import HOME, checkout_data, client_for, text_of, value_of
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db

ADDRESS = "上海市黄浦区南京东路 100 号 1201 室"


def delivery_data(brand, **values: str) -> dict[str, str]:
    """A visitor's delivery of 2 lamps and a bulb to HOME, for 王芳."""
    data = checkout_data(
        brand,
        fulfilment="delivery",
        district=HOME["district"],
        name="李娜",
        phone="13900001111",
        recipient="王芳",
        recipient_phone="13912345678",
        address=ADDRESS,
    )
    data.update(values)
    return data


def test_the_delivery_fields_are_shown_for_a_delivery_only(brand):
    # given the checkout page
    html = client_for(brand).get("/shop/checkout/").content.decode()
    # then the recipient, phone and address are in a part shown when delivery is chosen (CSS: it
    # works with and without JavaScript)
    start = html.index('data-testid="delivery-fields"')
    fieldset = html[html.rindex("<fieldset", 0, start) : html.index("</fieldset>", start)]
    assert 'class="card delivery-only"' in fieldset
    assert all(f'name="{name}"' in fieldset for name in ("recipient", "recipient_phone", "address"))
    css = Path(cast(str, finders.find("orders/orders.css"))).read_text()
    assert ".delivery-only{display:none}" in css
    assert ".checkout:has(input[name=fulfilment][value=delivery]:checked) .delivery-only{display:block}" in css


def test_a_visitor_has_it_delivered_and_reads_the_recipient_on_the_confirmation(brand):
    # given stores: a near one without bulbs, one that serves
    brand.store("EMPTY", km=0.5, stock={brand.lamp: 5})
    served = brand.store("SERVED", km=2, stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand)

    # when a visitor orders for delivery to 王芳, and reads the confirmation
    placed = client.post("/shop/checkout/", delivery_data(brand))
    page = client.get(placed["Location"]).content.decode()

    # then the order is delivered by the serving store to that recipient; the confirmation says so,
    # and shows no other store routing considered (nor its stock)
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    assert placed.status_code == 302
    assert (order.store_id, order.recipient, order.recipient_phone, order.address) == (
        served.pk,
        "王芳",
        "+8613912345678",
        ADDRESS,
    )
    assert (text_of(page, "recipient"), text_of(page, "recipient-phone"), text_of(page, "address")) == (
        ["王芳"],
        ["+8613912345678"],
        [ADDRESS],
    )
    assert "EMPTY" not in page
    assert "no stock" not in page


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {"recipient": "", "recipient_phone": "", "address": ""},
            [
                "Give the name of the person who receives the delivery.",
                "Give the recipient's phone number.",
                "Give the delivery address.",
            ],
        ),
        ({"recipient_phone": "１３９１２３４５６７８"}, ["Write the number with the digits 0-9."]),
        ({"recipient_phone": "12345"}, ["Enter a valid phone number."]),
        ({"address": "路" * 301}, ["Ensure this value has at most 300 characters (it has 301)."]),
    ],
)
def test_a_delivery_without_a_good_recipient_is_refused_keeping_what_was_typed(brand, values, errors):
    # given a store that delivers
    brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    before = (snapshot(Stock, brand.tenant), snapshot(Member, brand.tenant))
    data = delivery_data(brand, **values)

    # when a visitor orders for delivery with a recipient missing or wrong
    response = client_for(brand).post("/shop/checkout/", data)

    # then the page names each problem at its field (400), keeps what was typed, places nothing
    html = response.content.decode()
    assert response.status_code == 400
    assert all(error.replace("'", "&#x27;") in html for error in errors), html
    for name in ("recipient", "recipient_phone", "address", "name", "phone"):
        assert value_of(html, name) == data[name]
    assert brand.orders() == 0
    assert (snapshot(Stock, brand.tenant), snapshot(Member, brand.tenant)) == before


def test_a_pickup_leaves_out_what_was_typed_in_the_delivery_fields(brand):
    # given a store, and a visitor who typed a recipient, then chose pick-up
    brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    data = delivery_data(brand, fulfilment="pickup")

    # when they place the order
    placed = client_for(brand).post("/shop/checkout/", data)

    # then it is a pick-up with a code, without a recipient or an address
    assert placed.status_code == 302
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    assert (order.fulfilment, order.recipient, order.address, len(order.pickup_code)) == ("pickup", "", "", 6)
