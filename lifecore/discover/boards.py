"""One board that shows every class of a family: one step of a black box identifies its rule.

- MAP rules: every 3x3 window. `de_bruijn_torus` builds an 8 x 64 torus (512 cells) holding
  each of the 512 windows exactly once: column ``j`` is the binary de Bruijn sequence of
  order 3 (``00010111``) turned by ``t_j``, with the turns' steps a de Bruijn sequence of
  order 2 over 8 symbols. The window at (row ``i``, column ``j``) is then the three 3-bit
  words at positions ``p, p + d1, p + d1 + d2`` (``p = i - 1 + t_{j-1}``, ``(d1, d2)`` the
  steps into and out of column ``j``); ``p`` runs over 8 rows and ``(d1, d2)`` over all 64
  pairs once, and a 3-bit word fixes its position, so each window occurs once. (A 16 x 32
  torus with the same property also exists; this construction gives 8 x 64.)
- isotropic rules: all 102 (state, Hensel class) pairs on a 13 x 13 torus;
- outer-totalistic rules: all 18 Moore classes on 6 x 6, the 14 hex classes on 6 x 6, the
  10 von Neumann classes on 4 x 4.

The isotropic and outer-totalistic boards were found by `search_cover` (a seeded local search
that flips cells to cover more classes; the seed is recorded beside each board) and are
stored; the tests check each by enumerating its windows.
"""

from __future__ import annotations

import math
import random

import numpy as np

from ..extract.classes import class_space, window_indices
from .result import DiscoveryError

__all__ = [
    "design_board",
    "de_bruijn_torus",
    "de_bruijn_sequence",
    "search_cover",
    "classes_shown",
    "cells_until_covered",
    "BOARDS",
]

#: (family, neighbourhood) -> (board rows, the `search_cover` seed that found it)
BOARDS: dict[tuple[str, str], tuple[tuple[str, ...], int]] = {
    ("outer-totalistic", "moore"): (
        ("......", "..#.#.", "....#.", "######", "###.#.", "###.##"),
        0,
    ),
    ("outer-totalistic", "hex"): (("##..##", "##.#..", ".###..", "..###.", "#..#.#", "#.#.##"), 0),
    ("outer-totalistic", "vonneumann"): ((".#.#", "####", "...#", "..#."), 0),
    ("isotropic", "moore"): (
        (
            "...##.#....#.",
            "###.#.....#.#",
            "..##..###....",
            ".####.#...#.#",
            "###.#...##.##",
            "####..####...",
            "#..#.##...#..",
            "..#.##....#.#",
            ".####...##.#.",
            ".##.####..#..",
            ".######.##.#.",
            "#.#.###.#.###",
            "###.#......#.",
        ),
        2,
    ),
}


def de_bruijn_sequence(k: int, n: int) -> list[int]:
    """The lexicographically least de Bruijn sequence of order ``n`` over ``range(k)``
    (length ``k**n``; every word of length ``n`` occurs once, cyclically), by the
    Fredricksen-Kessler-Maiorana algorithm (concatenated Lyndon words)."""
    a = [0] * (k * n)
    out: list[int] = []

    def lyndon(t: int, p: int) -> None:
        if t > n:
            if n % p == 0:
                out.extend(a[1 : p + 1])
            return
        a[t] = a[t - p]
        lyndon(t + 1, p)
        for j in range(a[t - p] + 1, k):
            a[t] = j
            lyndon(t + 1, t)

    lyndon(1, 1)
    return out


def de_bruijn_torus() -> np.ndarray:
    """An 8 x 64 uint8 torus holding each of the 512 3x3 windows exactly once (see above)."""
    column = np.array(de_bruijn_sequence(2, 3), np.uint8)  # 00010111
    steps = de_bruijn_sequence(8, 2)  # all 64 pairs of turns, once each; sum = 0 mod 8
    turns = np.concatenate([[0], np.cumsum(steps[:-1])]) % 8
    rows = np.arange(8)
    return np.stack([column[(rows + t) % 8] for t in turns], axis=1)


def _board(rows: tuple[str, ...]) -> np.ndarray:
    return np.array([[c == "#" for c in row] for row in rows], np.uint8)


