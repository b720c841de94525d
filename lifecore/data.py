"""Training data: random soups, trajectories that stop at fixed points or cycles,
transition pairs split by trajectory, and the coverage of (state, count) classes.

The notes found cells with 5 or more live neighbours under 1% of the data from
density-0.5 soups. `COVERING` fixes that: every board draws its own density from a
wide range, so dense boards supply the high counts; `coverage` measures the difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np

from .errors import LifecoreError
from .rules import Rule, RuleLike, as_rule
from .simulate import BOUNDARIES, check_boards, neighbour_counts, simulate

__all__ = [
    "DataError",
    "Density",
    "COVERING",
    "soups",
    "trajectories",
    "TransitionData",
    "make_dataset",
    "coverage",
    "transition_counts",
    "stop_statistics",
    "high_count_share",
    "rarest_class",
]

Density = Union[float, tuple[float, float]]

#: Per-board density range of the covering scheme: every (state, count) class appears.
COVERING: tuple[float, float] = (0.05, 0.95)


class DataError(LifecoreError):
    """A dataset, or a dataset file, that is malformed."""


def _check_density(density: Density) -> tuple[float, float]:
    if isinstance(density, (int, float, np.floating)):
        lo = hi = float(density)
    else:
        try:
            lo, hi = (float(d) for d in density)
        except (TypeError, ValueError):
            raise DataError(
                f"density must be a number or a (low, high) pair, got {density!r}"
            ) from None
    if not (0.0 <= lo <= hi <= 1.0):
        raise DataError(f"density must satisfy 0 <= low <= high <= 1, got {density!r}")
    return lo, hi


def _shape(size: Union[int, Sequence[int]]) -> tuple[int, int]:
    shape = (size, size) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(shape) != 2 or any(int(s) < 1 for s in shape):
        raise DataError(f"board size must be a positive int or (H, W), got {size!r}")
    return int(shape[0]), int(shape[1])


def soups(
    n: int, size: Union[int, Sequence[int]], density: Density = 0.5, seed: int = 0
) -> np.ndarray:
    """``n`` random boards, uint8 ``(n, H, W)``; a density range draws one density per board."""
    if int(n) < 1:
        raise DataError(f"need at least one soup, got n={n!r}")
    lo, hi = _check_density(density)
    h, w = _shape(size)
    rng = np.random.default_rng(seed)
    p = rng.uniform(lo, hi, size=(int(n), 1, 1))
    return (rng.random((int(n), h, w)) < p).astype(np.uint8)


def trajectories(
    rule: RuleLike,
    n: int,
    size: Union[int, Sequence[int]],
    steps: int,
    density: Density = 0.5,
    seed: int = 0,
    boundary: str = "torus",
    stop: Optional[str] = "cycle",
):
    """Trajectories from random soups, each stopping once it reaches a fixed point or cycle.

    Returns ``(frames, report)`` as `lifecore.simulate` with ``stop`` (default ``"cycle"``).
    """
    boards = soups(n, size, density, seed)
    if stop is None:
        frames = simulate(boards, rule, steps, boundary)
        from .simulate import StopReport

        n_frames = frames.shape[1]
        report = StopReport(
            length=np.full(len(boards), n_frames),
            period=np.zeros(len(boards), int),
            start=np.full(len(boards), -1),
        )
        return frames, report
    return simulate(boards, rule, steps, boundary, stop=stop)


@dataclass
class TransitionData:
    """Pairs ``(x_t, x_{t+1})`` of boards with the trajectory each came from.

    ``x``, ``y``: uint8 ``(N, H, W)``; ``trajectory``: int64 ``(N,)``; ``meta``: rule,
    boundary, seed, sizes and how the data were made.
    """

    x: np.ndarray
    y: np.ndarray
    trajectory: np.ndarray
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        for name in ("x", "y"):
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.ndim != 3:
                raise DataError(
                    f"dataset array {name!r} must be (N, H, W), got {getattr(arr, 'shape', arr)!r}"
                )
            if arr.dtype != np.uint8:
                raise DataError(f"dataset array {name!r} must be uint8, got {arr.dtype}")
            check_boards(arr, name=f"dataset array {name!r}")
        if self.x.shape != self.y.shape:
            raise DataError(f"x and y shapes differ: {self.x.shape} vs {self.y.shape}")
        if self.trajectory.shape != (len(self.x),):
            raise DataError(
                f"trajectory ids must have shape ({len(self.x)},), got {self.trajectory.shape}"
            )
        if self.trajectory.dtype.kind not in "iu":
            raise DataError(f"trajectory ids must be integers, got {self.trajectory.dtype}")
        if "rule" in self.meta:
            as_rule(self.meta["rule"])
        if self.meta.get("boundary", "torus") not in BOUNDARIES:
            raise DataError(f"unknown boundary {self.meta.get('boundary')!r} in dataset metadata")

    def __len__(self) -> int:
        return len(self.x)

    @property
    def rule(self) -> Optional[Rule]:
        return as_rule(self.meta["rule"]) if "rule" in self.meta else None

    @property
    def boundary(self) -> str:
        return self.meta.get("boundary", "torus")

    def subset(self, index: np.ndarray) -> TransitionData:
        return TransitionData(self.x[index], self.y[index], self.trajectory[index], dict(self.meta))

    def split(
        self, val_fraction: float = 0.2, seed: int = 0
    ) -> tuple[TransitionData, TransitionData]:
        """Training and validation sets split by trajectory, never by pair, so no board leaks."""
        ids = np.unique(self.trajectory)
        if len(ids) < 2:
            raise DataError("need at least two trajectories to split by trajectory")
        if not 0.0 < val_fraction < 1.0:
            raise DataError(f"val_fraction must be in (0, 1), got {val_fraction}")
        rng = np.random.default_rng(seed)
        n_val = min(len(ids) - 1, max(1, int(round(val_fraction * len(ids)))))
        val_ids = rng.choice(ids, size=n_val, replace=False)
        is_val = np.isin(self.trajectory, val_ids)
        return self.subset(~is_val), self.subset(is_val)

    def coverage(self) -> np.ndarray:
        """Samples per (state, live-neighbour count) class: ``(2, size + 1)``."""
        return coverage(self.x, self.rule, self.boundary)

    def save(self, path: Union[str, Path]) -> Path:
        """Write an ``.npz`` with the arrays and the metadata (as JSON)."""
        import json

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp,
            x=self.x,
            y=self.y,
            trajectory=self.trajectory,
            meta=np.array(json.dumps(self.meta)),
        )
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Union[str, Path]) -> TransitionData:
        """Read and validate a dataset written by `save`."""
        import json
        import zipfile

        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as f:
                missing = {"x", "y", "trajectory", "meta"} - set(f.files)
                if missing:
                    raise DataError(
                        f"{path}: not a lifecore dataset, missing arrays {sorted(missing)}"
                    )
                arrays = {k: f[k] for k in ("x", "y", "trajectory", "meta")}
        except (OSError, zipfile.BadZipFile, ValueError) as err:
            if isinstance(err, DataError):
                raise
            raise DataError(f"{path}: cannot read as .npz dataset ({err})") from None
        try:
            meta = json.loads(str(arrays["meta"]))
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: metadata is not JSON ({err})") from None
        if not isinstance(meta, dict):
            raise DataError(f"{path}: metadata must be a JSON object")
        return cls(arrays["x"], arrays["y"], arrays["trajectory"], meta)


def make_dataset(
    rule: RuleLike,
    n: int = 64,
    size: Union[int, Sequence[int]] = 32,
    steps: int = 16,
    density: Density = COVERING,
    seed: int = 0,
    boundary: str = "torus",
    stop: Optional[str] = "cycle",
) -> TransitionData:
    """Transition pairs from ``n`` soups run for up to ``steps`` generations.

    Each trajectory stops at its first repeated state, so no fixed point floods the
    data. The default density range is the covering scheme; ``density=0.5`` with long
    ``steps`` reproduces the notes' data.
    """
    rule = as_rule(rule)
    frames, report = trajectories(rule, n, size, steps, density, seed, boundary, stop)
    xs, ys, ids = [], [], []
    for i, length in enumerate(report.length):
        length = int(length)
        if length < 2:
            continue
        xs.append(frames[i, : length - 1])
        ys.append(frames[i, 1:length])
        ids.append(np.full(length - 1, i, dtype=np.int64))
    h, w = frames.shape[-2:]
    meta = {
        "rule": str(rule),
        "boundary": boundary,
        "seed": int(seed),
        "n": int(n),
        "size": [int(h), int(w)],
        "steps": int(steps),
        "density": list(_check_density(density)),
        "stop": stop,
    }
    return TransitionData(np.concatenate(xs), np.concatenate(ys), np.concatenate(ids), meta)


def coverage(boards: np.ndarray, rule: RuleLike, boundary: str = "torus") -> np.ndarray:
    """Cells per (state, live-neighbour count) class over ``boards``: ``(2, size + 1)`` int64."""
    rule = as_rule(rule)
    boards = np.asarray(check_boards(boards), dtype=np.uint8)
    counts = neighbour_counts(boards, rule, boundary)
    flat = boards.astype(np.int64).ravel() * (rule.size + 1) + counts.ravel()
    return np.bincount(flat, minlength=2 * (rule.size + 1)).reshape(2, rule.size + 1)


def transition_counts(
    x: np.ndarray,
    y: np.ndarray,
    neighbourhood: Union[str, RuleLike] = "moore",
    boundary: str = "torus",
) -> np.ndarray:
    """``out[state, count, next]``: how often each class went to each next state.

    Independent of any rule: the neighbourhood alone fixes what a class is.
    """
    from .rules import NEIGHBOURHOODS

    if isinstance(neighbourhood, str) and neighbourhood in NEIGHBOURHOODS:
        probe = Rule(frozenset(), frozenset(), neighbourhood)
    else:
        probe = as_rule(neighbourhood)
    x = np.asarray(check_boards(x, "x"), dtype=np.uint8)
    y = np.asarray(check_boards(y, "y"), dtype=np.uint8)
    if x.shape != y.shape:
        raise DataError(f"x and y shapes differ: {x.shape} vs {y.shape}")
    counts = neighbour_counts(x, probe, boundary).astype(np.int64)
    k = probe.size + 1
    flat = (x.astype(np.int64) * k + counts) * 2 + y
    return np.bincount(flat.ravel(), minlength=2 * k * 2).reshape(2, k, 2)


def stop_statistics(report) -> dict:
    """Summarise a `StopReport`: how many boards hit a fixed point, a cycle, or neither."""
    period = np.asarray(report.period)
    stopped = period > 0
    return {
        "boards": int(len(period)),
        "fixed_point": int((period == 1).sum()),
        "cycle": int((period > 1).sum()),
        "running": int((~stopped).sum()),
        "periods": sorted({int(p) for p in period[period > 1]}),
        "median_stop": float(np.median(np.asarray(report.start)[stopped]))
        if stopped.any()
        else float("nan"),
    }


def high_count_share(cov: np.ndarray, threshold: int = 5) -> float:
    """Fraction of cells with at least ``threshold`` live neighbours (the notes' starved classes)."""
    cov = np.asarray(cov)
    return float(cov[:, threshold:].sum() / max(cov.sum(), 1))


def rarest_class(cov: np.ndarray) -> tuple[str, float]:
    """The least represented (state, count) class, as ``("B8", share)``."""
    cov = np.asarray(cov)
    state, count = np.unravel_index(int(np.argmin(cov)), cov.shape)
    return Rule.class_name(int(state), int(count)), float(cov[state, count] / max(cov.sum(), 1))
