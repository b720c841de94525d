"""Experiment design: which boards to show the black box next.

The menu is soups of `DENSITIES` (and, optionally, ``crafted`` boards showing every free
class once). For each, `expected_settled` estimates how many free classes it will settle by
simulating candidate rules, sampled from the network's ranking, on the very boards the
experiment will use and counting which free classes occur.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..data import soups
from ..extract.classes import class_space, window_indices
from ..extract.result import Extraction
from ..rules import NEIGHBOURHOODS
from ..seeds import child_seed
from ..simulate import step
from .boards import design_board

__all__ = ["DENSITIES", "crafted_boards", "expected_settled", "menu"]

#: The experiment menu: soups of these densities.
DENSITIES = tuple(round(d, 2) for d in np.linspace(0.05, 0.95, 10))


def crafted_boards(
    classes: Sequence[tuple[int, int]], neighbourhood: str, seed: int = 0
) -> np.ndarray:
    """One board ``(1, H, W)`` uint8 that shows each (state, count) class at least once, on
    isolated 3x3 tiles (the live neighbours of each tile chosen at random)."""
    rng = np.random.default_rng(seed)
    offsets = NEIGHBOURHOODS[neighbourhood]
    classes = list(classes) or [(0, 0)]
    per_row = int(np.ceil(np.sqrt(len(classes))))
    side = 4 * per_row
    board = np.zeros((side, side), np.uint8)
    for i, (s, c) in enumerate(classes):
        r0, c0 = 4 * (i // per_row) + 1, 4 * (i % per_row) + 1
        board[r0 + 1, c0 + 1] = s
        for j in rng.permutation(len(offsets))[:c]:
            dr, dc = offsets[j]
            board[r0 + 1 + dr, c0 + 1 + dc] = 1
    return board[None]


def expected_settled(
    boards: np.ndarray,
    steps: int,
    tab: Extraction,
    p_alive: np.ndarray,
    n_sim: int,
    rng: np.random.Generator,
    boundary: str = "torus",
) -> float:
    """Mean number of free classes that occur when sampled candidate rules run ``boards``.

    Parameters
    ----------
    boards : np.ndarray
        ``(N, H, W)`` uint8, the experiment's boards.
    steps : int
        Generations the experiment will run.
    tab : Extraction
        The current tabulation (free classes are ``tab.table < 0``; its ``family`` and
        ``neighbourhood`` say what a class is).
    p_alive : np.ndarray
        ``tab.table``'s shape: the probability a candidate has each class alive.
    n_sim : int
        Candidates sampled.
    rng : numpy.random.Generator
    """
    free = tab.table < 0
    if not free.any():
        return 0.0
    space = class_space(tab.family, tab.neighbourhood)
    total = 0
    for _ in range(n_sim):
        table = tab.table.copy()
        table[free] = (rng.random(free.sum()) < p_alive[free]).astype(np.int64)
        cand = space.rule(table)
        x, hit = boards, np.zeros(free.size, bool)
        for _t in range(steps):
            hit[space.of_window[window_indices(x, boundary)].ravel()] = True
            if (hit.reshape(free.shape) | ~free).all():
                break
            x = step(x, cand, boundary)
        total += int((hit.reshape(free.shape) & free).sum())
    return total / n_sim


def menu(
    tab: Extraction, seed: int, round_: int, boards: int, size: int, crafted: bool
) -> list[dict]:
    """The experiments on offer in round ``round_``: ``{"kind", "density", "boards"}``.

    Soups of every density in `DENSITIES` (``boards`` boards of ``size`` x ``size``, seeded
    by `numpy.random.SeedSequence` from ``seed``, the round and the density's place), and with
    ``crafted`` one board showing every class still free under ``tab`` (`_crafted`).
    """
    out = [
        {
            "kind": "soup",
            "density": d,
            "boards": soups(boards, size, d, seed=child_seed(seed, "menu", round_, i)),
        }
        for i, d in enumerate(DENSITIES)
    ]
    if crafted:
        out.append({"kind": "crafted", "density": None, "boards": _crafted(tab, seed, round_)})
    return out


def _crafted(tab: Extraction, seed: int, round_: int) -> np.ndarray:
    """Boards ``(1, H, W)`` showing the free classes: isolated tiles for outer-totalistic
    classes, the family's `design_board` otherwise."""
    if tab.family != "outer-totalistic":
        return design_board(tab.family, tab.neighbourhood)[None]
    free = [(s, c) for s in range(2) for c in range(tab.table.shape[1]) if tab.table[s, c] < 0]
    return crafted_boards(free, tab.neighbourhood, child_seed(seed, "crafted", round_))
