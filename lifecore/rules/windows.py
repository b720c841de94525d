"""3x3 windows as Golly numbers them, and the eight symmetries of the square.

Any two-state rule on the Moore neighbourhood is a function of the 3x3 window around a
cell: 512 windows, each numbered as Golly's MAP rules number them,

    index = 256*NW + 128*N + 64*NE + 32*W + 16*C + 8*E + 4*SW + 2*S + SE

with N the row above the cell (row -1). Every rule family in `lifecore.rules` is a
512-entry table over this index, so one numbering serves tabulation, simulation and
certification alike.
"""

from __future__ import annotations

import numpy as np

from .base import RuleError

__all__ = [
    "WINDOW_WEIGHTS",
    "CENTRE_BIT",
    "ALL_WINDOWS",
    "SYMMETRIES",
    "window_index",
    "window_cells",
    "neighbour_counts_of_windows",
]

#: Weight of each window cell in Golly's index, laid out like the window (row -1 on top).
WINDOW_WEIGHTS = np.array([[256, 128, 64], [32, 16, 8], [4, 2, 1]], dtype=np.int64)
WINDOW_WEIGHTS.setflags(write=False)

#: Bit of the centre cell in the index.
CENTRE_BIT = 16


def window_cells(index: np.ndarray | int) -> np.ndarray:
    """The 3x3 window(s) of Golly index(es): shape ``(..., 3, 3)``, uint8 0/1.

    Parameters
    ----------
    index : int or array of int
        Window indices in ``0..511``.

    Returns
    -------
    numpy.ndarray
        ``index.shape + (3, 3)``, uint8.

    Raises
    ------
    RuleError
        If an index is outside ``0..511`` or not an integer.
    """
    idx = np.asarray(index)
    if idx.dtype.kind not in "iu":
        raise RuleError(f"window indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() > 511):
        raise RuleError("window indices must be from 0 to 511")
    return ((idx[..., None, None] & WINDOW_WEIGHTS) != 0).astype(np.uint8)


def window_index(windows: np.ndarray) -> np.ndarray:
    """Golly's index of each 3x3 window.

    Parameters
    ----------
    windows : array_like, shape (..., 3, 3)
        0/1 cells (bool or integer), row -1 first.

    Returns
    -------
    numpy.ndarray
        ``windows.shape[:-2]``, int64, each in ``0..511``.

    Raises
    ------
    RuleError
        If the last two axes are not 3 x 3 or a cell is not 0 or 1.
    """
    w = np.asarray(windows)
    if w.ndim < 2 or w.shape[-2:] != (3, 3):
        raise RuleError(f"windows must have shape (..., 3, 3), got {w.shape}")
    if w.dtype.kind not in "biuf" or not ((w == 0) | (w == 1)).all():
        raise RuleError("window cells must be 0 or 1")
    return np.tensordot(w.astype(np.int64), WINDOW_WEIGHTS, axes=([-2, -1], [0, 1]))


#: Every window, in index order: shape (512, 3, 3), uint8.
ALL_WINDOWS = window_cells(np.arange(512))
ALL_WINDOWS.setflags(write=False)


def _symmetries() -> np.ndarray:
    """``perm[s, i]``: the index of window ``i`` under symmetry ``s`` of the square."""
    views = []
    for flip in (False, True):
        base = ALL_WINDOWS[:, :, ::-1] if flip else ALL_WINDOWS
        for quarter in range(4):
            views.append(window_index(np.rot90(base, quarter, axes=(1, 2))))
    return np.stack(views)


#: The 8 symmetries of the square (4 rotations, each with and without a mirror) as
#: permutations of the window indices: shape (8, 512), int64; row 0 is the identity.
SYMMETRIES = _symmetries()
SYMMETRIES.setflags(write=False)


def neighbour_counts_of_windows(offsets: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Live cells of every window at the given offsets.

    Parameters
    ----------
    offsets : tuple of (int, int)
        ``(d_row, d_col)`` of each neighbour, each in -1..1 (e.g. ``NEIGHBOURHOODS["hex"]``).

    Returns
    -------
    numpy.ndarray
        Shape (512,), int64: the count for each window index.
    """
    counts = np.zeros(512, dtype=np.int64)
    for dr, dc in offsets:
        counts += ALL_WINDOWS[:, 1 + dr, 1 + dc]
    return counts
