"""Class spaces: what a "class" is in each rule family, and tallies of data over windows.

A rule of any family is a function of the 3x3 window (`lifecore.rules.windows`); a family groups
the 512 windows into classes on which its rules are constant:

- outer-totalistic on a neighbourhood: (state, live-neighbour count), ``B3``, ``S8``
  (2 x 9 on Moore, 2 x 5 von Neumann, 2 x 7 hex);
- isotropic: (state, Hensel class), ``B2a``, ``S4w`` (2 x 51);
- MAP: (state, the 8 neighbours), named by the window's Golly index, ``W273`` (2 x 256).

`window_counts` tallies data once, per (window, next state); a `ClassSpace` folds that tally
into its classes, so one pass over the data serves every family and neighbourhood.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ..rules import FAMILIES, NEIGHBOURHOODS, Rule, from_window_table
from ..rules.hensel import CLASS_OF_WINDOW, HENSEL_CLASSES, isotropic_class_name
from ..rules.windows import CENTRE_BIT, WINDOW_WEIGHTS, neighbour_counts_of_windows
from .errors import ExtractionError

__all__ = ["ClassSpace", "class_space", "window_indices", "window_counts", "FAMILIES"]

_STATE = ((np.arange(512) & CENTRE_BIT) != 0).astype(np.int64)


@dataclass(frozen=True, eq=False)
class ClassSpace:
    """The classes of one family (and, for outer-totalistic rules, one neighbourhood).

    Attributes
    ----------
    family : str
        "outer-totalistic", "isotropic" or "map".
    neighbourhood : str
    of_window : np.ndarray
        ``(512,)`` int64: the class of each window, ``state * per_state + k``.
    names : tuple of str
        ``2 * per_state`` class names, dead-cell classes first.
    """

    family: str
    neighbourhood: str
    of_window: np.ndarray
    names: tuple[str, ...]

    @property
    def per_state(self) -> int:
        """Classes per cell state (9 for Moore outer-totalistic, 51 isotropic, 256 MAP)."""
        return len(self.names) // 2

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of a class table: ``(2, per_state)``."""
        return (2, self.per_state)

    def tally(self, windows: np.ndarray) -> np.ndarray:
        """Fold a ``(512, 2)`` (window, next) tally into ``(2, per_state, 2)`` class counts."""
        out = np.zeros((2 * self.per_state, 2), np.int64)
        np.add.at(out, self.of_window, np.asarray(windows, np.int64))
        return out.reshape(2, self.per_state, 2)

    def name(self, state: int, k: int) -> str:
        """The name of class ``k`` of a cell in ``state``."""
        return self.names[state * self.per_state + k]

    def names_where(self, mask: np.ndarray) -> list[str]:
        """Names of the classes where the ``(2, per_state)`` ``mask`` is true."""
        return [self.names[i] for i in np.flatnonzero(np.asarray(mask).reshape(-1))]

    def window_table(self, table: np.ndarray) -> np.ndarray:
        """``(512,)`` int64: each window's entry of a ``(2, per_state)`` class table."""
        return np.asarray(table).reshape(-1)[self.of_window]

    def rule(self, table: np.ndarray):
        """The rule of the decided classes of a 1/0/-1 table (undetermined ones dead).

        Outer-totalistic spaces keep their neighbourhood (`Rule.from_table`); the others
        return the smallest family holding the rule (`lifecore.rules.from_window_table`),
        written in Golly's canonical notation.
        """
        alive = (np.asarray(table) == 1).astype(np.uint8)
        if self.family == "outer-totalistic":
            return Rule.from_table(alive, self.neighbourhood)
        return from_window_table(self.window_table(alive).astype(np.uint8))

    def table_of(self, rule) -> np.ndarray:
        """``(2, per_state)`` int64 table of ``rule`` in this space: 1/0 where the rule is
        constant on the class, -1 where it is not (the rule is outside this family)."""
        windows = np.stack([1 - rule.window_table, rule.window_table], 1).astype(np.int64)
        counts = self.tally(windows)
        table = (counts[..., 1] > 0).astype(np.int64)
        table[(counts[..., 0] > 0) & (counts[..., 1] > 0)] = -1
        return table


def _outer_totalistic(neighbourhood: str) -> ClassSpace:
    size = len(NEIGHBOURHOODS[neighbourhood])
    counts = neighbour_counts_of_windows(NEIGHBOURHOODS[neighbourhood])
    names = tuple(Rule.class_name(s, c) for s in range(2) for c in range(size + 1))
    return ClassSpace("outer-totalistic", neighbourhood, _STATE * (size + 1) + counts, names)


def _isotropic() -> ClassSpace:
    names = tuple(isotropic_class_name(s, n) for s in range(2) for n in HENSEL_CLASSES)
    of_window = _STATE * len(HENSEL_CLASSES) + CLASS_OF_WINDOW
    return ClassSpace("isotropic", "moore", of_window, names)


def _map() -> ClassSpace:
    index = np.arange(512)
    neighbours = ((index >> 5) << 4) | (index & 15)  # the 8 neighbour bits, centre dropped
    order = np.argsort(_STATE * 256 + neighbours)
    names = tuple(f"W{i}" for i in order)
    return ClassSpace("map", "moore", _STATE * 256 + neighbours, names)


@cache
def class_space(family: str, neighbourhood: str = "moore") -> ClassSpace:
    """The `ClassSpace` of ``family`` (on ``neighbourhood`` for outer-totalistic rules).

    Raises
    ------
    ExtractionError
        An unknown family, or a neighbourhood other than Moore for isotropic and MAP
        rules (Golly defines them on Moore only).
    """
    if family not in FAMILIES:
        raise ExtractionError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")
    if neighbourhood not in NEIGHBOURHOODS:
        raise ExtractionError(
            f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}"
        )
    if family == "outer-totalistic":
        return _outer_totalistic(neighbourhood)
    if neighbourhood != "moore":
        raise ExtractionError(f"{family} rules are defined on the Moore neighbourhood only")
    return _isotropic() if family == "isotropic" else _map()


def window_indices(boards: np.ndarray, boundary: str = "torus") -> np.ndarray:
    """Golly's window index of every cell: ``(..., H, W)`` int64 for 0/1 boards ``(..., H, W)``.

    ``boundary="torus"`` wraps; ``"dead"`` counts cells beyond the edge as dead.
    """
    x = np.asarray(boards, dtype=np.int64)
    if boundary not in ("torus", "dead"):
        raise ExtractionError(f"unknown boundary {boundary!r}; expected 'torus' or 'dead'")
    h, w = x.shape[-2:]
    pad = [(0, 0)] * (x.ndim - 2) + [(1, 1), (1, 1)]
    p = np.pad(x, pad, mode="wrap" if boundary == "torus" else "constant")
    out = np.zeros(x.shape, np.int64)
    for dr in range(3):
        for dc in range(3):
            out += WINDOW_WEIGHTS[dr, dc] * p[..., dr : dr + h, dc : dc + w]
    return out


def window_counts(x: np.ndarray, y: np.ndarray, boundary: str = "torus") -> np.ndarray:
    """``(512, 2)`` int64: how often each window (Golly's index) went to each next state,
    over boards ``x`` and next boards ``y`` (uint8 0/1, same shape)."""
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape:
        raise ExtractionError(f"x and y shapes differ: {x.shape} vs {y.shape}")
    flat = window_indices(x, boundary).ravel() * 2 + y.astype(np.int64).ravel()
    return np.bincount(flat, minlength=1024).reshape(512, 2)
