"""The Markov model's removal effects against an outside implementation, as a test-only oracle.

`marketing-attribution-models` (imported as `mam`) computes first-order removal effects exactly
(matrix inversion in floats), from the same chain as `attribution.markov`: a start state, one state
per channel, and the absorbing conversion and null states, where removing a channel sends every step
into it to null. It allocates credit differently (each conversion split within its own path by the
normalised effects; rules.md 3.4 multiplies the normalised effects by the brand's conversions), so
only the removal effects and their normalised shares are compared, not the credits.

The oracle is an optional extra, never shipped (`pip install -e '.[oracles]'`, or
`make test-oracles`); without it this module is skipped. `ChannelAttribution`, the other oracle
stack.md names, simulates (1-3 % noise) and is GPL-3.0: it is not used.

`transition_to_same_state=True`: a path A > A counts the step A -> A, as attribution.markov does
(mam drops such steps by default; the absorption probabilities, hence the effects, are the same
either way, since a state's self-step only rescales its other steps).
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.markov import removal_effects

pl = pytest.importorskip("polars")
mam_markov = pytest.importorskip("mam.models.markov")

Path = tuple[list[str], bool]


def _oracle(paths: list[Path]) -> tuple[dict[str, float], dict[str, float]]:
    """mam's removal effects and normalised shares of `paths`."""
    frame = pl.DataFrame(
        {
            "journey_id": list(range(len(paths))),
            "channels": [steps for steps, _ in paths],
            "has_conversion": [converted for _, converted in paths],
            "weight": [1.0] * len(paths),
            "conversion_value": [1.0 if converted else 0.0 for _, converted in paths],
        }
    )
    model = mam_markov.MarkovModel(transition_to_same_state=True)
    shares = {str(key): float(value) for key, value in model._compute_markov(frame).items()}
    effects = {str(key): float(value) for key, value in model.removal_effect_df["removal_effect"].items()}
    return effects, shares


def _shares(effects: dict[str, Fraction]) -> dict[str, Fraction]:
    total = sum(effects.values(), Fraction(0))
    return {key: (value / total if total else Fraction(0)) for key, value in effects.items()}


def test_the_hand_worked_loop_agrees_with_the_oracle() -> None:
    paths: list[Path] = [(["A", "B", "A"], True), (["B"], False), (["A"], True)]
    effects, shares = _oracle(paths)
    assert effects == pytest.approx({"A": 1.0, "B": 1 / 3})
    assert shares == pytest.approx({"A": 0.75, "B": 0.25})
    assert removal_effects(paths) == {"A": Fraction(1), "B": Fraction(1, 3)}


@settings(max_examples=80, deadline=None)
@given(
    paths=st.lists(
        st.tuples(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=6), st.booleans()),
        min_size=1,
        max_size=25,
    ).filter(lambda paths: any(converted for _, converted in paths))
)
def test_removal_effects_equal_the_oracles_on_random_graphs(paths: list[Path]) -> None:
    ours = removal_effects(paths)
    effects, shares = _oracle(paths)
    assert set(effects) == set(ours)
    for key, value in ours.items():
        assert math.isclose(effects[key], float(value), rel_tol=1e-9, abs_tol=1e-9), key
    for key, value in _shares(ours).items():
        assert math.isclose(shares[key], float(value), rel_tol=1e-9, abs_tol=1e-9), key
