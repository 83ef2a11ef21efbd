"""What a line of an order costs (rules.md 1.7), one rule for the order placed and for the totals the
checkout's store picker shows: the unit price is the fulfilling store's region price (`PriceBook`),
the line's amount that price times the quantity, rounded half-up to the cent once, and a cart's
total the sum of its lines' amounts."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from catalog.selectors import PriceBook
from o2o.money import round_money


def price_line(*, prices: PriceBook, sku_id: int, quantity: int, region: str | None) -> tuple[Decimal, Decimal]:
    """The unit price of `sku_id` at a store of `region`, and the amount of `quantity` of it."""
    unit_price = prices.price(sku_id, region)
    return unit_price, round_money(unit_price * quantity)


def cart_total(*, prices: PriceBook, quantities: Mapping[int, int], region: str | None) -> Decimal:
    """The cart (sku id -> quantity; SKUs `prices` does not know are left out) at a store of
    `region`: the sum of its lines' amounts, as the order placed there totals."""
    return sum(
        (
            price_line(prices=prices, sku_id=sku_id, quantity=quantity, region=region)[1]
            for sku_id, quantity in quantities.items()
            if sku_id in prices.base
        ),
        Decimal("0.00"),
    )
