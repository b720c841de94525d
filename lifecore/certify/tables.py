"""Rules as 512-entry window tables, and the smallest rule family holding a table.

Golly's MAP index of a 3x3 window is ``256*NW + 128*N + 64*NE + 32*W + 16*C + 8*E + 4*SW +
2*S + SE`` (N the row above). Every rule of `lifecore.rules` exposes its table as
``rule.window_table``; `window_table` also builds it for an outer-totalistic `Rule` that
predates that attribute.
"""

from __future__ import annotations

import base64

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


def _outer_totalistic(table: np.ndarray):
    """The outer-totalistic `Rule` (Moore, else von Neumann, else hex) with ``table``, or None."""
    from ..rules import NEIGHBOURHOODS, Rule

    cells = golly_windows()
    for hood, offsets in NEIGHBOURHOODS.items():
        counts = sum(cells[:, 1 + dr, 1 + dc].astype(int) for dr, dc in offsets)
        small = np.full((2, len(offsets) + 1), -1)
        for state, count, nxt in zip(cells[:, 1, 1], counts, table):
            if small[state, count] not in (-1, nxt):
                break
            small[state, count] = nxt
        else:
            return Rule.from_table(small.clip(0, 1), hood)
    return None


def _isotropic(table: np.ndarray) -> bool:
    """Whether ``table`` is unchanged by the 8 rotations and reflections of the window."""
    cells = golly_windows()
    weights = 1 << np.arange(8, -1, -1).reshape(3, 3)
    for turn in range(4):
        for flip in (False, True):
            moved = np.rot90(cells, turn, axes=(1, 2))
            moved = moved[:, :, ::-1] if flip else moved
            if not np.array_equal(table[(moved * weights).sum(axis=(1, 2))], table):
                return False
    return True


def _map_string(table: np.ndarray) -> str:
    """Golly's ``MAP`` string: base64 of the 512 bits, most significant first, unpadded."""
    packed = np.packbits(table.astype(np.uint8)).tobytes()
    return "MAP" + base64.b64encode(packed).decode().rstrip("=")


def describe(table: np.ndarray) -> tuple[str, str, str]:
    """``(rule string, family, neighbourhood)`` of the smallest family holding ``table``.

    Parameters
    ----------
    table : np.ndarray
        uint8 ``(512,)``, Golly's index order.

    Returns
    -------
    tuple of str
        Golly's canonical string, one of "outer-totalistic", "isotropic", "map", and the
        neighbourhood ("moore" unless an outer-totalistic rule on von Neumann or hex).
    """
    rule = _outer_totalistic(table)
    if rule is not None:
        return str(rule), "outer-totalistic", rule.neighbourhood
    family = "isotropic" if _isotropic(table) else "map"
    return _map_string(table), family, "moore"
