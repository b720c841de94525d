"""Golly's bounded plane when the background does not stay dead (B0 rules).

Golly treats the cells outside a ``:P`` grid as the background of an infinite universe:
dead at first, then evolving under the rule, as a boundless empty universe would. With
B0 (an all-dead window gives birth) the background is live after one generation, and dead
again after the next unless the all-live window survives. While it is live, a step is the
dead-boundary step of the *complemented* board under the *reversed* table
(``next = table[511 - index of the complement]``), so both simulators serve unchanged;
the run goes one generation at a time. Rules without B0 never get here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._boards import check_result_size, is_tensor
from ._repeat import RepeatDetector, Stopped
from ._windowlogic import window_table

__all__ = ["background_flips", "simulate_background"]


def background_flips(boundary: Any, rule: Any) -> bool:
    """True for a Golly ``:P`` plane (no explicit boundary) whose background turns live."""
    topology = getattr(rule, "topology", None)
    return (
        boundary is None
        and topology is not None
        and topology.kind == "P"
        and (bool(window_table(rule)[0]))
    )


class _Table:
    """A rule given by its window table alone (the complemented-background step)."""

    family, neighbourhood, topology = "map", "moore", None

    def __init__(self, table: np.ndarray):
        self.window_table = table


def _complement(x: Any) -> Any:
    return (x == 0).to(x.dtype) if is_tensor(x) else (x == 0).view(np.uint8)


def _stack(frames: list) -> Any:
    if is_tensor(frames[0]):
        import torch

        return torch.stack(frames, dim=1)
    return np.stack(frames, axis=1)


def _keys(states: Any, background: int) -> np.ndarray:
    """Repeat-detector keys: the packed cells of each board, then the background."""
    cells = np.asarray(states.cpu() if is_tensor(states) else states, dtype=np.uint8)
    packed = np.packbits(cells.reshape(len(cells), -1), axis=1)
    return np.concatenate([packed, np.full((len(cells), 1), background, np.uint8)], axis=1)


def simulate_background(x, rule, steps, stop, keep, max_bytes, backend):
    """`simulate` on a Golly plane whose background alternates (B0 rules), step by step.

    While the background is live, the cells outside read 1: the step is then the dead-
    boundary step of the complemented board under the reversed table
    (``next = table[511 - index of the complement]``).
    """
    table = np.asarray(window_table(rule), dtype=np.uint8)
    reverse = _Table(table[::-1].copy())
    frame_bytes = int(np.prod(x.shape)) * (x.element_size() if is_tensor(x) else 1)
    detector = RepeatDetector(x.shape[0], stop, max_bytes) if stop else None
    frames, background, t = [x], 0, 0
    if detector:
        detector.see(0, _keys(x, 0))
    for t in range(1, steps + 1):
        if keep == "all":
            check_result_size((len(frames) + 1) * frame_bytes, max_bytes)
        prev = frames[-1]
        if background:
            nxt = backend.simulate(_complement(prev), reverse, 1, "dead", None, "last", None)
        else:
            nxt = backend.simulate(prev, rule, 1, "dead", None, "last", None)
        background = int(table[511 * background])
        if keep == "all":
            frames.append(nxt)
        else:
            frames = [nxt]
        if detector and detector.see(t, _keys(nxt, background)):
            break
    result = _stack(frames) if keep == "all" else frames[-1]
    return Stopped(result, detector.report(t + 1)) if detector else result
