"""Training data: random soups, trajectories that stop at fixed points or cycles,
transition pairs split by trajectory, and the coverage of (state, count) classes.

The notes found cells with 5 or more live neighbours under 1% of the data from
density-0.5 soups. `COVERING` fixes that: every board draws its own density from a
wide range, so dense boards supply the high counts; `coverage` measures the difference.

Datasets are saved as ``.npz`` (`TransitionData.save`) through `lifecore.files`, with a
SHA-256 of their content. `TransitionData.load` trusts nothing in the file: it checks the
archive member by member before reading (dtype, declared size against the stored size,
no pickles), verifies the checksum, and checks that the pairs follow the stored rule.
"""

from __future__ import annotations

import json
import tokenize
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from .errors import LifecoreError
from .files import atomic_write, sha256
from .rules import Rule, RuleLike, as_rule
from .simulate import BOUNDARIES, check_boards, neighbour_counts, simulate, step

__all__ = [
    "DataError",
    "Density",
    "COVERING",
    "MAX_SEED",
    "MAX_CELLS",
    "check_seed",
    "soups",
    "trajectories",
    "TransitionData",
    "make_dataset",
    "read_npz",
    "class_counts",
    "coverage",
    "transition_counts",
    "stop_statistics",
    "high_count_share",
    "rarest_class",
]

Density = Union[float, tuple[float, float]]

#: Per-board density range of the covering scheme: every (state, count) class appears.
COVERING: tuple[float, float] = (0.05, 0.95)

#: Largest seed (the range ``torch.manual_seed`` and `numpy.random.SeedSequence` share).
MAX_SEED = 2**64 - 1

#: Most cells a soup batch or trajectory batch may hold (checked before allocating): 2 GiB.
MAX_CELLS = 2**31

_DATASET_FORMAT = "lifecore-dataset"
_ARRAYS = ("x", "y", "trajectory", "meta")
_DTYPES = {"x": "biuf", "y": "biuf", "trajectory": "iu", "meta": "U", "sha256": "U"}


class DataError(LifecoreError):
    """A dataset, or a dataset file, that is malformed."""


