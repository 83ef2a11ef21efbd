"""The first-order Markov removal-effect model (rules.md 3.4 `markov`), in pure Python, exact.

Paths are the journeys of the report's window: each a sequence of keys (channels or campaigns),
oldest first, that ended in a conversion or in nothing (null). The chain's states are a start, one
state per key, and the two absorbing states `conversion` and `null`; the transition probabilities
are the observed counts of consecutive steps (start -> first key, ..., last key -> its end),
normalised per state. P(conversion) is the absorption probability from the start, solved exactly
(Fractions, Gaussian elimination), not simulated. A key's removal effect is
`1 - P(conversion without it) / P(conversion)`, where removing a key sends every step into it to
null. The effects, normalised over keys, times the number of conversions, are the keys' credits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction
from itertools import pairwise
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

_START = ("start",)
_CONVERSION = ("conversion",)
_NULL = ("null",)


class Chain(Generic[K]):
    """The transition counts of a set of paths."""

    def __init__(self, paths: Iterable[tuple[Sequence[K], bool]]) -> None:
        self.counts: dict[object, Counter[object]] = defaultdict(Counter)
        self.keys: list[K] = []
        self.conversions = 0
        seen: set[K] = set()
        for steps, converted in paths:
            if not steps:
                continue  # a journey with no touch is unattributed: not a path of the chain
            self.conversions += 1 if converted else 0
            states: list[object] = [_START, *steps, _CONVERSION if converted else _NULL]
            for here, there in pairwise(states):
                self.counts[here][there] += 1
            for key in steps:
                if key not in seen:
                    seen.add(key)
                    self.keys.append(key)

    def conversion_probability(self, *, without: K | None = None) -> Fraction:
        """The probability of reaching `conversion` from the start, with `without`'s state (if
        given) turned into null."""
        transient: list[object] = [_START, *(key for key in self.keys if key != without)]
        if not self.counts:
            return Fraction(0)
        index = {state: i for i, state in enumerate(transient)}
        n = len(transient)
        # (I - Q) p = r, where Q holds the transient-to-transient probabilities and r those of
        # going straight to conversion.
        matrix = [[Fraction(0)] * (n + 1) for _ in range(n)]
        for i, state in enumerate(transient):
            row = self.counts[state]
            total = sum(row.values())
            matrix[i][i] += 1
            for there, count in row.items():
                probability = Fraction(count, total)
                if there == _CONVERSION:
                    matrix[i][n] += probability
                elif there in index:
                    matrix[i][index[there]] -= probability
                # to null, or into the removed key: absorbed without converting
        return _solve(matrix)[0]

    def removal_effects(self) -> dict[K, Fraction]:
        """Each key's removal effect, 0 to 1 (all 0 when nothing converted)."""
        base = self.conversion_probability()
        if base == 0:
            return {key: Fraction(0) for key in self.keys}
        return {key: 1 - self.conversion_probability(without=key) / base for key in self.keys}


def removal_effects(paths: Iterable[tuple[Sequence[K], bool]]) -> dict[K, Fraction]:
    """Each key's removal effect over `paths` (each `(keys, converted)`)."""
    return Chain(paths).removal_effects()


def markov_credits(paths: Iterable[tuple[Sequence[K], bool]]) -> dict[K, Fraction]:
    """Each key's credit: its removal effect, normalised over the keys, times the number of
    converted paths. The credits sum to the number of conversions (all 0 when none converted)."""
    chain: Chain[K] = Chain(paths)
    effects = chain.removal_effects()
    total = sum(effects.values(), Fraction(0))
    if total == 0:
        return {key: Fraction(0) for key in effects}
    return {key: effect / total * chain.conversions for key, effect in effects.items()}


def _solve(matrix: list[list[Fraction]]) -> list[Fraction]:
    """Solve the augmented square system `matrix` (n rows of n + 1) in place, exactly; it must be
    non-singular (an absorbing chain's I - Q is)."""
    n = len(matrix)
    for column in range(n):
        pivot = next(row for row in range(column, n) if matrix[row][column] != 0)
        matrix[column], matrix[pivot] = matrix[pivot], matrix[column]
        lead = matrix[column][column]
        pivot_row = [value / lead for value in matrix[column]]
        matrix[column] = pivot_row
        for row in range(n):
            factor = matrix[row][column]
            if row != column and factor != 0:
                current = matrix[row]
                matrix[row] = [
                    value - factor * pivot_value for value, pivot_value in zip(current, pivot_row, strict=True)
                ]
    return [matrix[row][n] for row in range(n)]
