"""The noisy certificate of a table found by search, rival by rival: each single-entry change.

For every table entry ``c`` the rival that differs from the winner only at ``c`` is
simulated on a set of samples; where the two predict differently (both decided), the winner
makes ``b`` mismatches and the rival ``r``. The entry is settled when ``r - b >=
required_margin(b)`` (the statistical margin of `verdict`, local to where the two disagree,
as `exhaustive` scores it); an entry no sample exercises (no disagreement) is open.

Why only single-entry rivals: at stride > 1 and 1% noise neither exhaustive search nor
MaxSAT over every rival finishes (`anneal`); the single changes are the rivals a search
that stopped near the truth would confuse it with. It is weaker than the clean SAT proof,
and `search_sat` says which certificate an answer carries (``details["certificate"]``).
"""

from __future__ import annotations

import numpy as np

from ._kernel import predict_tables
from .observed import Samples
from .verdict import required_margin

__all__ = ["flip_margins"]


def flip_margins(values: np.ndarray, of_window: np.ndarray, samples: Samples) -> np.ndarray:
    """``(C, 2)``: per entry, the margin ``r - b`` of the single-entry rival over the winner
    ``values`` on ``samples`` and the margin required (`required_margin(b)`)."""
    of_window = np.asarray(of_window, dtype=np.int64)
    tables = np.repeat(values[None], len(values) + 1, axis=0).astype(np.uint8)
    tables[np.arange(len(values)), np.arange(len(values))] ^= 1  # row C is the winner
    preds = predict_tables(np.ascontiguousarray(tables[:, of_window]), samples.patches,
                           samples.stride)  # fmt: skip
    win, rivals = preds[-1], preds[:-1]
    differ = (rivals != win) & (rivals != 2) & (win != 2)
    b = (differ & (win != samples.targets)).sum(1)
    r = (differ & (rivals != samples.targets)).sum(1)
    need = np.asarray([required_margin(int(x)) for x in b])
    return np.stack([r - b, need], axis=1)