def _check_int(label: str, value: Any, minimum: int, maximum: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise DataError(f"{label} must be an integer, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum}"
        raise DataError(f"{label} must be >= {minimum}{upper}, got {value}")
    return int(value)


def check_seed(seed: Any, label: str = "seed") -> int:
    """``seed`` as an int in ``[0, MAX_SEED]``.

    Raises
    ------
    DataError
        For a negative, huge, fractional or non-integer seed.
    """
    if (
        isinstance(seed, bool)
        or not isinstance(seed, (int, np.integer))
        or not (0 <= seed <= MAX_SEED)
    ):
        shown = repr(seed) if len(repr(seed)) < 40 else repr(seed)[:37] + "..."
        raise DataError(f"{label} must be an integer in [0, 2**64 - 1], got {shown}")
    return int(seed)


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
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        shape: tuple = (size, size)
    else:
        try:
            shape = tuple(size)
        except TypeError:
            raise DataError(f"board size must be a positive int or (H, W), got {size!r}") from None
    if len(shape) != 2:
        raise DataError(f"board size must be a positive int or (H, W), got {size!r}")
    h, w = (_check_int("board size", s, 1) for s in shape)
    return h, w


def _check_cells(n: int, h: int, w: int, frames: int = 1) -> None:
    cells = n * h * w * frames
    if cells > MAX_CELLS:
        raise DataError(
            f"{n} boards of {h}x{w} x {frames} frames is {cells:.3g} cells, "
            f"over the limit of {MAX_CELLS:.3g} (lifecore.data.MAX_CELLS)"
        )


def soups(
    n: int, size: Union[int, Sequence[int]], density: Density = 0.5, seed: int = 0
) -> np.ndarray:
    """``n`` random boards, uint8 ``(n, H, W)``; a density range draws one density per board.

    Raises
    ------
    DataError
        For ``n < 1``, a bad size, density or seed, or more than `MAX_CELLS` cells.
    """
    n = _check_int("number of soups n", n, 1)
    lo, hi = _check_density(density)
    h, w = _shape(size)
    _check_cells(n, h, w)
    rng = np.random.default_rng(check_seed(seed))
    p = rng.uniform(lo, hi, size=(n, 1, 1))
    return (rng.random((n, h, w)) < p).astype(np.uint8)


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

    Parameters
    ----------
    rule
        The rule to run.
    n, size, steps
        Soups, board size (int or ``(H, W)``), and most generations per soup (>= 1).
    density, seed
        As in `soups`.
    boundary
        ``"torus"`` or ``"dead"``.
    stop
        ``"cycle"`` (stop at the first repeated state), ``"fixed"``, or None (run all).

    Returns
    -------
    frames : np.ndarray
        uint8 ``(n, steps + 1, H, W)``; soup ``i``'s trajectory is its first
        ``report.length[i]`` frames.
    report : lifecore.StopReport
        Per soup: ``length`` (frames up to the stop), ``period``, ``start``.

    Raises
    ------
    DataError
        For ``steps < 1`` or a request over `MAX_CELLS` cells (checked before allocating).
    """
    steps = _check_int("steps", steps, 1)
    h, w = _shape(size)
    _check_cells(_check_int("number of soups n", n, 1), h, w, steps + 1)
    boards = soups(n, size, density, seed)
    if stop is None:
        from .simulate import StopReport

        frames = simulate(boards, rule, steps, boundary)
        report = StopReport(
            length=np.full(len(boards), frames.shape[1]),
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
        """Check shapes, dtypes, 0/1 cells and the metadata's rule and boundary.

        Raises
        ------
        DataError
            Naming the array or metadata entry that is wrong.
        """
        for name in ("x", "y"):
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.ndim != 3:
                shape = getattr(arr, "shape", type(arr).__name__)
                raise DataError(f"dataset array {name!r} must be (N, H, W), got {shape!r}")
            if arr.dtype != np.uint8:
                raise DataError(f"dataset array {name!r} must be uint8, got {arr.dtype}")
            check_boards(arr, name=f"dataset array {name!r}")
        if self.x.shape != self.y.shape:
            raise DataError(f"x and y shapes differ: {self.x.shape} vs {self.y.shape}")
        if not isinstance(self.trajectory, np.ndarray) or self.trajectory.shape != (len(self.x),):
            shape = getattr(self.trajectory, "shape", None)
            raise DataError(f"trajectory ids must have shape ({len(self.x)},), got {shape}")
        if self.trajectory.dtype.kind not in "iu":
            raise DataError(f"trajectory ids must be integers, got {self.trajectory.dtype}")
        if not isinstance(self.meta, dict):
            raise DataError(f"dataset metadata must be a dict, got {type(self.meta).__name__}")
        self._check_meta_size()
        if "rule" in self.meta:
            as_rule(self.meta["rule"])
        if self.meta.get("boundary", "torus") not in BOUNDARIES:
            raise DataError(f"unknown boundary {self.meta.get('boundary')!r} in dataset metadata")

    def _check_meta_size(self) -> None:
        """The metadata's board size ``[H, W]`` (when recorded) must be the arrays' size."""
        size = self.meta.get("size")
        if size is None:
            return
        if (
            not isinstance(size, (list, tuple))
            or len(size) != 2
            or not all(isinstance(s, int) and not isinstance(s, bool) for s in size)
        ):
            raise DataError(f"dataset metadata size must be [height, width], got {size!r}")
        if tuple(size) != tuple(self.x.shape[-2:]):
            raise DataError(
                f"dataset metadata says boards of {size[0]}x{size[1]}, "
                f"the arrays hold {self.x.shape[-2]}x{self.x.shape[-1]}"
            )

    def __len__(self) -> int:
        return len(self.x)

    @property
    def rule(self) -> Optional[Rule]:
        """The rule the pairs follow (from the metadata), or None when not recorded."""
        return as_rule(self.meta["rule"]) if "rule" in self.meta else None

    @property
    def boundary(self) -> str:
        """``"torus"`` or ``"dead"``: the boundary the pairs were simulated with."""
        return self.meta.get("boundary", "torus")

    def check_rule(self, where: str = "dataset") -> None:
        """Check that every pair is one generation of the stored rule (when one is stored).

        Raises
        ------
        DataError
            When some pair does not follow the rule: a dataset labelled with the wrong
            rule would train, and check rollouts, against that wrong rule.
        """
        rule = self.rule
        if rule is None or len(self) == 0:
            return
        wrong = 0
        for lo in range(0, len(self), 4096):  # bounded memory on large datasets
            nxt = step(self.x[lo : lo + 4096], rule, self.boundary)
            wrong += int((nxt != self.y[lo : lo + 4096]).any(axis=(1, 2)).sum())
        if wrong:
            raise DataError(
                f"{where}: {wrong} of {len(self)} pairs do not follow the stored rule "
                f"{rule} ({self.boundary} boundary)"
            )

    def subset(self, index: np.ndarray) -> TransitionData:
        """The pairs at ``index`` (a boolean mask or integer indices), same metadata."""
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
        rng = np.random.default_rng(check_seed(seed))
        n_val = min(len(ids) - 1, max(1, int(round(val_fraction * len(ids)))))
        val_ids = rng.choice(ids, size=n_val, replace=False)
        is_val = np.isin(self.trajectory, val_ids)
        return self.subset(~is_val), self.subset(is_val)

    def coverage(self) -> np.ndarray:
        """Samples per (state, live-neighbour count) class: ``(2, size + 1)``."""
        return coverage(self.x, self.rule, self.boundary)

    def checksum(self) -> str:
        """SHA-256 over the arrays (dtype, shape, bytes) and the metadata's canonical JSON."""
        return _content_hash(self.x, self.y, self.trajectory, _meta_json(self.meta))

    def save(self, path: Union[str, Path]) -> Path:
        """Write an ``.npz`` with the arrays, the metadata (JSON) and `checksum`, atomically.

        Raises
        ------
        lifecore.files.FileError
            When ``path`` cannot be written.
        """
        arrays = {
            "x": self.x,
            "y": self.y,
            "trajectory": self.trajectory,
            "meta": np.array(_meta_json(self.meta)),
            "format": np.array(_DATASET_FORMAT),
            "sha256": np.array(self.checksum()),
        }
        return atomic_write(path, lambda handle: np.savez_compressed(handle, **arrays))

    @classmethod
    def load(cls, path: Union[str, Path]) -> TransitionData:
        """Read a dataset written by `save`, checking everything before trusting it.

        Raises
        ------
        DataError
            Naming ``path``: not a readable ``.npz`` (empty, truncated, a ``.npy``, flipped
            bytes), missing arrays, wrong dtypes, a checksum that does not match, bad
            metadata, or pairs that do not follow the stored rule.
        """
        path = Path(path)
        arrays = read_npz(path, _ARRAYS, ("sha256",), _DTYPES)
        meta = _parse_meta(path, arrays["meta"])
        stored = arrays.get("sha256")
        if stored is not None:
            found = _content_hash(
                arrays["x"], arrays["y"], arrays["trajectory"], str(arrays["meta"])
            )
            if str(stored) != found:
                raise DataError(f"{path}: checksum mismatch, the dataset file was changed")
        try:
            data = cls(arrays["x"], arrays["y"], arrays["trajectory"], meta)
        except LifecoreError as err:
            raise DataError(f"{path}: {err}") from None
        data.check_rule(str(path))
        return data


def _meta_json(meta: dict) -> str:
    try:
        return json.dumps(meta, sort_keys=True)
    except (TypeError, ValueError) as err:
        raise DataError(f"dataset metadata is not JSON-able ({err})") from None


def _content_hash(x: np.ndarray, y: np.ndarray, trajectory: np.ndarray, meta: str) -> str:
    parts = []
    for arr in (x, y, trajectory):
        arr = np.ascontiguousarray(arr)
        parts += [f"{arr.dtype.str}{arr.shape}".encode(), arr.tobytes()]
    return sha256(b"|".join(parts + [meta.encode()]))


def _parse_meta(path: Path, raw: np.ndarray) -> dict:
    try:
        meta = json.loads(str(raw))
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: metadata is not JSON ({err.msg})") from None
    if not isinstance(meta, dict):
        raise DataError(f"{path}: metadata must be a JSON object")
    return meta


def _read_member(
    archive: zipfile.ZipFile, name: str, path: Path, kinds: Mapping[str, str]
) -> np.ndarray:
    """One ``.npy`` member, its header checked against the archive before any allocation."""
    info = archive.getinfo(f"{name}.npy")
    fmt = np.lib.format
    with archive.open(info) as handle:
        version = fmt.read_magic(handle)
        reader = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
        if version not in reader:
            raise DataError(f"{path}: array {name!r} has unsupported .npy version {version}")
        shape, fortran, dtype = reader[version](handle)
        if dtype.hasobject or dtype.kind not in kinds.get(name, "biuf"):
            raise DataError(
                f"{path}: array {name!r} must have dtype kind {kinds.get(name, 'biuf')!r}, "
                f"got dtype {dtype}"
            )
        needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if needed > min(info.file_size, 8 * MAX_CELLS):
            raise DataError(f"{path}: array {name!r} claims {needed} bytes, stores fewer")
        body = handle.read(needed)
    if len(body) != needed:
        raise DataError(f"{path}: array {name!r} is truncated")
    return np.frombuffer(body, dtype=dtype).reshape(shape, order="F" if fortran else "C").copy()


def read_npz(
    path: Union[str, Path],
    required: Sequence[str],
    optional: Sequence[str] = (),
    kinds: Optional[Mapping[str, str]] = None,
) -> dict[str, np.ndarray]:
    """Read arrays from an ``.npz`` file without trusting it: the library's one npz reader.

    Every member's ``.npy`` header is checked before its data are read: no object arrays
    (no pickles), the dtype kind allowed for that name, and a declared size no larger than
    what the archive stores (no allocation a 100-byte file could demand).

    Parameters
    ----------
    path
        The ``.npz`` file.
    required, optional
        Names of the arrays to read; a missing required one is an error.
    kinds
        ``name -> allowed dtype kinds`` (``"u"`` unsigned, ``"iu"`` integers, ``"U"`` text;
        default ``"biuf"``: bool, integers, floats).

    Returns
    -------
    dict of str to np.ndarray
        The required arrays and whichever optional ones are present.

    Raises
    ------
    DataError
        Naming ``path``, for a missing, empty, truncated or corrupted file, a ``.npy``
        instead of an ``.npz``, a missing array, or a disallowed dtype.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            names = {n[:-4] for n in archive.namelist() if n.endswith(".npy")}
            missing = sorted(set(required) - names)
            if missing:
                raise DataError(f"{path}: missing arrays {missing} (has {sorted(names)})")
            wanted = [n for n in (*required, *optional) if n in names]
            return {n: _read_member(archive, n, path, kinds or {}) for n in wanted}
    except DataError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        KeyError,
        NotImplementedError,  # zipfile: a flipped "version needed to extract" field
        RuntimeError,  # zipfile: a flipped "encrypted" flag
        SyntaxError,  # a flipped byte in a .npy header, which NumPy parses as a literal
        tokenize.TokenError,
    ) as err:
        reason = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        raise DataError(f"{path}: cannot read as .npz ({reason[:200]})") from None


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

    Parameters
    ----------
    rule
        The rule to simulate.
    n, size, steps
        Soups, board size (int or ``(H, W)``), and generations per soup (>= 1).
    density, seed, boundary, stop
        As in `trajectories`.

    Returns
    -------
    TransitionData

    Raises
    ------
    DataError
        For ``steps < 1``, a bad seed, size, density, or a request too large; or when every
        soup is already at a fixed point, so there is no pair.
    """
    rule = as_rule(rule)
    seed, steps = check_seed(seed), _check_int("steps (generations per soup)", steps, 1)
    frames, report = trajectories(rule, n, size, steps, density, seed, boundary, stop)
    xs, ys, ids = [], [], []
    for i, length in enumerate(report.length):
        length = int(length)
        if length < 2:
            continue
        xs.append(frames[i, : length - 1])
        ys.append(frames[i, 1:length])
        ids.append(np.full(length - 1, i, dtype=np.int64))
    if not xs:
        raise DataError("no transition pairs: every soup was already at a fixed point")
    h, w = frames.shape[-2:]
    meta = {
        "rule": str(rule),
        "boundary": boundary,
        "seed": seed,
        "n": int(n),
        "size": [int(h), int(w)],
        "steps": steps,
        "density": list(_check_density(density)),
        "stop": stop,
    }
    return TransitionData(np.concatenate(xs), np.concatenate(ys), np.concatenate(ids), meta)


def class_counts(
    states: np.ndarray,
    counts: np.ndarray,
    size: int,
    next_states: Optional[np.ndarray] = None,
) -> np.ndarray:
    """How many cells fall in each (state, live-neighbour count) class: the library's one
    class count (coverage, tabulation and discovery all count classes with it).

    Parameters
    ----------
    states
        0/1 cell states, any shape, integer or bool dtype.
    counts
        Live-neighbour counts in ``0..size``, the shape of ``states``.
    size
        Cells in the neighbourhood (8 Moore, 4 von Neumann, 6 hex).
    next_states
        Optional 0/1 next states, the shape of ``states``.

    Returns
    -------
    np.ndarray
        int64 ``(2, size + 1)``: ``out[state, count]``; with ``next_states``,
        ``(2, size + 1, 2)``: ``out[state, count, next]``.

    Raises
    ------
    DataError
        When shapes differ, a state is not 0/1 or a count is outside ``0..size``.
    """
    k = _check_int("neighbourhood size", size, 1) + 1
    arrays = [np.asarray(states), np.asarray(counts)]
    if next_states is not None:
        arrays.append(np.asarray(next_states))
    if any(a.shape != arrays[0].shape for a in arrays):
        raise DataError(f"class_counts: shapes differ: {[a.shape for a in arrays]}")
    flat = [a.astype(np.int64).ravel() for a in arrays]
    limits = [2, k, 2]
    for a, limit, label in zip(flat, limits, ("states", "counts", "next states")):
        if a.size and (a.min() < 0 or a.max() >= limit):
            raise DataError(f"class_counts: {label} must lie in 0..{limit - 1}")
    index = flat[0] * k + flat[1]
    if next_states is None:
        return np.bincount(index, minlength=2 * k).reshape(2, k)
    return np.bincount(index * 2 + flat[2], minlength=4 * k).reshape(2, k, 2)


def coverage(boards: np.ndarray, rule: RuleLike, boundary: str = "torus") -> np.ndarray:
    """Cells per (state, live-neighbour count) class over ``boards``.

    Parameters
    ----------
    boards
        0/1 boards ``(H, W)`` or ``(N, H, W)``.
    rule
        Fixes the neighbourhood (and its size).
    boundary
        ``"torus"`` or ``"dead"``.

    Returns
    -------
    np.ndarray
        int64 ``(2, size + 1)``: ``out[state, count]`` (`class_counts`).
    """
    rule = as_rule(rule)
    boards = np.asarray(check_boards(boards), dtype=np.uint8)
    return class_counts(boards, neighbour_counts(boards, rule, boundary), rule.size)


def transition_counts(
    x: np.ndarray,
    y: np.ndarray,
    neighbourhood: Union[str, RuleLike] = "moore",
    boundary: str = "torus",
) -> np.ndarray:
    """How often each (state, count) class went to each next state.

    Independent of any rule: the neighbourhood alone fixes what a class is.

    Parameters
    ----------
    x, y
        0/1 boards and their next generations, the same shape.
    neighbourhood
        ``"moore"``, ``"vonneumann"``, ``"hex"``, or a rule whose neighbourhood to use.
    boundary
        ``"torus"`` or ``"dead"``.

    Returns
    -------
    np.ndarray
        int64 ``(2, size + 1, 2)``: ``out[state, count, next]``.

    Raises
    ------
    DataError
        When ``x`` and ``y`` differ in shape.
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
    return class_counts(x, neighbour_counts(x, probe, boundary), probe.size, y)


def stop_statistics(report) -> dict:
    """Summarise a `StopReport`: how many boards hit a fixed point, a cycle, or neither.

    Returns
    -------
    dict
        ``boards``, ``fixed_point``, ``cycle``, ``running`` (counts), ``periods`` (sorted
        cycle periods seen) and ``median_stop`` (median first repeated generation, NaN
        when none stopped).
    """
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
    """Fraction of cells with at least ``threshold`` live neighbours (the notes' starved
    classes)."""
    cov = np.asarray(cov)
    return float(cov[:, threshold:].sum() / max(cov.sum(), 1))


def rarest_class(cov: np.ndarray) -> tuple[str, float]:
    """The least represented (state, count) class, as ``("B8", share)``."""
    cov = np.asarray(cov)
    state, count = np.unravel_index(int(np.argmin(cov)), cov.shape)
    return Rule.class_name(int(state), int(count)), float(cov[state, count] / max(cov.sum(), 1))
