"""Which of the notes' conditions keeps a network from being exact? One change at a time.

The notes trained on long trajectories from density-0.5 soups, with 5x5 kernels, their own
widths, and stopped early on the validation loss; this library trains on one-step covering
data and stops when the network is *certified* (`lifecore.certify`). `ablation` trains
each model under our setting and under each of the notes' conditions alone, certifies every
final network, and tabulates the certified rate per condition. `class_error_rates` checks
the notes' observation that high neighbour counts are learned badly even at >99% accuracy.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np

from ..data import COVERING, class_counts, soups
from ..rules import as_rule
from .grid import run_grid
from .records import ExperimentError, RunRecord

__all__ = [
    "Condition",
    "ABLATION_CONDITIONS",
    "NOTES_WIDTHS",
    "AblationRow",
    "ablation",
    "ablation_table",
    "class_error_rates",
    "count_error_summary",
]

#: The notes' widths as `lifecore.models.build` arguments, matched on parameter count:
#: P4CNN-small 3,202 (ours 929), P4MCNN 1,276 (ours 761), and a three-layer CNN-small of
#: 2,450 (ours has two layers), built as an MCNN with one 1x1 hidden layer.
NOTES_WIDTHS: dict[str, tuple[str, dict[str, Any]]] = {
    "p4cnn-small": ("p4cnn-small", {"hidden": 110}),  # 3,191 parameters
    "p4mcnn": ("p4mcnn", {"hidden": 12, "mlp_hidden": 10}),  # 1,247
    "cnn-small": ("mcnn", {"hidden": 45, "mlp_hidden": 27, "mlp_layers": 1}),  # 2,440
}


@dataclass(frozen=True)
class Condition:
    """One training setting: `lifecore.train.TrainConfig` overrides and model changes.

    ``widths``: model name -> (model to build, its options), for models it changes.
    """

    name: str
    description: str
    config: Mapping[str, Any] = field(default_factory=dict)
    model_options: Mapping[str, Any] = field(default_factory=dict)
    widths: Mapping[str, tuple[str, Mapping[str, Any]]] = field(default_factory=dict)

    def variant(self, model: str) -> tuple[str, dict[str, Any]]:
        """The model to build for ``model`` under this condition, and its options."""
        name, options = self.widths.get(model, (model, {}))
        return name, {**dict(options), **dict(self.model_options)}


#: Our setting, then each of the notes' conditions alone.
ABLATION_CONDITIONS: dict[str, Condition] = {
    c.name: c
    for c in (
        Condition("ours", "one-step covering data, 5x5, our widths, certified stopping"),
        Condition(
            "notes-data",
            "the notes' data: 40 trajectories of 10 steps from density-0.5 soups",
            config={"data_n": 40, "data_steps": 10, "data_density": (0.5, 0.5)},
        ),
        Condition("kernel-3", "3x3 first-layer kernels", model_options={"kernel_size": 3}),
        Condition("notes-widths", "the notes' widths", widths=NOTES_WIDTHS),
        Condition(
            "notes",
            "all of the notes' conditions at once: their data, widths and stopping",
            config={"data_n": 40, "data_steps": 10, "data_density": (0.5, 0.5), "certify": False},
            widths=NOTES_WIDTHS,
        ),
        Condition(
            "sampled-stopping",
            "stop on the validation set and a rollout, or early on the loss; certified after",
            config={"certify": False},
        ),
    )
}


@dataclass(frozen=True)
class AblationRow:
    """Certified rate of one model under one condition."""

    condition: str
    model: str
    built: str
    params: int
    runs: int
    certified: int
    certified_rate: float
    median_val_accuracy: float
    median_seconds: float

    def to_dict(self) -> dict:
        """JSON-safe dict of the fields."""
        return dict(self.__dict__)


def _config(base: Any, overrides: Mapping[str, Any]) -> Any:
    """``base`` with certified stopping on (our setting), then the condition's overrides."""
    from ..train import TrainConfig

    base = base if base is not None else TrainConfig()
    return TrainConfig(**{**base.to_dict(), "certify": True, **dict(overrides)})


def _condition_names(conditions: Optional[Sequence[str]]) -> list[str]:
    """The conditions to run (all of `ABLATION_CONDITIONS` when None), unknown names refused."""
    names = list(ABLATION_CONDITIONS) if conditions is None else list(conditions)
    unknown = [c for c in names if c not in ABLATION_CONDITIONS]
    if unknown:
        raise ExperimentError(f"unknown conditions {unknown}; known: {list(ABLATION_CONDITIONS)}")
    return names


