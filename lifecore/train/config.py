"""What a training run is asked to do (`TrainConfig`), what it returns (`TrainResult`), and
its error (`TrainError`).

Seeds: every random process of a run draws from a sub-seed of ``TrainConfig.seed`` derived
with `numpy.random.SeedSequence` (`derived_seed`), so the same seed gives the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

import numpy as np

from ..data import COVERING
from ..errors import LifecoreError

__all__ = [
    "ALLOCATOR_ENV",
    "MAX_SEED",
    "TrainConfig",
    "TrainError",
    "TrainResult",
    "check_seed",
    "derived_seed",
]

#: glibc malloc settings that keep freed memory in the heap. These networks are tiny, so on
#: a CPU the time goes into allocating and freeing small tensors, not arithmetic; glibc
#: returns freed memory to the system eagerly (mmap/munmap), and keeping it in the heap made
#: training several times faster on a 2-core machine. It must be set before the process
#: starts (the Makefile exports it; `lifecore.experiments` passes it to its workers).
ALLOCATOR_ENV = {
    "MALLOC_MMAP_THRESHOLD_": "4294967296",
    "MALLOC_TRIM_THRESHOLD_": "68719476736",
    "MALLOC_TOP_PAD_": "536870912",
}

#: Largest seed accepted: torch's generators take seeds below 2**64; 2**63 - 1 also fits the
#: signed 64-bit integers of checkpoints and JSON readers.
MAX_SEED = 2**63 - 1


class TrainError(LifecoreError):
    """A training run that cannot start, cannot resume, or diverged."""


def check_seed(seed: Any, label: str = "seed") -> int:
    """``seed`` as an int in ``[0, MAX_SEED]``.

    Raises
    ------
    TrainError
        For a bool, a non-integer, a negative seed or one above `MAX_SEED`.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TrainError(f"{label} must be an integer, got {seed!r}")
    if not 0 <= int(seed) <= MAX_SEED:
        text = str(int(seed))
        shown = text if len(text) <= 24 else text[:12] + "..." + f" ({len(text)} digits)"
        raise TrainError(f"{label} must be between 0 and 2**63 - 1, got {shown}")
    return int(seed)


def derived_seed(seed: int, purpose: str) -> int:
    """A seed for ``purpose`` (data, split, rollout...) derived from the run's seed.

    Parameters
    ----------
    seed
        The run's seed (`TrainConfig.seed`).
    purpose
        What the seed is for; different purposes give independent streams.

    Returns
    -------
    int
        A 32-bit seed from `numpy.random.SeedSequence`.
    """
    return int(np.random.SeedSequence([int(seed), *purpose.encode()]).generate_state(1)[0])


_POSITIVE_INTS = (
    "max_epochs",
    "batch_size",
    "patience",
    "rollout_boards",
    "rollout_size",
    "data_n",
    "data_size",
    "data_steps",
    "max_proofs",
    "counterexample_windows",
    "counterexample_boards",
    "counterexample_repeats",
    "window_steps",
)

#: Training methods (`TrainConfig.method`).
METHODS = ("boards", "windows")


