"""An independent reference for the tests: one generation written from the definition,
a plain loop over cells and neighbour offsets, sharing no code with the simulator."""

import numpy as np

from lifecore.rules import Rule


def naive_step(boards: np.ndarray, rule, boundary: str) -> np.ndarray:
    """One generation of a board ``(H, W)`` or batch ``(N, H, W)``; modulo wraps a torus,
    a bounds check makes outside cells dead."""
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
