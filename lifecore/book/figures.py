"""Figures laid out for the book's text column.

The book's column is about 700 px wide. A figure drawn 13 inches wide is shrunk to fit it
and its 8 pt labels end up a few pixels tall, so every figure here is drawn at the column
width (`COLUMN`, in inches at `DPI`) with fonts no smaller than `SMALLEST` points, and a
multi-panel figure gets more rows instead of more columns.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

__all__ = [
    "COLUMN",
    "DPI",
    "SMALLEST",
    "use_book_style",
    "board_strip",
    "coverage_heatmaps",
    "equivariance_panels",
    "learning_curves",
    "rollout_differences",
    "class_probabilities",
    "basis_heatmaps",
]

#: Width of the text column, inches (at `DPI` this is 650 px).
COLUMN = 6.5
#: Dots per inch of every figure, so a figure's pixels match its inches.
DPI = 100
#: The smallest font size used, points (about 14 px at `DPI`).
SMALLEST = 10


def use_book_style() -> None:
    """Set matplotlib's defaults for the book: column width, readable fonts, fixed DPI."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.figsize": (COLUMN, COLUMN * 0.5),
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "font.size": SMALLEST + 1,
            "axes.titlesize": SMALLEST + 1,
            "axes.labelsize": SMALLEST + 1,
            "xtick.labelsize": SMALLEST,
            "ytick.labelsize": SMALLEST,
            "legend.fontsize": SMALLEST,
            "figure.titlesize": SMALLEST + 2,
        }
    )


