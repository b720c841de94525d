"""The chapters' figures and tables: plots that know the layouts of `lifecore.experiments`
records, `lifecore.extract` readings, `lifecore.discover` curves and `lifecore.models` size
rows. Generic drawing (boards, animations, the viewer, tables) lives in `lifecore.viz`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Optional, Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..errors import LifecoreError
from ..rules import Rule, RuleLike, as_rule
from ..simulate import check_boards
from ..viz.boards import as_numpy as _as_numpy
from ..viz.boards import one_board as _board
from ..viz.boards import one_trajectory as _trajectory
from ..viz.boards import plain as _plain
from ..viz.tables import table

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PlotError",
    "plot_coverage",
    "show_sizes",
    "plot_equivariance",
    "equivariance_table",
    "plot_time_to_exact",
    "plot_learning_curves",
    "compare_rollouts",
    "plot_class_probabilities",
    "plot_basis_scores",
    "plot_seconds",
    "plot_candidates",
]


class PlotError(LifecoreError):
    """Inputs a chapter figure cannot draw: empty, or shapes that do not match."""


def plot_coverage(coverages: dict, rule: RuleLike, ax: Optional[Axes] = None) -> Axes:
    """Bar chart of samples per (state, count) class, one bar group per dataset, log scale.

    ``coverages`` maps a label to a ``(2, size + 1)`` array from `lifecore.data.coverage`.
    Classes are named by their transition symbol (``B3``: dead with 3 live neighbours).
    """
    rule = as_rule(rule)
    names = [Rule.class_name(s, c) for s, c in rule.classes]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3))
    width = 0.8 / max(len(coverages), 1)
    x = np.arange(len(names))
    for i, (label, cov) in enumerate(coverages.items()):
        cov = np.asarray(cov)
        if cov.shape != (2, rule.size + 1):
            raise PlotError(
                f"coverage {label!r} has shape {cov.shape}, "
                f"expected (2, {rule.size + 1}) for {rule}"
            )
        share = cov.ravel() / max(cov.sum(), 1)
        ax.bar(x + (i - (len(coverages) - 1) / 2) * width, share, width, label=label)
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=90, fontsize=7)
    ax.set_ylabel("share of cells")
    ax.set_title(str(rule))
    ax.legend(fontsize=7)
    return ax


# -- chapter 3: sizes and rotation equivariance ------------------------------------------
def show_sizes(rows: Sequence[Any], size: tuple[int, int] = (32, 32), floatfmt: str = "{:,.2f}"):
    """The rows of `lifecore.models.size_table` as a table, with two derived columns:
    our MFLOPs (for one ``size`` board) and the notes' FLOPs per parameter."""
    h, w = (size, size) if isinstance(size, int) else size
    rows = [dataclasses.asdict(r) for r in rows]  # frozen `ModelSize` records
    rows = [
        {
            **r,
            "mflops": r["flops"] / 1e6,
            "notes_flops_per_param": round(r["notes_flops_m"] * 1e6 / r["notes_params"]),
        }
        for r in rows
    ]
    columns = {
        "name": "model",
        "params": "parameters",
        "mflops": f"MFLOPs ({h}x{w})",
        "notes_params": "notes: parameters",
        "notes_flops_m": "notes: MFLOPs",
        "notes_flops_per_param": "notes: FLOPs per parameter",
        "notes_lowest_accuracy": "notes: lowest accuracy (%)",
    }
    return table(rows, floatfmt=floatfmt, columns=columns, intfmt="{:,}")


def _models(models_or_names, seed: int) -> dict:
    """``{name: model}`` from model names (each built after ``torch.manual_seed(seed)``, so
    its random weights do not depend on what ran before) or from a ``{label: model}`` dict."""
    import torch

    if isinstance(models_or_names, dict):
        return dict(models_or_names)
    if isinstance(models_or_names, str):
        models_or_names = [models_or_names]
    from .. import models

    built = {}
    for name in models_or_names:
        torch.manual_seed(seed)
        built[name] = models.build(name)
    return built


