"""The heuristic models of rules.md 3.4 on hand-worked journeys, and their shares summing to 1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.credit_models import HEURISTIC_MODELS, Touch, all_shares, decay_weight, shares

CONVERTED = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
D = Decimal


def days_before(*ages: float) -> list[Touch[str]]:
    """Touches named a, b, c, ... `ages` days before the conversion."""
    return [Touch(at=CONVERTED - timedelta(days=age), key=chr(ord("a") + i)) for i, age in enumerate(ages)]


def credit(model: str, touches: list[Touch[str]], lookback_days: int = 30) -> list[tuple[str, Decimal]]:
    return shares(model, converted_at=CONVERTED, touches=touches, lookback_days=lookback_days)


@pytest.mark.parametrize("model", HEURISTIC_MODELS)
def test_one_touch_gets_the_whole_conversion_under_every_model(model: str) -> None:
    assert credit(model, days_before(3)) == [("a", D("1.000000000000"))]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("first_touch", [("a", D(1))]),
        ("last_touch", [("b", D(1))]),
        ("linear", [("a", D("0.5")), ("b", D("0.5"))]),
        ("position_based", [("a", D("0.5")), ("b", D("0.5"))]),
        # weights 2**(-7/7) = 1/2 and 2**0 = 1: thirds; the last place to the larger remainder
        ("time_decay", [("a", D("0.333333333333")), ("b", D("0.666666666667"))]),
    ],
)
def test_two_touches(model: str, expected: list[tuple[str, Decimal]]) -> None:
    assert credit(model, days_before(7, 0)) == expected


def test_linear_thirds_give_the_left_over_place_to_the_oldest() -> None:
    assert credit("linear", days_before(5, 3, 1)) == [
        ("a", D("0.333333333334")),
        ("b", D("0.333333333333")),
        ("c", D("0.333333333333")),
    ]


def test_position_based_gives_forty_percent_to_each_end_and_shares_the_rest() -> None:
    assert credit("position_based", days_before(4, 3, 2, 1)) == [
        ("a", D("0.4")),
        ("b", D("0.1")),
        ("c", D("0.1")),
        ("d", D("0.4")),
    ]
    # 0.2 / 3 = 0.0666...: two of the three middles get the two places left over
    assert credit("position_based", days_before(5, 4, 3, 2, 1)) == [
        ("a", D("0.4")),
        ("b", D("0.066666666667")),
        ("c", D("0.066666666667")),
        ("d", D("0.066666666666")),
        ("e", D("0.4")),
    ]


def test_time_decay_halves_a_touch_s_weight_every_seven_days() -> None:
    # ages 14, 7, 0 days: weights 1/4, 1/2, 1, normalised 1/7, 2/7, 4/7
    assert credit("time_decay", days_before(14, 7, 0)) == [
        ("a", D("0.142857142857")),
        ("b", D("0.285714285714")),
        ("c", D("0.571428571429")),
    ]
    # ages 3.5 and 0 days: 2**-0.5 = 0.70710678118654752..., 1 / (1 + 2**-0.5) = 0.585786437626905
    assert credit("time_decay", days_before(3.5, 0)) == [("a", D("0.414213562373")), ("b", D("0.585786437627"))]


def test_decay_weight_is_exact_on_whole_half_lives() -> None:
    assert abs(decay_weight(timedelta(days=21)) - Fraction(1, 8)) < Fraction(1, 10**35)
    assert decay_weight(timedelta(0)) == 1


def test_touches_outside_the_lookback_window_or_after_the_conversion_do_not_count() -> None:
    touches = [
        *days_before(31, 30, 2),
        Touch(at=CONVERTED + timedelta(seconds=1), key="later"),
    ]
    assert credit("first_touch", touches) == [("b", D(1))]  # exactly 30 days before is in
    assert credit("last_touch", touches) == [("c", D(1))]
    assert credit("linear", touches) == [("b", D("0.5")), ("c", D("0.5"))]
    assert credit("linear", touches, lookback_days=7) == [("c", D(1))]


def test_touches_are_taken_oldest_first_whatever_their_order() -> None:
    touches = list(reversed(days_before(9, 5, 1)))
    assert credit("first_touch", touches) == [("a", D(1))]
    assert [key for key, _ in credit("linear", touches)] == ["a", "b", "c"]


@pytest.mark.parametrize("model", HEURISTIC_MODELS)
def test_a_conversion_with_no_touch_is_unattributed(model: str) -> None:
    assert credit(model, []) == []
    assert credit(model, days_before(45)) == []


def test_an_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown attribution model"):
        credit("markov", days_before(1))


@settings(max_examples=200, deadline=None)
@given(ages=st.lists(st.integers(min_value=0, max_value=40 * 86_400_000_000), max_size=25))
def test_every_model_s_shares_sum_to_exactly_one(ages: list[int]) -> None:
    touches = [Touch(at=CONVERTED - timedelta(microseconds=age), key=i) for i, age in enumerate(ages)]
    in_window = [age for age in ages if age <= 30 * 86_400_000_000]
    for model, given_shares in all_shares(converted_at=CONVERTED, touches=touches, lookback_days=30).items():
        if not in_window:
            assert given_shares == [], model
            continue
        assert sum(share for _, share in given_shares) == 1, model
        assert all(D(0) < share <= 1 and share == share.quantize(D("1e-12")) for _, share in given_shares), model
        assert len(given_shares) <= len(in_window), model
