"""An independent reference for the tests: one generation written from the definition,
a plain loop over cells and neighbours, sharing no code with the simulator."""

import numpy as np

from lifecore.rules import Rule


def naive_step(boards: np.ndarray, rule, boundary: str) -> np.ndarray:
    """One generation of an outer-totalistic rule on a board ``(H, W)`` or batch
    ``(N, H, W)``; modulo wraps a torus, a bounds check makes outside cells dead."""
    rule = rule if isinstance(rule, Rule) else Rule.parse(rule)
    batch = boards if boards.ndim == 3 else boards[None]
    n, h, w = batch.shape
    out = np.zeros_like(batch)
    for i in range(n):
        for r in range(h):
            for c in range(w):
                count = 0
                for dr, dc in rule.offsets:
                    rr, cc = r + dr, c + dc
                    if boundary == "torus":
                        count += int(batch[i, rr % h, cc % w])
                    elif 0 <= rr < h and 0 <= cc < w:
                        count += int(batch[i, rr, cc])
                alive = batch[i, r, c] == 1
                out[i, r, c] = (count in rule.survival) if alive else (count in rule.birth)
    return out if boards.ndim == 3 else out[0]


def naive_table_step(boards: np.ndarray, table, boundary: str) -> np.ndarray:
    """One generation of the rule whose next state for the 3x3 window is ``table[index]``,
    ``index = 256*NW + 128*N + 64*NE + 32*W + 16*C + 8*E + 4*SW + 2*S + SE`` (Golly's MAP
    order, N the row above), cell by cell."""
    batch = boards if boards.ndim == 3 else boards[None]
    n, h, w = batch.shape
    out = np.zeros_like(batch)
    for i in range(n):
        for r in range(h):
            for c in range(w):
                index = 0
                for weight, (dr, dc) in zip(
                    (256, 128, 64, 32, 16, 8, 4, 2, 1),
                    [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)],
                ):
                    rr, cc = r + dr, c + dc
                    if boundary == "torus":
                        index += weight * int(batch[i, rr % h, cc % w])
                    elif 0 <= rr < h and 0 <= cc < w:
                        index += weight * int(batch[i, rr, cc])
                out[i, r, c] = table[index]
    return out if boards.ndim == 3 else out[0]


class TableRule:
    """A rule given only by its 512-entry window table (as a MAP rule is)."""

    family = "map"
    neighbourhood = "moore"
    topology = None

    def __init__(self, table):
        self.window_table = np.asarray(table, dtype=np.uint8)

    def __str__(self) -> str:
        return "TableRule"