def _boards_tensor(boards):
    import torch

    b = _as_numpy(boards)
    if b.ndim == 2:
        b = b[None]
    if b.ndim != 3:
        raise PlotError(
            f"boards must be one (H, W) board or an (N, H, W) batch, got shape {b.shape}"
        )
    return torch.as_tensor(_as_numpy(check_boards(b, "boards")), dtype=torch.float32)[:, None]


def plot_equivariance(models_or_names, board, k: int = 1, seed: int = 0) -> Figure:
    """One row per model: the board, the board rotated by ``k`` x 90 degrees, the output
    of the rotated board, the rotated output, and their difference (its largest absolute
    value in the title). Equal middle panels mean the model commutes with the rotation.

    ``models_or_names``: model names (built with ``torch.manual_seed(seed)``) or a
    ``{label: model}`` dict.
    """
    import torch

    from .. import models

    nets = _models(models_or_names, seed)
    if not nets:
        raise PlotError("no models to check")
    x = _boards_tensor(_board(board))
    fig, rows = plt.subplots(len(nets), 5, figsize=(13, 2.6 * len(nets)), squeeze=False)
    for axes, (name, model) in zip(rows, nets.items()):
        y_rot_in, rot_y = (t[0, 0] for t in models.rotation_pair(model, x, k))
        diff = y_rot_in - rot_y
        panels = [
            (x[0, 0], "input", "gray_r"),
            (torch.rot90(x[0, 0], k), "rotated input", "gray_r"),
            (y_rot_in, "output of rotated input", "viridis"),
            (rot_y, "rotated output", "viridis"),
            (diff, f"difference (max {float(diff.abs().max()):.0e})", "coolwarm"),
        ]
        for ax, (img, title, cmap) in zip(axes, panels):
            ax.imshow(img.numpy(), cmap=cmap)
            ax.set_title(title, fontsize=9)
            _plain(ax)
        axes[0].set_ylabel(name)
    fig.tight_layout()
    return fig


def equivariance_table(
    models_or_names, boards, rotations: Sequence[int] = (1, 2, 3), seed: int = 0
):
    """Per model, the largest equivariance error over ``boards`` and ``rotations`` (see
    `plot_equivariance` for ``models_or_names``), as a table."""
    from .. import models

    rotations = list(rotations)
    nets = _models(models_or_names, seed)
    header = f"largest equivariance error over {len(rotations)} rotations"
    return table(
        [
            {"model": name, header: models.equivariance_error(m, boards, rotations)}
            for name, m in nets.items()
        ],
        floatfmt="{:.1e}",
    )


# -- chapter 4: training runs and rollouts -----------------------------------------------
def _model_order(records: Sequence[dict], models: Optional[Sequence[str]]) -> list[str]:
    if models is None:
        return list(dict.fromkeys(r["model"] for r in records))
    return list(models)


def plot_time_to_exact(
    records: Sequence[dict], models: Optional[Sequence[str]] = None, ax: Optional[Axes] = None
) -> Axes:
    """Training time of every run, one row of dots per model (spread vertically so
    they do not overlap): green where the run ended exact, red where not.

    ``records`` are run records (`lifecore.experiments.run_grid`); ``models`` orders the
    rows (default: order of first appearance).
    """
    records = list(records)
    names = _model_order(records, models)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    for i, m in enumerate(names):
        recs = [r for r in records if r["model"] == m]
        xs = [r["seconds"] for r in recs]
        ax.scatter(
            xs,
            np.full(len(xs), i) + np.linspace(-0.2, 0.2, len(xs)),
            c=["tab:green" if r["exact"] else "tab:red" for r in recs],
            s=18,
        )
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("training time (s), one process with one thread")
    ax.set_title("each dot is one (rule, seed): green exact, red not")
    ax.figure.tight_layout()
    return ax


