"""Rules as 512-entry window tables, and the smallest rule family holding a table.

Golly's MAP index of a 3x3 window is ``256*NW + 128*N + 64*NE + 32*W + 16*C + 8*E + 4*SW +
2*S + SE`` (N the row above). Every rule of `lifecore.rules` exposes its table as
``rule.window_table``; `window_table` also builds it for an outer-totalistic `Rule` that
predates that attribute.
"""

from __future__ import annotations

import numpy as np

__all__ = ["golly_windows", "window_table", "describe"]


def golly_windows() -> np.ndarray:
    """``(512, 3, 3)`` uint8: the 3x3 window of every Golly MAP index."""
    index = np.arange(512)[:, None] >> np.arange(8, -1, -1)
    return (index & 1).astype(np.uint8).reshape(512, 3, 3)


def window_table(rule) -> np.ndarray:
    """A rule's next state for each 3x3 window: uint8 ``(512,)`` in Golly's index order."""
    table = getattr(rule, "window_table", None)
    if table is not None:
        return np.asarray(table, dtype=np.uint8).reshape(512)
    cells = golly_windows()
    counts = sum(cells[:, 1 + dr, 1 + dc].astype(int) for dr, dc in rule.offsets)
    return rule.table[cells[:, 1, 1], counts].astype(np.uint8)


def describe(table: np.ndarray) -> tuple[str, str, str]:
    """``(rule string, family, neighbourhood)`` of the smallest family holding ``table``.

    Parameters
    ----------
    table : np.ndarray
        uint8 ``(512,)``, Golly's index order.

    Returns
    -------
    tuple of str
        Golly's canonical string (`lifecore.rules.from_window_table`), one of
        "outer-totalistic", "isotropic", "map", and the neighbourhood ("moore" unless an
        outer-totalistic rule on von Neumann or hex).
    """
    from ..rules import from_window_table

    rule = from_window_table(np.asarray(table, dtype=np.uint8))
    return str(rule), rule.family, rule.neighbourhood
