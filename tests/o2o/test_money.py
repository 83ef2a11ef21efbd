"""Money helpers (rules.md 5.3): half-up rounding and the largest-remainder split."""

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2o.money import round_money, split_by_weights

CENT = Decimal("0.01")

# Whole cents within what a DecimalField(max_digits=14, decimal_places=2) holds, both signs.
totals = st.integers(min_value=-(10**12), max_value=10**12).map(lambda cents: Decimal(cents) * CENT)
weight_values = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    st.fractions(min_value=0, max_value=1000, max_denominator=10**6),
)
weight_maps = st.dictionaries(st.integers(min_value=1, max_value=10**6), weight_values, min_size=1, max_size=12).filter(
    lambda weights: sum(Fraction(weight) for weight in weights.values()) > 0
)


def exact_share(total: Decimal, weights: dict, key: int) -> Fraction:
    weight_sum = sum(Fraction(weight) for weight in weights.values())
    return Fraction(total) * Fraction(weights[key]) / weight_sum


# --- properties -------------------------------------------------------------------------------


@given(total=totals, weights=weight_maps)
def test_the_parts_always_sum_exactly_to_the_whole(total, weights):
    # when any amount is split by any weights
    parts = split_by_weights(total, weights)
    # then the parts add up to it to the cent, one part per key
    assert sum(parts.values(), Decimal(0)) == total
    assert set(parts) == set(weights)


@given(total=totals, weights=weight_maps)
def test_each_part_is_whole_cents_within_one_cent_of_its_exact_share(total, weights):
    # when an amount is split
    parts = split_by_weights(total, weights)
    # then every part is a whole number of cents, less than a cent away from its exact share
    for key, part in parts.items():
        assert part == part.quantize(CENT)
        assert part.as_tuple().exponent == -2
        assert abs(Fraction(part) - exact_share(total, weights, key)) < Fraction(1, 100)


@given(total=totals, weights=weight_maps)
def test_a_part_is_its_exact_share_floored_or_floored_plus_one_cent(total, weights):
    # when an amount is split
    parts = split_by_weights(total, weights)
    # then each part's magnitude is its exact share's magnitude floored to the cent, or one cent above
    for key, part in parts.items():
        exact_cents = abs(exact_share(total, weights, key)) * 100
        floor_cents = exact_cents.numerator // exact_cents.denominator
        assert abs(part) * 100 in {floor_cents, floor_cents + 1}


@given(total=totals, weights=weight_maps)
def test_a_zero_weight_gets_exactly_zero_never_minus_zero(total, weights):
    # given one more key with zero weight
    weights = {**weights, 0: 0}
    # when the amount is split
    parts = split_by_weights(total, weights)
    # then that key gets zero, printed as zero
    assert parts[0] == Decimal("0.00")
    assert str(parts[0]) == "0.00"


@given(total=totals, weights=weight_maps)
def test_the_split_is_deterministic_whatever_the_order_of_the_keys(total, weights):
    # given the same weights listed in reverse order
    reversed_weights = dict(reversed(list(weights.items())))
    # when both are split
    first = split_by_weights(total, weights)
    second = split_by_weights(total, reversed_weights)
    # then the parts are the same
    assert first == second
    assert split_by_weights(total, weights) == first


@given(total=totals, weights=weight_maps)
def test_a_negative_total_splits_as_the_mirror_of_the_positive_one(total, weights):
    # when an amount and its opposite are split by the same weights
    positive = split_by_weights(abs(total), weights)
    negative = split_by_weights(-abs(total), weights)
    # then each part of the negative split is minus the positive part
    assert negative == {key: -part for key, part in positive.items()}


@given(amount=st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False))
def test_round_money_is_within_half_a_cent_and_idempotent(amount):
    # when an amount with sub-cent digits is rounded
    rounded = round_money(amount)
    # then it is whole cents, at most half a cent away, and rounding again changes nothing
    assert rounded == rounded.quantize(CENT)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert round_money(rounded) == rounded


# --- examples ---------------------------------------------------------------------------------


def test_a_hundred_over_three_equal_stores_gives_the_odd_cent_to_the_lowest_store_id():
    # given three stores listed out of id order with equal weights
    weights = {3: 1, 1: 1, 2: 1}
    # when 100.00 is split
    parts = split_by_weights(Decimal("100.00"), weights)
    # then the remainders tie and the cent left goes to store 1
    assert parts == {1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}


def test_a_single_cent_over_two_equal_weights_goes_to_the_lower_key():
    # when one cent is split between two equal weights given higher key first
    parts = split_by_weights(Decimal("0.01"), {8: Decimal("0.5"), 5: Decimal("0.5")})
    # then the lower key gets it
    assert parts == {5: Decimal("0.01"), 8: Decimal("0.00")}


def test_the_leftover_cents_go_to_the_largest_remainders_first():
    # given exact shares 1.428571..., 2.857142..., 5.714285... (remainders .43, .86, .71)
    weights = {1: 1, 2: 2, 3: 4}
    # when 10.00 is split
    parts = split_by_weights(Decimal("10.00"), weights)
    # then the floors are 1.42, 2.85, 5.71 and the one cent left goes to key 2 (largest remainder)
    assert parts == {1: Decimal("1.43"), 2: Decimal("2.86"), 3: Decimal("5.71")}


