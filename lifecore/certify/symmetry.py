"""Whether a network is invariant under the half turn of its window, proved on its weights.

Why: a p4- or D4-equivariant network (`lifecore.models`) gives a window and its 180-degree
turn the same logit, so a certificate needs only half the windows (`_halfturn`). That is
only sound when the invariance is exact, so it is checked on the weights themselves, bitwise,
not on samples: the turn reverses the order of the window's cells; the first layer must
map that to a permutation ``p`` of its channels (``W[c] reversed == W[p(c)]``, equal biases),
and each later stage must carry the permutation of its inputs to one of its outputs
(``V[o, :] == V[q(o), p(:)]``, equal biases), ending with the one logit fixed. Then, by
induction over the stages, every activation of the turned window is the permuted activation
of the window, in exact arithmetic, and so is the logit.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .network import Network

__all__ = ["half_turn_invariant"]


def _matching(rows: np.ndarray, targets: np.ndarray) -> Optional[np.ndarray]:
    """A bijection ``q`` with ``rows[o] == targets[q[o]]`` bitwise, or None."""
    free: dict[bytes, list[int]] = {}
    for j, row in enumerate(targets):
        free.setdefault(row.tobytes(), []).append(j)
    q = np.empty(len(rows), np.int64)
    for o, row in enumerate(rows):
        bucket = free.get(row.tobytes())
        if not bucket:
            return None
        q[o] = bucket.pop()
    return q


def half_turn_invariant(net: Network) -> bool:
    """Whether ``net``'s logit is the same, in exact arithmetic, for every window and its
    half turn (module docstring). Stages with pooling are not analysed (False)."""
    if any(stage.pool > 1 for stage in net.stages):
        return False
    first = np.column_stack([net.first_weight, net.first_bias])
    turned = np.column_stack([net.first_weight[:, ::-1], net.first_bias])
    p = _matching(turned, first)  # h(turned window)[c] = h(window)[p[c]]
    for stage in net.stages:
        if p is None:
            return False
        rows = np.column_stack([stage.weight, stage.bias])
        permuted = np.column_stack([stage.weight[:, p], stage.bias])
        p = _matching(rows, permuted)  # y(turned)[o] = y(window)[q[o]]
    return p is not None and len(p) == 1 and p[0] == 0
