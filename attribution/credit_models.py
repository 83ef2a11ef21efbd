"""The heuristic attribution models (rules.md 3.3-3.4), in pure Python: given a conversion's time
and its person's touchpoints, the share of the conversion each touchpoint gets.

The arithmetic is exact (Fraction); each share is then written as a Decimal with `PLACES` places,
the last digit given by largest remainder, so that the shares of an attributed conversion sum to
exactly 1 (o2o.money.split_by_weights). Time decay's weights `2 ** (-age_days / 7)` are irrational:
they are computed with `DECAY_PRECISION` significant digits (far beyond the 12 places kept), the
same digits on every run.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Context, Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from o2o.money import split_by_weights

K = TypeVar("K", bound=Hashable)

PLACES = 12
SHARE_UNIT = Decimal(1).scaleb(-PLACES)  # 0.000000000001, the Credit.share column's last place
DECAY_PRECISION = 40
HALF_LIFE_DAYS = 7
MICROSECONDS_PER_DAY = 86_400_000_000

FIRST_TOUCH = "first_touch"
LAST_TOUCH = "last_touch"
LINEAR = "linear"
POSITION_BASED = "position_based"
TIME_DECAY = "time_decay"
HEURISTIC_MODELS = (FIRST_TOUCH, LAST_TOUCH, LINEAR, POSITION_BASED, TIME_DECAY)

_LN2 = Context(prec=DECAY_PRECISION + 10).ln(Decimal(2))


@dataclass(frozen=True)
class Touch(Generic[K]):
    """A touchpoint of a person: when, and the key its share is returned under."""

    at: datetime
    key: K


def in_window(*, converted_at: datetime, touches: Sequence[Touch[K]], lookback_days: int) -> list[Touch[K]]:
    """The touches of a conversion (rules.md 3.3): those in the `lookback_days` before it (from
    `converted_at - lookback_days` to `converted_at`, both included), oldest first (ties by the
    order given)."""
    since = converted_at - timedelta(days=lookback_days)
    kept = [touch for touch in touches if since <= touch.at <= converted_at]
    return sorted(kept, key=lambda touch: touch.at)  # stable: equal times keep the given order


def weights(model: str, *, converted_at: datetime, touches: Sequence[Touch[K]]) -> list[Fraction]:
    """The exact weight of each of `touches` (already in the window, oldest first) under `model`,
    summing to 1. Raises ValueError for an unknown model or no touches."""
    n = len(touches)
    if n == 0:
        raise ValueError("an unattributed conversion has no weights")
    if model == FIRST_TOUCH:
        return [Fraction(1 if i == 0 else 0) for i in range(n)]
    if model == LAST_TOUCH:
        return [Fraction(1 if i == n - 1 else 0) for i in range(n)]
    if model == LINEAR:
        return [Fraction(1, n)] * n
    if model == POSITION_BASED:
        if n == 1:
            return [Fraction(1)]
        if n == 2:
            return [Fraction(1, 2)] * 2
        middle = Fraction(1, 5) / (n - 2)
        return [Fraction(2, 5), *([middle] * (n - 2)), Fraction(2, 5)]
    if model == TIME_DECAY:
        raw = [decay_weight(converted_at - touch.at) for touch in touches]
        total = sum(raw, Fraction(0))
        return [weight / total for weight in raw]
    raise ValueError(f"unknown attribution model {model!r}")


def decay_weight(age: timedelta) -> Fraction:
    """`2 ** (-age_days / 7)` for a touch `age` before its conversion (age_days to the
    microsecond), to `DECAY_PRECISION` significant digits."""
    age_days = Fraction(age // timedelta(microseconds=1), MICROSECONDS_PER_DAY)
    context = Context(prec=DECAY_PRECISION)
    exponent = context.divide(Decimal(-age_days.numerator), Decimal(age_days.denominator * HALF_LIFE_DAYS))
    return Fraction(context.exp(context.multiply(exponent, _LN2)))


def shares(
    model: str, *, converted_at: datetime, touches: Sequence[Touch[K]], lookback_days: int
) -> list[tuple[K, Decimal]]:
    """The share of each touch of a conversion under `model` (rules.md 3.4): `(key, share)` for
    the touches in the lookback window with a positive share, oldest first; the shares are
    Decimals with `PLACES` places summing to exactly 1. An unattributed conversion (no touch in
    the window) gives []. The last place goes by largest remainder, ties to the older touch."""
    kept = in_window(converted_at=converted_at, touches=touches, lookback_days=lookback_days)
    if not kept:
        return []
    exact = weights(model, converted_at=converted_at, touches=kept)
    split = split_by_weights(Decimal(1), dict(enumerate(exact)), unit=SHARE_UNIT)
    return [(touch.key, split[i]) for i, touch in enumerate(kept) if split[i] > 0]


def all_shares(
    *, converted_at: datetime, touches: Sequence[Touch[K]], lookback_days: int, models: Sequence[str] = HEURISTIC_MODELS
) -> dict[str, list[tuple[K, Decimal]]]:
    """`shares` under each of `models`."""
    return {
        model: shares(model, converted_at=converted_at, touches=touches, lookback_days=lookback_days)
        for model in models
    }