def test_the_tie_rule_picks_the_lower_keys_among_equal_remainders_only():
    # given shares 0.5, 0.5 cents for keys 7 and 2, and a whole cent for key 4
    weights = {7: 1, 4: 2, 2: 1}
    # when 0.02 is split (floors 0, 1, 0 with one cent left and a tie between 2 and 7)
    parts = split_by_weights(Decimal("0.02"), weights)
    # then key 2 wins the tie
    assert parts == {2: Decimal("0.01"), 4: Decimal("0.01"), 7: Decimal("0.00")}


def test_a_negative_total_is_split_by_its_magnitude_then_negated():
    # when a refund of -100.00 is split over three equal weights
    parts = split_by_weights(Decimal("-100.00"), {3: 1, 1: 1, 2: 1})
    # then the largest part (in magnitude) is the lower key's
    assert parts == {1: Decimal("-33.34"), 2: Decimal("-33.33"), 3: Decimal("-33.33")}


def test_a_zero_total_gives_zero_parts():
    # when nothing is split
    parts = split_by_weights(Decimal("0.00"), {1: 3, 2: 1})
    # then everyone gets zero
    assert parts == {1: Decimal("0.00"), 2: Decimal("0.00")}


def test_thirds_given_as_fractions_are_exact():
    # given linear attribution credits of exactly one third each
    weights = {10: Fraction(1, 3), 20: Fraction(1, 3), 30: Fraction(1, 3)}
    # when 0.05 is split
    parts = split_by_weights(Decimal("0.05"), weights)
    # then the two cents left go to the two lowest keys
    assert parts == {10: Decimal("0.02"), 20: Decimal("0.02"), 30: Decimal("0.01")}


def test_remainders_are_compared_exactly_beyond_the_decimal_precision():
    # given two weights whose shares differ only in the 30th significant digit
    weights = {1: Decimal("1"), 2: Decimal("1.00000000000000000000000000001")}
    # when one cent is split, even under a small Decimal context
    with localcontext() as context:
        context.prec = 6
        parts = split_by_weights(Decimal("0.01"), weights)
    # then the truly larger remainder (key 2) wins, not the tie rule
    assert parts == {1: Decimal("0.00"), 2: Decimal("0.01")}


def test_whole_yuan_totals_split_in_cents():
    # when an amount without decimals is split
    parts = split_by_weights(Decimal("1"), {1: 1, 2: 1, 3: 1})
    # then the parts are cents that sum to it
    assert parts == {1: Decimal("0.34"), 2: Decimal("0.33"), 3: Decimal("0.33")}


def test_round_money_rounds_half_up_away_from_zero():
    # when amounts exactly half a cent away are rounded
    # then they go away from zero, and others to the nearest cent
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("2.355")) == Decimal("2.36")
    assert round_money(Decimal("-2.345")) == Decimal("-2.35")
    assert round_money(Decimal("2.3449")) == Decimal("2.34")
    assert round_money(Decimal("7")) == Decimal("7.00")
    assert str(round_money(Decimal("7"))) == "7.00"


def test_round_money_to_another_unit():
    # when a currency without cents is rounded to the whole unit
    assert round_money(Decimal("12.50"), unit=Decimal("1")) == Decimal("13")


# --- errors -----------------------------------------------------------------------------------


def test_round_money_refuses_a_float():
    with pytest.raises(TypeError, match="money must be a Decimal, not float"):
        round_money(2.345)  # type: ignore[arg-type]  # the wrong type on purpose


def test_round_money_refuses_nan_and_infinity():
    with pytest.raises(ValueError, match="finite"):
        round_money(Decimal("NaN"))
    with pytest.raises(ValueError, match="finite"):
        round_money(Decimal("Infinity"))


def test_split_refuses_a_float_total():
    with pytest.raises(TypeError, match="money must be a Decimal, not float"):
        split_by_weights(100.0, {1: 1})  # type: ignore[arg-type]  # the wrong type on purpose


def test_split_refuses_a_float_weight():
    with pytest.raises(TypeError, match="a weight must be a Decimal, int or Fraction, not float"):
        split_by_weights(Decimal("1.00"), {1: 0.5, 2: 1})  # type: ignore[dict-item]  # on purpose


def test_split_refuses_a_negative_weight():
    with pytest.raises(ValueError, match="weights must not be negative"):
        split_by_weights(Decimal("1.00"), {1: 2, 2: -1})


def test_split_refuses_all_zero_weights():
    with pytest.raises(ValueError, match="at least one weight must be positive"):
        split_by_weights(Decimal("1.00"), {1: 0, 2: Decimal("0.00")})


def test_split_refuses_no_weights():
    with pytest.raises(ValueError, match="at least one weight must be positive"):
        split_by_weights(Decimal("1.00"), {})


def test_split_refuses_a_sub_cent_total():
    with pytest.raises(ValueError, match=r"1\.005 is not a whole number of 0\.01"):
        split_by_weights(Decimal("1.005"), {1: 1})


def test_split_refuses_an_infinite_weight():
    with pytest.raises(ValueError, match="a weight must be finite"):
        split_by_weights(Decimal("1.00"), {1: Decimal("Infinity")})