def design_board(family: str = "map", neighbourhood: str = "moore") -> np.ndarray:
    """One board ``(H, W)`` uint8 whose one-step transition (on a torus) shows every class.

    Parameters
    ----------
    family : str
        "map" (every window: 8 x 64), "isotropic" (13 x 13) or "outer-totalistic"
        (Moore 6 x 6, hex 6 x 6, von Neumann 4 x 4).
    neighbourhood : str
        For outer-totalistic rules; isotropic and MAP rules are Moore only.

    Returns
    -------
    np.ndarray
        ``(H, W)`` uint8 0/1.

    Raises
    ------
    DiscoveryError
        An unknown family or neighbourhood, or a non-Moore isotropic or MAP request.
    """
    try:
        class_space(family, neighbourhood)
    except ValueError as err:
        raise DiscoveryError(str(err)) from None
    if family == "map":
        return de_bruijn_torus()
    return _board(BOARDS[family, neighbourhood][0])


def classes_shown(board: np.ndarray, family: str, neighbourhood: str = "moore") -> np.ndarray:
    """``(2, k)`` bool: which classes of the family occur on ``board`` ``(..., H, W)`` (torus)."""
    space = class_space(family, neighbourhood)
    seen = np.zeros(2 * space.per_state, bool)
    seen[space.of_window[window_indices(board)].ravel()] = True
    return seen.reshape(space.shape)


def search_cover(
    family: str, neighbourhood: str, size: int, seed: int, budget: int = 20000
) -> np.ndarray | None:
    """A ``size`` x ``size`` torus showing every class, by local search, or None.

    Start from a random board (``random.Random(seed)``); flip one random cell at a time,
    keeping the flip when it loses no class and otherwise with probability
    ``exp(-lost / T)``, ``T`` cooling from 1 to 0.02; stop when every class is shown or after
    ``budget`` flips. Used to find the stored `BOARDS`.
    """
    space = class_space(family, neighbourhood)
    rng = random.Random(seed)
    board = np.array([[rng.randrange(2) for _ in range(size)] for _ in range(size)], np.uint8)
    counts = np.bincount(space.of_window[window_indices(board)].ravel(), minlength=len(space.names))
    temperature = 1.0
    for _ in range(budget):
        if counts.all():
            return board
        r, c = rng.randrange(size), rng.randrange(size)
        rows, cols = np.ix_(
            [(r + d) % size for d in (-1, 0, 1)], [(c + d) % size for d in (-1, 0, 1)]
        )
        before = space.of_window[window_indices(board)[rows, cols]].ravel()
        board[r, c] ^= 1
        after = space.of_window[window_indices(board)[rows, cols]].ravel()
        trial = counts.copy()
        np.subtract.at(trial, before, 1)
        np.add.at(trial, after, 1)
        lost = int((trial == 0).sum() - (counts == 0).sum())
        if lost <= 0 or rng.random() < math.exp(-lost / temperature):
            counts = trial
        else:
            board[r, c] ^= 1
        temperature = max(0.02, temperature * 0.9995)
    return board if counts.all() else None


def cells_until_covered(
    family: str,
    neighbourhood: str = "moore",
    density: float = 0.5,
    seed: int = 0,
    max_cells: int = 1 << 22,
    size: int = 64,
) -> float:
    """Cells of random soups read (raster order, one ``size`` x ``size`` torus after another)
    until every class of the family has been seen; ``inf`` if ``max_cells`` do not suffice.

    The count for one random stream: soups of ``density`` drawn with
    ``numpy.random.default_rng(seed)``. Compare with ``design_board(family,
    neighbourhood).size``.
    """
    space = class_space(family, neighbourhood)
    rng = np.random.default_rng(seed)
    seen = np.zeros(2 * space.per_state, bool)
    read = 0
    while read < max_cells:
        board = (rng.random((size, size)) < density).astype(np.uint8)
        classes = space.of_window[window_indices(board)].ravel()
        found, first = np.unique(classes, return_index=True)
        new = ~seen[found]
        seen[found] = True
        if seen.all():
            return float(read + first[new].max() + 1)
        read += classes.size
    return float("inf")
