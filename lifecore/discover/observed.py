"""Data as observed: frames every ``stride`` generations, some cells unseen, some flipped.

A trajectory ``(N, T, H, W)`` uint8 holds 0/1 for an observed cell and ``HIDDEN`` (255) for a
cell not observed. Frame ``t + 1`` is ``stride`` generations after frame ``t``, so a cell's
state at ``t + 1`` is fixed by the ``(2K+1) x (2K+1)`` patch around it at ``t``: one *sample*
is that patch and the observed state it led to. Noise is never modelled explicitly: a search
counts mismatches over samples, so flipped cells only lower the margin of the answer.

Samples are what every search here consumes; unseen patch cells are coded ``UNKNOWN`` (2) so
that the kernels can carry them through the generations as "either".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from .result import DiscoveryError

__all__ = ["HIDDEN", "UNKNOWN", "Samples", "check_observed", "make_samples", "observe"]

HIDDEN = 255
UNKNOWN = 2
_MAX_STRIDE = 8


def check_observed(arr: Any, stride: int = 1, name: str = "trajectories") -> np.ndarray:
    """Validate uint8 ``(N, T, H, W)`` frames of 0, 1 and ``HIDDEN`` (255), ``T >= 2``.

    Raises
    ------
    DiscoveryError
        Naming what is wrong (type, dtype, shape, values, stride).
    """
    if isinstance(stride, bool) or not isinstance(stride, (int, np.integer)):
        raise DiscoveryError(f"stride must be a positive integer, got {stride!r}")
    if not 1 <= stride <= _MAX_STRIDE:
        raise DiscoveryError(f"stride must be between 1 and {_MAX_STRIDE}, got {stride}")
    if not isinstance(arr, np.ndarray) or arr.dtype != np.uint8 or arr.ndim != 4:
        what = f"{arr.dtype} {arr.shape}" if isinstance(arr, np.ndarray) else type(arr).__name__
        raise DiscoveryError(f"{name} must be a uint8 array (N, T, H, W), got {what}")
    if 0 in arr.shape or arr.shape[1] < 2:
        raise DiscoveryError(f"{name} need N, H, W >= 1 and T >= 2 frames, got {arr.shape}")
    bad = (arr > 1) & (arr != HIDDEN)
    if bad.any():
        raise DiscoveryError(
            f"{name} must hold 0, 1 or {HIDDEN} (not observed); found {int(arr[bad][0])}"
        )
    return arr


@dataclass(frozen=True)
class Samples:
    """Observed samples: ``patches`` ``(M, 2K+1, 2K+1)`` uint8 (0, 1, ``UNKNOWN``) at frame
    ``t`` and ``targets`` ``(M,)`` uint8, the observed state of the middle cell at ``t + 1``,
    ``stride`` (K) generations later. ``unknown`` ``(M,)`` counts the unseen patch cells.

    ``where`` ``(M, 4)`` (trajectory, frame, row, column of the target, its frame ``t``) and
    ``grid`` (``(N, T - 1, H, W)`` and whether it wraps) say where each sample sits, for a
    search that judges neighbouring samples together (`joint`: they share unseen cells);
    None for samples made by hand."""

    patches: np.ndarray
    targets: np.ndarray
    stride: int
    where: Optional[np.ndarray] = None
    grid: Optional[tuple[tuple[int, int, int, int], bool]] = None

    @property
    def unknown(self) -> np.ndarray:
        return (self.patches == UNKNOWN).reshape(len(self.patches), -1).sum(1)

    def __len__(self) -> int:
        return len(self.targets)

    def take(self, index: np.ndarray) -> Samples:
        where = None if self.where is None else self.where[index]
        return Samples(self.patches[index], self.targets[index], self.stride, where, self.grid)


def make_samples(frames: np.ndarray, stride: int = 1, boundary: str = "torus") -> Samples:
    """Every sample of ``frames`` whose target cell was observed.

    Parameters
    ----------
    frames : np.ndarray
        ``(N, T, H, W)`` uint8, 0/1 or ``HIDDEN`` (see `check_observed`).
    stride : int
        Generations between consecutive frames (K); patches are ``(2K+1)^2``.
    boundary : {"torus", "dead"}
        How the data were made: wrapped patches, or dead cells beyond the edge.
    """
    frames = check_observed(frames, stride)
    k = int(stride)
    side = 2 * k + 1
    before = np.where(frames[:, :-1] == HIDDEN, UNKNOWN, frames[:, :-1]).astype(np.uint8)
    mode = "wrap" if boundary == "torus" else "constant"
    padded = np.pad(before, ((0, 0), (0, 0), (k, k), (k, k)), mode=mode)
    view = np.lib.stride_tricks.sliding_window_view(padded, (side, side), axis=(2, 3))
    after = frames[:, 1:]
    seen = after != HIDDEN
    where = np.argwhere(seen)
    grid = (tuple(int(x) for x in seen.shape), boundary == "torus")
    return Samples(np.ascontiguousarray(view[seen]), after[seen].astype(np.uint8), k, where, grid)


def observe(
    frames: np.ndarray, stride: int = 1, hidden: float = 0.0, noise: float = 0.0, seed: int = 0
) -> np.ndarray:
    """Observations of clean every-generation ``frames`` ``(N, T, H, W)``: every
    ``stride``-th frame, each cell flipped with probability ``noise`` and hidden (``HIDDEN``)
    with probability ``hidden``, independently (the benchmark's and the tests' data model)."""
    rng = np.random.default_rng(seed)
    kept = np.ascontiguousarray(frames[:, ::stride]).astype(np.uint8)
    flips = rng.random(kept.shape) < noise
    kept ^= flips.astype(np.uint8)
    kept[rng.random(kept.shape) < hidden] = HIDDEN
    return kept
