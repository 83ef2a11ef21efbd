"""Money: how an amount is stored, one rounding rule and one largest-remainder split (rules.md 5.3).

Amounts are Decimal, never float. Rounding is half-up to the currency's minor unit, applied once at
the last step of a statement line.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypedDict, TypeVar

CENT = Decimal("0.01")


class MoneyOptions(TypedDict):
    """The keyword arguments of an amount's DecimalField (typed, so that `**MONEY` is checked)."""

    max_digits: int
    decimal_places: int


# every amount and price: DecimalField(**MONEY), and serializers.DecimalField(**MONEY) in the API
MONEY: MoneyOptions = {"max_digits": 14, "decimal_places": 2}
# the largest amount a MONEY field holds: 999999999999.99
MAX_AMOUNT = Decimal((0, (9,) * MONEY["max_digits"], -MONEY["decimal_places"]))
K = TypeVar("K")

Weight = Decimal | int | Fraction


def _require_money(amount: Any) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"money must be a finite amount, not {amount}")
    return amount


def round_money(amount: Decimal, *, unit: Decimal = CENT) -> Decimal:
    """`amount` rounded half-up (away from zero on a tie) to `unit`, the cent by default.

    Raises TypeError for anything but a Decimal (a float never comes near money) and ValueError
    for NaN or infinity.
    """
    return _require_money(amount).quantize(unit, rounding=ROUND_HALF_UP)


def _exact_weight(weight: Any) -> Fraction:
    # bool is an int, and a float is never exact: both are refused rather than guessed at.
    if isinstance(weight, bool) or not isinstance(weight, Decimal | int | Fraction):
        raise TypeError(f"a weight must be a Decimal, int or Fraction, not {type(weight).__name__}")
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise ValueError(f"a weight must be finite, not {weight}")
    exact = Fraction(weight)
    if exact < 0:
        raise ValueError("weights must not be negative")
    return exact


def split_by_weights(total: Decimal, weights: Mapping[K, Weight], *, unit: Decimal = CENT) -> dict[K, Decimal]:
    """Split `total` into parts proportional to `weights`, exact to `unit`, by largest remainder.

    Each exact share of the magnitude of `total` is floored to the unit; the units left over go one
    each to the parts with the largest remainders, ties to the lower key (keys must be mutually
    orderable: store ids, for instance). A negative total (a refund, a reversal) is split as its
    magnitude, then negated. The parts always sum exactly to `total`, each is within one unit of its
    exact share, and a key with zero weight gets zero. The arithmetic is exact (rational), so the
    result never depends on the Decimal context.

    Raises TypeError when `total` is not a Decimal or a weight is a float; ValueError when `total`
    is not a whole number of units, a weight is negative, or no weight is positive.
    """
    _require_money(total)
    units_exact = Fraction(total) / Fraction(unit)
    if units_exact.denominator != 1:
        raise ValueError(f"{total} is not a whole number of {unit}")
    exact_weights = {key: _exact_weight(weight) for key, weight in weights.items()}
    weight_sum = sum(exact_weights.values(), Fraction(0))
    if weight_sum == 0:
        raise ValueError("at least one weight must be positive")
    magnitude = abs(units_exact.numerator)
    sign = -1 if units_exact < 0 else 1
    floors: dict[K, int] = {}
    remainders: dict[K, Fraction] = {}
    for key, weight in exact_weights.items():
        share = magnitude * weight / weight_sum
        floors[key] = share.numerator // share.denominator
        remainders[key] = share - floors[key]
    left = magnitude - sum(floors.values())  # 0 <= left < number of keys with a positive weight
    ranked = sorted(exact_weights, key=lambda key: (-remainders[key], key))
    for key in ranked[:left]:
        floors[key] += 1
    return {key: Decimal(sign * units) * unit for key, units in floors.items()}