def board_strip(
    frames,
    steps: Sequence[int],
    ncols: Optional[int] = None,
    label: str = "t = {}",
):
    """Frames of one trajectory at generations ``steps``, at most ``ncols`` per row
    (default: as many as keep each panel at least 1.2 inches wide), each labelled.

    ``frames`` is a ``(T, H, W)`` 0/1 array. Returns the figure.
    """
    import matplotlib.pyplot as plt

    frames = np.asarray(frames)
    steps = [int(s) for s in steps]
    if frames.ndim != 3:
        raise ValueError(f"frames must be (T, H, W), got shape {frames.shape}")
    bad = [s for s in steps if not 0 <= s < frames.shape[0]]
    if not steps or bad:
        raise ValueError(f"steps {bad or steps} outside generations 0..{frames.shape[0] - 1}")
    ncols = min(ncols or int(COLUMN // 1.2), len(steps))
    nrows = -(-len(steps) // ncols)
    side = COLUMN / ncols
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(COLUMN, side * nrows + 0.35 * nrows), squeeze=False
    )
    for ax in axes.flat:
        ax.axis("off")
    for ax, s in zip(axes.flat, steps):
        ax.imshow(frames[s], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(label.format(s))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.axis("on")
    fig.tight_layout()
    return fig


def coverage_heatmaps(coverages: dict, rules: Sequence[str]):
    """Share of cells per (state, count) class, one heat map per data scheme stacked in a
    column: a row per rule, a column per class ``B0..B8, S0..S8``; classes a rule's
    neighbourhood does not have are left blank, classes the data never show are marked
    with a cross.

    ``coverages`` maps a scheme's label to ``{rule: (2, size + 1) counts}`` (as from
    `lifecore.data.TransitionData.coverage`). Returns the figure.
    """
    import matplotlib.pyplot as plt

    if not coverages:
        raise ValueError("no coverages to draw")
    rules = list(rules)
    names = [f"{s}{c}" for s in "BS" for c in range(9)]
    fig, axes = plt.subplots(
        len(coverages),
        1,
        figsize=(COLUMN, 3.1 * len(coverages)),
        squeeze=False,
        layout="constrained",
    )
    image = None
    for ax, (label, by_rule) in zip(axes[:, 0], coverages.items()):
        grid = np.full((len(rules), 18), np.nan)
        for i, rule in enumerate(rules):
            cov = np.asarray(by_rule[rule], dtype=float)
            share = cov / max(cov.sum(), 1)
            k = cov.shape[1]
            grid[i, :k] = share[0]
            grid[i, 9 : 9 + k] = share[1]
        with np.errstate(divide="ignore"):
            logs = np.log10(grid)
        image = ax.imshow(
            np.where(np.isinf(logs), np.nan, logs),
            cmap="viridis",
            vmin=-5,
            vmax=0,
            aspect="auto",
            interpolation="nearest",
        )
        for i, j in zip(*np.nonzero(grid == 0)):
            ax.text(j, i, "×", ha="center", va="center", color="red", fontsize=SMALLEST + 2)
        ax.set_xticks(range(18), names, rotation=90)
        ax.set_yticks(range(len(rules)), rules)
        ax.set_title(label)
    cbar = fig.colorbar(image, ax=axes[:, 0].tolist(), shrink=0.8)
    cbar.set_label("share of cells (log10)")
    return fig


def equivariance_panels(nets: dict, board, k: int = 1):
    """For each model (a row): its output on the board rotated by ``k`` x 90 degrees, its
    output rotated, and their difference drawn on the same colour scale as the outputs, so
    an equivariant model's difference panel is blank.

    ``nets`` maps a label to a model; ``board`` is a ``(H, W)`` 0/1 array. Returns the
    figure; the largest absolute difference is in each difference panel's title.
    """
    import matplotlib.pyplot as plt
    import torch

    from .. import models

    if not nets:
        raise ValueError("no models to check")
    x = torch.as_tensor(np.asarray(board), dtype=torch.float32)[None, None]
    fig, axes = plt.subplots(
        len(nets), 3, figsize=(COLUMN, 2.3 * len(nets)), squeeze=False, layout="constrained"
    )
    for row, (label, model) in zip(axes, nets.items()):
        y_rot_in, rot_y = (t[0, 0].numpy() for t in models.rotation_pair(model, x, k))
        diff = y_rot_in - rot_y
        scale = float(max(np.abs(y_rot_in).max(), np.abs(rot_y).max(), 1e-12))
        panels = [
            (y_rot_in, "output of rotated board"),
            (rot_y, "rotated output"),
            (diff, f"difference (max {np.abs(diff).max():.0e})"),
        ]
        for ax, (img, title) in zip(row, panels):
            ax.imshow(img, cmap="coolwarm", vmin=-scale, vmax=scale, interpolation="nearest")
            ax.set_title(title, fontsize=SMALLEST)
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(label)
    return fig


def learning_curves(records, rules: Sequence[str], models: Sequence[str], seed: int = 0):
    """Validation loss per epoch (log scale), one panel per rule stacked in a column, one
    line per model, for the runs with ``seed``; a cross marks the last epoch of a run that
    ended exact. ``records`` are run records with a ``history`` of ``{"epoch", "val_loss"}``."""
    import matplotlib.pyplot as plt

    rules = list(rules)
    if not rules:
        raise ValueError("rules is empty: nothing to plot")
    fig, axes = plt.subplots(
        len(rules),
        1,
        figsize=(COLUMN, 2.8 * len(rules)),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    for ax, rule in zip(axes[:, 0], rules):
        for i, m in enumerate(models):
            for r in records:
                if (r["rule"], r["model"], r["seed"]) != (rule, m, seed):
                    continue
                ep = [h["epoch"] for h in r["history"]]
                loss = [h["val_loss"] for h in r["history"]]
                (line,) = ax.plot(ep, loss, label=m, color=f"C{i}")
                if r["exact"]:
                    ax.plot(ep[-1], loss[-1], "x", color=line.get_color(), ms=9, mew=2)
        ax.set_yscale("log")
        ax.set_ylabel("validation loss")
        ax.set_title(rule)
    axes[-1, 0].set_xlabel("epoch")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper")
    return fig


def rollout_differences(rollouts: dict, truth, times: Sequence[int]):
    """The true evolution (first row) and, for each rollout, the cells where it differs from
    the truth (red, one row each), at generations ``times``; each difference panel's title
    counts the differing cells, so a row of zeros is a network that matched the rule.

    ``rollouts`` maps a label to a ``(T, H, W)`` trajectory shaped like ``truth``.
    """
    import matplotlib.pyplot as plt

    truth = np.asarray(truth)
    times = [int(t) for t in times]
    bad = [t for t in times if not 0 <= t < truth.shape[0]]
    if not times or bad:
        raise ValueError(f"times {bad or times} outside generations 0..{truth.shape[0] - 1}")
    rows = [("true rule", truth, "gray_r", "{} live")] + [
        (label, np.asarray(f) ^ truth, "Reds", "{} differ") for label, f in rollouts.items()
    ]
    side = COLUMN / len(times)
    fig, axes = plt.subplots(
        len(rows),
        len(times),
        figsize=(COLUMN, (side + 0.3) * len(rows)),
        squeeze=False,
        layout="constrained",
    )
    for row_axes, (label, frames, cmap, fmt) in zip(axes, rows):
        for ax, t in zip(row_axes, times):
            ax.imshow(frames[t], cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
            ax.set_title(f"t={t}: " + fmt.format(int(frames[t].sum())), fontsize=SMALLEST)
            ax.set_xticks([])
            ax.set_yticks([])
        row_axes[0].set_ylabel(label, fontsize=SMALLEST)
    return fig


def _compact(n: int) -> str:
    """A cell count in at most four characters: 950, 12k, 1.2M."""
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.0f}k" if n >= 10_000 else f"{n / 1000:.1f}k"
    return f"{n / 1e6:.1f}M"


def class_probabilities(readings: dict, truth_table) -> object:
    """Neighbour statistics, one panel per reading stacked in a column: ``P(next alive)`` per
    class ``B0..Bk, S0..Sk`` as bars coloured by verdict (accepted and right, accepted and
    wrong, undetermined: hatched grey, never drawn like a probability of zero), the true
    rule's value as a black diamond on top, and the supporting cells under each class name.

    ``readings`` maps a label to an object with ``details["p_alive"]``,
    ``details["support"]`` (both ``(2, k + 1)``) and ``table`` (``-1`` undetermined);
    ``truth_table`` is the true ``(2, k + 1)`` 0/1 table. Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    truth = np.asarray(truth_table)
    k = truth.shape[1]
    names = [f"{s}{c}" for s in "BS" for c in range(k)]
    fig, axes = plt.subplots(
        len(readings),
        1,
        figsize=(COLUMN, 2.9 * len(readings)),
        squeeze=False,
        layout="constrained",
    )
    colours = {"right": "#2a9d8f", "wrong": "#e76f51", "undetermined": "#bbbbbb"}
    for ax, (label, e) in zip(axes[:, 0], readings.items()):
        p = np.nan_to_num(np.asarray(e.details["p_alive"], float)).ravel()
        support = np.asarray(e.details["support"]).ravel()
        table = np.asarray(e.table).ravel()
        verdict = np.where(
            table < 0, "undetermined", np.where(table == truth.ravel(), "right", "wrong")
        )
        x = np.arange(len(names))
        for v, colour in colours.items():
            sel = verdict == v
            height = np.where(v == "undetermined", np.maximum(p[sel], 0.04), p[sel])
            ax.bar(
                x[sel],
                height,
                0.75,
                color=colour,
                hatch="//" if v == "undetermined" else None,
                edgecolor="#555555" if v == "undetermined" else colour,
            )
        ax.plot(x, truth.ravel(), "D", color="black", ms=6, zorder=5, label="true rule")
        ax.set_xticks(
            x,
            [f"{n}\n{_compact(int(s))}" for n, s in zip(names, support)],
            fontsize=SMALLEST - 1 if len(names) > 14 else SMALLEST,
        )
        ax.set_ylim(-0.05, 1.12)
        ax.set_ylabel("P(next alive)")
        ax.set_title(label)
    handles = [Patch(color=c, label=v) for v, c in colours.items()]
    handles.append(plt.Line2D([], [], marker="D", color="black", ls="", label="true rule"))
    fig.legend(handles=handles, loc="outside lower center", ncols=4)
    return fig


def basis_heatmaps(basis: dict):
    """Basis comparison scores per class, a row per rule and a column per score (CKA,
    aligned first-layer cosine, the function control), with the true rule's live classes
    marked by white dots: a score reads the rule when its bright cells are the dotted ones.

    ``basis`` maps a rule string to an object with ``details`` holding ``cka``,
    ``aligned`` and ``function`` arrays of shape ``(2, k + 1)``. Returns the figure.
    """
    import matplotlib.pyplot as plt

    from ..rules import as_rule

    if not basis:
        raise ValueError("no basis readings to draw")
    scores = [("cka", "CKA"), ("aligned", "aligned cosine"), ("function", "function control")]
    fig, axes = plt.subplots(
        len(basis),
        len(scores),
        figsize=(COLUMN, 1.9 * len(basis) + 0.4),
        squeeze=False,
        layout="constrained",
    )
    for row, (rule, e) in zip(axes, basis.items()):
        truth = as_rule(rule).table
        for ax, (key, title) in zip(row, scores):
            m = np.asarray(e.details[key], float)
            ax.imshow(m, cmap="viridis", aspect="auto", interpolation="nearest")
            ys, xs = np.nonzero(truth)
            ax.plot(xs, ys, "o", color="white", mec="black", ms=6)
            ax.set_yticks([0, 1], ["B", "S"])
            ax.set_xticks(range(0, m.shape[1], 2))
            ax.set_title(title, fontsize=SMALLEST)
            ax.set_xlabel("count", fontsize=SMALLEST)
        row[0].set_ylabel(rule, fontsize=SMALLEST)
    return fig