@dataclass
class TrainConfig:
    """How to train. Defaults make the non-tiny models certified within seconds on a CPU.

    Default data: 400 independent 16x16 soups (one generation each) with per-board
    densities over the covering range. One-step pairs from fresh soups cover the rare
    dense classes (births on 6+ neighbours) far better than long trajectories, whose
    later frames thin out: that is what made B36/S23 learnable in a few dozen epochs.

    ``patience``: epochs without a better validation loss before the learning rate drops
    tenfold (at most ``lr_drops`` times; patience then starts over) or, after the last
    drop, the run stops early. Off by default: on the default benchmark's stalled runs
    (`benchmarks/bench_train_certified.py`) two drops certified none of them and made
    each run longer.
    ``lr_decay``: per-epoch multiplicative learning-rate decay (a pure function of the
    epoch, so resuming is exact). ``rollout_*``: the cheap sample check run once the
    validation set is exact, before the proof (``rollout_steps=0`` skips it).
    ``certify``: prove exactness with `lifecore.certify.certify` when the rule is known
    (False keeps the sample checks only: "exact" then means the validation set and the
    rollout); ``max_proofs``: proofs tried before the run gives up (each enumerates every
    window). ``counterexample_windows``: disagreeing windows a failed proof hands back;
    each (and its turns and flips) is stamped ``counterexample_boards`` times into boards
    of random context labelled by the rule, added ``counterexample_repeats`` times to the
    training set. A new proof is tried only once those boards are all right. ``data_*``:
    the covering data `train_rule` makes when given none. ``model``: what `train_rule`
    builds when it is given no model (None: ``"cnn-small"``; ``"auto"``: the smallest
    network the rule's table allows, grown until certified, `lifecore.train.auto`).
    ``threads``: torch intra-op
    threads (None leaves torch's default; part of a run's identity, since the order of
    float sums may depend on it).
    ``method``: ``"boards"`` (the plain method above) or ``"windows"``: for a network with a
    3x3 receptive field (`sk-minimal`...), train on its 512 windows, class-weighted, with
    leaky ReLUs annealed to plain ones (`lifecore.train.minimal`, at most ``window_steps``
    full-batch steps), then certify; one initialisation, no restarts.
    """

    max_epochs: int = 100
    batch_size: int = 8
    lr: float = 1e-2
    weight_decay: float = 0.0
    patience: int = 15
    lr_drops: int = 0
    min_delta: float = 0.0
    lr_decay: float = 1.0
    seed: int = 0
    device: Optional[str] = None
    rollout_steps: int = 100
    rollout_boards: int = 8
    rollout_size: int = 32
    rollout_density: tuple[float, float] = (0.1, 0.9)
    data_n: int = 400
    data_size: int = 16
    data_steps: int = 1
    data_density: tuple[float, float] = COVERING
    val_fraction: float = 0.25
    threads: Optional[int] = None
    certify: bool = True
    max_proofs: int = 8
    counterexample_windows: int = 16
    counterexample_boards: int = 2
    counterexample_repeats: int = 1
    model: Optional[str] = None
    method: str = "boards"
    window_steps: int = 3000

    def __post_init__(self) -> None:
        self._check_model()
        for name in _POSITIVE_INTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise TrainError(f"TrainConfig.{name} must be a positive integer, got {value!r}")
        for name in ("rollout_steps", "lr_drops"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise TrainError(
                    f"TrainConfig.{name} must be a non-negative integer, got {value!r}"
                )
        self.seed = check_seed(self.seed, "TrainConfig.seed")
        self._check_floats()
        if self.threads is not None:
            threads = self.threads
            if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
                raise TrainError(f"TrainConfig.threads must be a positive integer, got {threads!r}")
            if threads < 1:
                raise TrainError(f"TrainConfig.threads must be a positive integer, got {threads!r}")
        if self.method not in METHODS:
            raise TrainError(
                f"TrainConfig.method must be one of {', '.join(METHODS)}, got {self.method!r}"
            )
        if not isinstance(self.certify, bool):
            raise TrainError(f"TrainConfig.certify must be True or False, got {self.certify!r}")
        self.rollout_density = tuple(float(d) for d in self.rollout_density)
        self.data_density = tuple(float(d) for d in self.data_density)

    def _check_model(self) -> None:
        if self.model is None or self.model == "auto":
            return
        from ..models import ALL_MODEL_NAMES

        if self.model not in ALL_MODEL_NAMES:
            raise TrainError(
                f"TrainConfig.model must be 'auto' or one of {', '.join(ALL_MODEL_NAMES)}, "
                f"got {self.model!r}"
            )

    def _check_floats(self) -> None:
        def real(name: str) -> float:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
                raise TrainError(f"TrainConfig.{name} must be a number, got {value!r}")
            return float(value)

        if not (real("lr") > 0 and math.isfinite(self.lr)):
            raise TrainError(f"TrainConfig.lr must be positive and finite, got {self.lr!r}")
        if not 0 < real("lr_decay") <= 1:
            raise TrainError(f"TrainConfig.lr_decay must be in (0, 1], got {self.lr_decay!r}")
        if not (real("weight_decay") >= 0 and math.isfinite(self.weight_decay)):
            raise TrainError(f"TrainConfig.weight_decay must be >= 0, got {self.weight_decay!r}")
        if not (real("min_delta") >= 0 and math.isfinite(self.min_delta)):
            raise TrainError(f"TrainConfig.min_delta must be >= 0, got {self.min_delta!r}")
        if not 0 < real("val_fraction") < 1:
            raise TrainError(
                f"TrainConfig.val_fraction must be in (0, 1), got {self.val_fraction!r}"
            )

    def to_dict(self) -> dict:
        """The settings as JSON-able values (tuples as lists)."""
        d = asdict(self)
        d["rollout_density"] = list(self.rollout_density)
        d["data_density"] = list(self.data_density)
        if d["model"] is None:  # unset: left out, so hashes of earlier runs stay valid
            del d["model"]
        if d["method"] == "boards":  # the default method: left out for the same reason
            del d["method"], d["window_steps"]
        return d


@dataclass(frozen=True)
class TrainResult:
    """What `fit` returns.

    ``exact``: with a known rule (and ``TrainConfig.certify``), the final weights are
    *certified* to compute the rule on every window of their receptive field
    (``certificate.exact``); without a rule, every validation board is right.
    ``certificate``: the last `lifecore.certify.Certificate` of the final weights (None
    when no rule is known or certification is off). ``counterexample_windows``: how many
    counterexample windows entered the training data.
    """

    model: Any
    history: list = field(default_factory=list)
    train_loss: float = float("nan")
    val_loss: float = float("nan")
    val_cell_accuracy: float = 0.0
    val_board_accuracy: float = 0.0
    rollout_exact: Optional[bool] = False
    exact: bool = False
    epochs: int = 0
    seconds: float = 0.0
    stopped: str = "max_epochs"
    certificate: Any = None
    counterexample_windows: int = 0
    auto: Optional[dict] = None

    def metrics(self) -> dict:
        """The JSON-able numbers (no model; the certificate as its ``to_dict()``)."""
        return {
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "val_cell_accuracy": self.val_cell_accuracy,
            "val_board_accuracy": self.val_board_accuracy,
            "rollout_exact": self.rollout_exact,
            "exact": self.exact,
            "epochs": self.epochs,
            "seconds": self.seconds,
            "stopped": self.stopped,
            "certified": bool(self.certificate is not None and self.certificate.exact),
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "counterexample_windows": self.counterexample_windows,
            **({} if self.auto is None else {"auto": self.auto}),
        }
