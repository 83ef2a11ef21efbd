"""The Markov removal-effect model (rules.md 3.4) against removal effects computed by hand."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.markov import Chain, markov_credits, removal_effects


def test_two_channels_without_a_loop() -> None:
    # Paths: A > B > conversion, A > null, B > conversion.
    # Transition matrix (rows from, columns to):
    #            A    B    conv  null
    #   start   2/3  1/3   0     0
    #   A        0   1/2   0    1/2
    #   B        0    0    1     0
    # p(B) = 1, p(A) = 1/2, p(start) = 2/3 * 1/2 + 1/3 * 1 = 2/3.
    # Without A (start > A goes to null): p(start) = 1/3, effect 1 - (1/3)/(2/3) = 1/2.
    # Without B: p(A) = 0, p(start) = 0, effect 1.
    # Normalised: A 1/3, B 2/3; times 2 conversions: A 2/3, B 4/3.
    paths = [(["A", "B"], True), (["A"], False), (["B"], True)]
    chain = Chain(paths)
    assert chain.conversion_probability() == F(2, 3)
    assert chain.conversion_probability(without="A") == F(1, 3)
    assert removal_effects(paths) == {"A": F(1, 2), "B": F(1)}
    assert markov_credits(paths) == {"A": F(2, 3), "B": F(4, 3)}


def test_a_loop_between_two_channels() -> None:
    # Paths: A > B > A > conversion, B > null, A > conversion.
    #            A    B    conv  null
    #   start   2/3  1/3   0     0
    #   A        0   1/3  2/3    0
    #   B       1/2   0    0    1/2
    # p(A) = 1/3 p(B) + 2/3, p(B) = 1/2 p(A): p(A) = 4/5, p(B) = 2/5, p(start) = 8/15 + 2/15 = 2/3.
    # Without A: p(B) = 0, p(start) = 0: effect 1.
    # Without B: p(A) = 2/3, p(start) = 4/9: effect 1 - (4/9)/(2/3) = 1/3.
    # Normalised: A 3/4, B 1/4; times 2 conversions: A 3/2, B 1/2.
    paths = [(["A", "B", "A"], True), (["B"], False), (["A"], True)]
    assert Chain(paths).conversion_probability() == F(2, 3)
    assert removal_effects(paths) == {"A": F(1), "B": F(1, 3)}
    assert markov_credits(paths) == {"A": F(3, 2), "B": F(1, 2)}


def test_three_channels_sharing_the_start() -> None:
    # Paths: A > C > conversion, B > C > null, B > conversion, A > null.
    #            A    B    C    conv  null
    #   start   1/2  1/2   0     0     0
    #   A        0    0   1/2    0    1/2
    #   B        0    0   1/2   1/2    0
    #   C        0    0    0    1/2   1/2
    # p(C) = 1/2, p(A) = 1/4, p(B) = 1/4 + 1/2 = 3/4, p(start) = 1/8 + 3/8 = 1/2.
    # Without A: p(start) = 3/8, effect 1/4. Without B: 1/8, effect 3/4.
    # Without C: p(A) = 0, p(B) = 1/2, p(start) = 1/4, effect 1/2.
    # Sum 3/2: normalised A 1/6, B 1/2, C 1/3; times 2 conversions: A 1/3, B 1, C 2/3.
    paths = [(["A", "C"], True), (["B", "C"], False), (["B"], True), (["A"], False)]
    assert removal_effects(paths) == {"A": F(1, 4), "B": F(3, 4), "C": F(1, 2)}
    assert markov_credits(paths) == {"A": F(1, 3), "B": F(1), "C": F(2, 3)}


def test_one_channel_gets_every_conversion() -> None:
    assert markov_credits([(["A"], True), (["A", "A"], False), (["A"], True)]) == {"A": F(2)}


def test_no_conversion_credits_nothing_and_empty_paths_are_ignored() -> None:
    assert markov_credits([(["A"], False), (["B", "A"], False)]) == {"A": F(0), "B": F(0)}
    assert markov_credits([([], True)]) == {}
    assert markov_credits([]) == {}


@settings(max_examples=60, deadline=None)
@given(
    paths=st.lists(
        st.tuples(st.lists(st.sampled_from("ABCD"), min_size=1, max_size=5), st.booleans()), min_size=1, max_size=12
    )
)
def test_credits_sum_to_the_number_of_conversions(paths: list[tuple[list[str], bool]]) -> None:
    credits = markov_credits(paths)
    conversions = sum(1 for _, converted in paths if converted)
    assert sum(credits.values()) == conversions
    assert all(0 <= value <= conversions for value in credits.values())
