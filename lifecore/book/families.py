"""The "Beyond Life-like rules" chapter's measurements on the three rule families.

Every two-state rule on the 3x3 neighbourhood is a table over Golly's 512 window indices
(`lifecore.rules.windows`); a family groups those windows into classes that must share a value:
18 (state, count) classes for outer-totalistic rules, 102 (state, Hensel class) classes for
isotropic ones, and each of the 512 windows alone for MAP rules. Here: the class of every
window per family, the windows on a board, a rule read from observed pairs, and Golly's
recorded runs as boards.
"""

from __future__ import annotations

import numpy as np

from ..errors import LifecoreError

__all__ = [
    "FamiliesError",
    "FAMILY_NAMES",
    "class_ids",
    "board_windows",
    "tabulate_windows",
    "golly_case",
]


class FamiliesError(LifecoreError):
    """An unknown family, or pairs that no two-state 3x3 rule made."""


#: The families, smallest first.
FAMILY_NAMES = ("outer-totalistic", "isotropic", "map")


def class_ids(family: str) -> np.ndarray:
    """The class of each of the 512 windows under ``family``: shape ``(512,)``, int64.

    Raises
    ------
    FamiliesError
        For a family not in `FAMILY_NAMES`.
    """
    from ..rules import NEIGHBOURHOODS
    from ..rules.hensel import CLASS_OF_WINDOW, HENSEL_CLASSES
    from ..rules.windows import CENTRE_BIT, neighbour_counts_of_windows

    index = np.arange(512)
    centre = (index & CENTRE_BIT) != 0
    if family == "map":
        return index
    if family == "isotropic":
        return CLASS_OF_WINDOW + len(HENSEL_CLASSES) * centre
    if family == "outer-totalistic":
        return neighbour_counts_of_windows(NEIGHBOURHOODS["moore"]) + 9 * centre
    raise FamiliesError(f"unknown family {family!r}: expected one of {FAMILY_NAMES}")


def board_windows(boards) -> np.ndarray:
    """Golly's window index of every cell of ``boards`` (``(..., H, W)`` 0/1) on a torus,
    same shape, int64: the window a rule reads to decide that cell's next state
    (`lifecore.extract.classes.window_indices`)."""
    from ..extract.classes import window_indices

    return window_indices(boards)


def tabulate_windows(x, y) -> np.ndarray:
    """The next state seen for each window in pairs ``x -> y`` (``(N, H, W)`` each, torus):
    shape ``(512,)``, int8, ``-1`` where a window never occurs.

    Raises
    ------
    FamiliesError
        If one window is seen with both next states (no two-state rule of the 3x3
        neighbourhood made these pairs).
    """
    from ..extract.classes import window_counts

    counts = window_counts(np.asarray(x, np.uint8), np.asarray(y, np.uint8))  # (512, 2)
    mixed = (counts > 0).all(axis=1)
    if mixed.any():
        raise FamiliesError(f"windows {np.flatnonzero(mixed)[:5].tolist()} have both next states")
    seen = counts.sum(axis=1) > 0
    table = np.full(512, -1, dtype=np.int8)
    table[seen] = (counts[seen, 1] > 0).astype(np.int8)
    return table


def golly_case(before_rle: str, after_rle: str):
    """A Golly run recorded as two RLE texts: the input filling its bounded grid, and what
    Golly's ``bgolly`` wrote after it (with ``#CXRLE Pos= Gen=``).

    Returns ``(rule, before, after, generations)`` with both boards the grid's full
    ``(height, width)``, so ``simulate(before, rule, generations, keep="last")`` can be
    compared with ``after`` cell by cell. Golly centres a bounded grid on the origin: the
    grid's top-left cell is at ``(-width // 2, -height // 2)``.
    """
    from .. import rle

    start, end = rle.loads(before_rle), rle.loads(after_rle)
    top = start.topology
    if top is None or end.position is None or end.generation is None:
        raise FamiliesError("a Golly case needs a bounded grid and the output's Pos= and Gen=")
    h, w = top.height, top.width
    before = np.zeros((h, w), np.uint8)
    before[: start.cells.shape[0], : start.cells.shape[1]] = start.cells
    after = np.zeros((h, w), np.uint8)
    x, y = end.position
    ch, cw = end.cells.shape
    after[y + h // 2 : y + h // 2 + ch, x + w // 2 : x + w // 2 + cw] = end.cells
    return start.rule, before, after, end.generation