def ablation(
    rules: Sequence = ("B3/S23", "B36/S23"),
    models: Sequence[str] = ("cnn-small", "p4cnn-small", "p4mcnn"),
    seeds: Union[int, Sequence[int]] = 3,
    conditions: Optional[Sequence[str]] = None,
    config: Any = None,
    out: Optional[Union[str, Path]] = None,
    jobs: int = 1,
    progress: bool = True,
    checkpoint_dir: Optional[Union[str, Path]] = None,
) -> tuple[list[AblationRow], list[tuple[str, RunRecord]]]:
    """Train every model under each condition and certify every final network.

    Parameters
    ----------
    rules, models, seeds
        The grid run under every condition (``seeds``: a count or explicit seeds).
    conditions
        Names from `ABLATION_CONDITIONS` (default: all, ``"ours"`` first).
    config
        The base `lifecore.train.TrainConfig` each condition changes (default: defaults),
        always with ``certify=True`` (certified stopping) unless the condition turns it off.
    out
        Results JSON shared by all conditions (each run keyed by its configuration), so an
        interrupted ablation resumes.
    jobs, progress, checkpoint_dir
        As for `run_grid` (``checkpoint_dir`` keeps the networks, e.g. for
        `class_error_rates`).

    Returns
    -------
    rows : list of AblationRow
        One per (condition, model), in that order.
    records : list of (condition, RunRecord)

    Raises
    ------
    ExperimentError
        For an unknown condition (and whatever `run_grid` raises).
    """
    names = _condition_names(conditions)
    labelled: list[tuple[str, str, RunRecord]] = []
    for name in names:
        cond = ABLATION_CONDITIONS[name]
        cfg = _config(config, cond.config)
        for model in models:
            built, options = cond.variant(model)
            grid = (rules, [built], seeds, jobs, cfg, out, checkpoint_dir, progress)
            recs = run_grid(*grid, certify_final=True, **options)
            labelled += [(name, model, r) for r in recs]
    return ablation_table(labelled), [(c, r) for c, _, r in labelled]


def ablation_table(labelled: Sequence[tuple[str, str, RunRecord]]) -> list[AblationRow]:
    """Rows of certified rates from ``(condition, model, record)`` triples, in first-seen order."""
    groups: dict[tuple[str, str], list[RunRecord]] = {}
    for cond, model, rec in labelled:
        groups.setdefault((cond, model), []).append(rec)
    rows = []
    for (cond, model), recs in groups.items():
        ok = sum(bool(r.certified) for r in recs)
        rows.append(
            AblationRow(
                condition=cond,
                model=model,
                built=recs[0].model,
                params=recs[0].params,
                runs=len(recs),
                certified=ok,
                certified_rate=ok / len(recs),
                median_val_accuracy=statistics.median(r.val_cell_accuracy for r in recs),
                median_seconds=statistics.median(r.seconds for r in recs),
            )
        )
    return rows


def class_error_rates(
    model: Any,
    rule: Any,
    n: int = 64,
    size: int = 32,
    density: Any = COVERING,
    seed: int = 0,
    boundary: str = "torus",
) -> tuple[np.ndarray, np.ndarray]:
    """The network's error rate per (state, live-neighbour count) class on fresh soups.

    Parameters
    ----------
    model
        A trained network (`lifecore.models`).
    rule
        The rule it should compute.
    n, size, density, seed
        The soups it is judged on (default: the covering density range, so that every
        class occurs).
    boundary
        ``"torus"`` or ``"dead"``.

    Returns
    -------
    errors : np.ndarray
        float64 ``(2, size + 1)``: wrong cells / cells per class; NaN where a class never
        occurred.
    cells : np.ndarray
        int64 ``(2, size + 1)``: cells per class.
    """
    from .. import models as models_
    from ..simulate import neighbour_counts, step

    rule = as_rule(rule)
    boards = soups(n, size, density, seed)
    wrong = models_.predict(model, boards).astype(np.uint8) != step(boards, rule, boundary)
    counts = neighbour_counts(boards, rule, boundary)
    table = class_counts(boards, counts, rule.size, wrong.astype(np.uint8))
    cells = table.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        errors = np.where(cells > 0, table[:, :, 1] / np.maximum(cells, 1), np.nan)
    return errors, cells


def count_error_summary(
    errors: np.ndarray, cells: np.ndarray, threshold: int = 5
) -> dict[str, float]:
    """Error rates over cells with fewer than ``threshold`` live neighbours and with at least
    that many (the notes' "high counts"), from `class_error_rates` output."""
    wrong = np.nan_to_num(errors) * cells
    low, high = cells[:, :threshold].sum(), cells[:, threshold:].sum()
    return {
        "low_count_error": float(wrong[:, :threshold].sum() / low) if low else float("nan"),
        "high_count_error": float(wrong[:, threshold:].sum() / high) if high else float("nan"),
        "high_count_share": float(high / max(low + high, 1)),
    }