def plot_learning_curves(
    records: Sequence[dict],
    rules: Sequence[str],
    models: Optional[Sequence[str]] = None,
    seed: int = 0,
) -> Figure:
    """Validation loss per epoch (log scale), one panel per rule and one line per model,
    for the runs with ``seed``. A cross marks the last epoch of a run that ended exact."""
    records = list(records)
    rules = list(rules)
    if not rules:
        raise PlotError("rules is empty: nothing to plot")
    names = _model_order(records, models)
    fig, axes = plt.subplots(
        1, len(rules), figsize=(5.5 * len(rules), 3.6), sharey=True, squeeze=False
    )
    axes = axes[0]
    for ax, rule in zip(axes, rules):
        for m in names:
            for r in records:
                if r["rule"] == rule and r["model"] == m and r["seed"] == seed:
                    ep = [h["epoch"] for h in r["history"]]
                    loss = [h["val_loss"] for h in r["history"]]
                    (line,) = ax.plot(ep, loss, label=m)
                    if r["exact"]:
                        ax.plot(ep[-1], loss[-1], "x", color=line.get_color(), ms=8)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_title(rule)
    axes[0].set_ylabel("validation loss (BCE per cell)")
    axes[-1].legend(fontsize=8)
    fig.tight_layout()
    return fig


