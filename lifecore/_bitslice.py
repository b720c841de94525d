"""NumPy-side simulation kernels (to be replaced by the bit-sliced numba kernel)."""

from __future__ import annotations

import numpy as np

from .rules import Rule


def step(x: np.ndarray, rule: Rule, boundary: str) -> np.ndarray:
    from .simulate import neighbour_counts

    return rule.table[x, neighbour_counts(x, rule, boundary)]


def simulate(x: np.ndarray, rule: Rule, steps: int, boundary: str, stop):
    from .simulate import StopReport, _RepeatDetector

    frames = np.empty((x.shape[0], steps + 1) + x.shape[1:], dtype=np.uint8)
    frames[:, 0] = x
    detector = _RepeatDetector(x.shape[0], stop) if stop else None
    if detector:
        detector.see(0, x)
    t = 0
    for t in range(1, steps + 1):
        x = step(x, rule, boundary)
        frames[:, t] = x
        if detector and detector.see(t, x):
            break
    if stop is None:
        return frames
    frames = frames[:, : t + 1]
    return frames, detector.report(frames.shape[1])
