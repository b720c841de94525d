"""Where two rules could disagree on a sample despite its unseen cells: a tainted simulation.

Why: the SAT proof (`sat`) refutes a rival that the simulator's per-sample check cannot, by
encoding targets whose cones share unseen cells, so that the solver must give each cell one
value. Blocks around samples picked without regard to the rival do not refute it: a rival
that differs only on windows the data rarely reach (S8 in a soup that dies) is open on
128,068 samples of one benchmark run, and 334 rounds of blocks around the fewest-unseen of
them left it open at the 90 s budget. Around samples where the rival *could* predict
otherwise than the winner, eight blocks a round refute it (measured there: unique in a few
seconds).

The simulation is ternary (0, 1, unknown) under the winner's table, carrying a taint: a cell
is tainted when some completion of its window is one where the two tables differ, or a
cell of its window is tainted. An untainted target is predicted alike by both rules in
every completion of the sample's unseen cells, so no encoding of it alone separates them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .observed import UNKNOWN

__all__ = ["could_differ"]

_CHUNK = 20000  # samples simulated at once
_POWERS = 3 ** np.arange(8, -1, -1)  # a ternary window's index, NW most significant


@lru_cache(maxsize=1)
def _reach() -> np.ndarray:
    """``(3^9, 512)`` float32 0/1: the windows (`rules.windows` order) each ternary window can
    be completed to; digit 2 of its base-3 index is an unknown cell. Float32, so that counting
    a table's windows is one BLAS product (counts up to 512 are exact): 3 ms, where the
    boolean matrix, cast to int64 at each product, took 170 ms a call."""
    digits = (np.arange(3**9)[:, None] // _POWERS[None]) % 3
    bits = (np.arange(512)[:, None] >> np.arange(8, -1, -1)[None]) & 1
    reach = np.ones((3**9, 512), bool)
    for k in range(9):
        reach &= (digits[:, k, None] == UNKNOWN) | (digits[:, k, None] == bits[None, :, k])
    return reach.astype(np.float32)


def _ternary(table: np.ndarray, differ: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per ternary window: its next state under ``table`` (2: completions disagree), whether
    some completion is a window in ``differ`` ``(512,)`` bool, and whether every one is."""
    reach = _reach()
    ones = reach @ table.astype(np.float32)
    total = reach.sum(1)
    state = np.where(ones == 0, 0, np.where(ones == total, 1, UNKNOWN)).astype(np.uint8)
    hits = reach @ differ.astype(np.float32)
    return state, hits > 0, hits == total


def _windows(values: np.ndarray) -> np.ndarray:
    """Ternary index of every 3x3 window of ``values`` ``(M, S, S)``: ``(M, S-2, S-2)``."""
    size = values.shape[1] - 2
    index = np.zeros((len(values), size, size), np.int64)
    for k, (dy, dx) in enumerate((dy, dx) for dy in range(3) for dx in range(3)):
        index += values[:, dy : dy + size, dx : dx + size].astype(np.int64) * _POWERS[k]
    return index


def _spread(taint: np.ndarray) -> np.ndarray:
    """Whether any cell of each 3x3 window of ``taint`` ``(M, S, S)`` is tainted."""
    size = taint.shape[1] - 2
    out = np.zeros((len(taint), size, size), bool)
    for dy in range(3):
        for dx in range(3):
            out |= taint[:, dy : dy + size, dx : dx + size]
    return out


def could_differ(
    table: np.ndarray, other: np.ndarray, patches: np.ndarray, stride: int
) -> tuple[np.ndarray, np.ndarray]:
    """Whether the window tables ``table`` and ``other`` ``(512,)`` could predict the target
    of each patch ``(M, 2K+1, 2K+1)`` (0, 1, ``UNKNOWN``) differently ``stride`` = K
    generations on, in some completion of its unknown cells: ``(M,)`` bool (False is
    proved: they agree in every completion; True is possible, not proved); and ``(M,)``
    int, the windows of its cone (under ``table``'s generations) on which the two surely
    differ, whatever the completion: where a difference is likeliest to reach the target."""
    state, hits, sure = _ternary(np.asarray(table), np.asarray(table) != np.asarray(other))
    possible = np.zeros(len(patches), bool)
    certain = np.zeros(len(patches), np.int64)
    for lo in range(0, len(patches), _CHUNK):
        values = patches[lo : lo + _CHUNK]
        taint = np.zeros(values.shape, bool)
        for _ in range(stride):
            index = _windows(values)
            taint = hits[index] | _spread(taint)
            certain[lo : lo + _CHUNK] += sure[index].reshape(len(index), -1).sum(1)
            values = state[index]
        possible[lo : lo + _CHUNK] = taint[:, 0, 0]
    return possible, certain