def compare_rollouts(
    rollouts: dict,
    truth,
    times: Sequence[int],
    truth_label: str = "true rule",
    show: Optional[Sequence[str]] = None,
) -> Figure:
    """Rollouts beside the true evolution, at generations ``times`` (one column each).

    Rows: the frames of each rollout named in ``show`` (default: all), then ``truth``, then
    for every rollout the cells where it differs from ``truth`` (red), titled with their
    count, so zero in every title of a row means that rollout matched the truth.
    ``rollouts`` maps a label to a ``(T, H, W)`` trajectory the shape of ``truth``.
    """
    truth = _trajectory(truth, "truth")
    rollouts = {label: _trajectory(f, f"rollout {label!r}") for label, f in rollouts.items()}
    for label, frames in rollouts.items():
        if frames.shape != truth.shape:
            raise PlotError(f"rollout {label!r} has shape {frames.shape}, truth {truth.shape}")
    show = list(rollouts) if show is None else list(show)
    unknown = [s for s in show if s not in rollouts]
    if unknown:
        raise PlotError(f"show names {unknown}, not among the rollouts {list(rollouts)}")
    times = [int(t) for t in times]
    bad = [t for t in times if not 0 <= t < truth.shape[0]]
    if not times or bad:
        raise PlotError(f"times {bad or times} outside generations 0..{truth.shape[0] - 1}")
    rows = [(label, rollouts[label], "binary") for label in show] + [(truth_label, truth, "binary")]
    rows += [
        (f"{label} vs true: differing cells", frames ^ truth, "Reds")
        for label, frames in rollouts.items()
    ]
    fig, axes = plt.subplots(
        len(rows), len(times), figsize=(2.6 * len(times), 2.625 * len(rows)), squeeze=False
    )
    for i, (label, frames, cmap) in enumerate(rows):
        for j, t in enumerate(times):
            ax = axes[i, j]
            ax.imshow(frames[t], cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            _plain(ax)
            ax.set_title(f"t={t}, {int(frames[t].sum())} cells", fontsize=8)
            if j == 0:
                ax.set_ylabel(label, fontsize=8)
    fig.tight_layout()
    return fig


# -- chapter 5: reading rules out of networks ---------------------------------------------
def plot_class_probabilities(extractions: dict, truth: RuleLike) -> Figure:
    """Neighbour statistics as bars: ``P(next alive | state, count)`` for dead (B) and alive
    (S) cells, one panel per reading, with the supporting cells printed above each bar and
    the true rule's value marked by a black tick.

    ``extractions`` maps a label to an `lifecore.extract.Extraction` from
    ``neighbour_statistics`` (its ``details`` carry ``p_alive`` and ``support``).
    """
    if not extractions:
        raise PlotError("no readings to plot")
    rule = as_rule(truth)
    name = truth if isinstance(truth, str) else str(rule)
    fig, axes = plt.subplots(1, len(extractions), figsize=(11, 3), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, (label, e) in zip(axes, extractions.items()):
        p, support = e.details["p_alive"], e.details["support"]
        if p.shape != rule.table.shape:
            raise PlotError(
                f"reading {label!r} has {p.shape[1]} counts, {rule} has {rule.table.shape[1]}"
            )
        k = p.shape[1]
        for s, off, state in ((0, -0.2, "dead (B)"), (1, 0.2, "alive (S)")):
            ax.bar(np.arange(k) + off, np.nan_to_num(p[s]), 0.4, label=state)
            for c in range(k):
                ax.text(c + off, 1.02, str(support[s, c]), ha="center", fontsize=6, rotation=90)
                ax.plot(c + off, rule.table[s, c], "k_", ms=8)
        ax.set(title=f"{name}: {label}", xlabel="live neighbours", ylim=(0, 1.3))
    axes[0].set_ylabel("P(next alive)")
    axes[0].legend(loc="center left", fontsize=7)
    fig.tight_layout()
    return fig


def plot_basis_scores(basis: dict) -> Figure:
    """One row per `lifecore.extract.compare_with_basis` reading (``{rule: Extraction}``):
    heat maps of the true table, the CKA scores, the aligned first-layer cosines and the
    function control, each over (state, count)."""
    if not basis:
        raise PlotError("no basis readings to plot")
    fig, axes = plt.subplots(len(basis), 4, figsize=(13, 2.2 * len(basis)), squeeze=False)
    for row, (rule, e) in zip(axes, basis.items()):
        panels = [
            ("truth", as_rule(rule).table),
            ("CKA", e.details["cka"]),
            ("aligned cosine", e.details["aligned"]),
            ("function (control)", e.details["function"]),
        ]
        for ax, (name, m) in zip(row, panels):
            im = ax.imshow(m, cmap="viridis", aspect="auto")
            ax.set(title=f"{rule}: {name}", yticks=[0, 1], yticklabels=["B", "S"], xlabel="count")
            fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig


def plot_seconds(cost: dict, ax: Optional[Axes] = None) -> Axes:
    """Horizontal box plots of seconds per network, one per method, log scale.
    ``cost`` maps a method to its list of seconds (`lifecore.book.extraction.seconds_by_method`)."""
    if not cost:
        raise PlotError("no timings to plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 2.5))
    ax.boxplot([list(v) for v in cost.values()], orientation="horizontal")
    ax.set_yticks(range(1, len(cost) + 1), list(cost))
    ax.set(xscale="log", xlabel="seconds per network")
    return ax


# -- chapter 6: rule discovery --------------------------------------------------------------
def plot_candidates(
    curves: dict, title: str, max_rounds: int = 9, ax: Optional[Axes] = None
) -> Axes:
    """Candidates left per round, log2 scale: for each strategy the mean over seeds (a line)
    and the range (a band). ``curves`` maps a strategy to a ``(seeds, rounds)`` array (as
    from `lifecore.book.discovery.compare_strategies`); the first ``max_rounds`` rounds are
    drawn."""
    if not curves:
        raise PlotError("no curves to plot")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    for strategy, c in curves.items():
        c = np.asarray(c, dtype=float)[:, :max_rounds]
        ax.plot(np.log2(c).mean(0), marker="o", label=f"{strategy} (mean of {len(c)} seeds)")
        ax.fill_between(range(c.shape[1]), np.log2(c).min(0), np.log2(c).max(0), alpha=0.2)
    ax.set(xlabel="round", ylabel="log2(candidates)", title=title)
    ax.legend()
    return ax
