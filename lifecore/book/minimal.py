"""Rows and figures of chapter 3's section on the minimal network (`sk-minimal`).

The chapter trains one `sk-minimal` on Life with ``method="windows"`` at build time (a few
seconds), reads its two certified filters (`filter_rows`, `filter_figure`), states which
rules the network cannot represent at all (`lifecore.models.two_unit_bound`), and loads the
32-seed benchmark (`benchmarks/results/minimal.json`, written by
``benchmarks/bench_minimal.py``) for the success rates of both methods (`success_rows`,
`success_figure`).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Union

import numpy as np
from torch import nn

from .figures import COLUMN, SMALLEST

__all__ = [
    "BENCHMARK",
    "filter_rows",
    "filter_sentence",
    "filter_figure",
    "load_runs",
    "success_rows",
    "success_figure",
]

#: The measured benchmark, found from the library's own place (not the working directory).
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks/results/minimal.json"

#: Method names as the book writes them.
METHOD_LABELS = {"boards": "plain (soup boards)", "windows": "windows (this book)"}


def _first_layer(model: nn.Module) -> tuple[np.ndarray, np.ndarray]:
    conv = model.body[0]
    return conv.weight.detach().cpu().numpy()[:, 0], conv.bias.detach().cpu().numpy()


def filter_rows(model: nn.Module) -> list[dict]:
    """What each first-layer filter counts: the mean weight of the 8 neighbours, their
    spread (largest minus smallest, relative to the mean: 0 for a pure count), the centre's
    weight in units of a neighbour's, and the neighbour count at which the unit turns on
    (``-bias / mean``, with a dead centre).

    Returns
    -------
    list of dict
        One row per filter: ``filter``, ``neighbour``, ``spread``, ``centre_ratio``,
        ``turns_on_at``, ``direction`` ("more" if more neighbours push it on, else "fewer").
    """
    weights, biases = _first_layer(model)
    rows = []
    for i, (w, b) in enumerate(zip(weights, biases)):
        ring = np.delete(w.ravel(), 4)
        mean = float(ring.mean())
        rows.append(
            {
                "filter": i + 1,
                "neighbour": mean,
                "spread": float((ring.max() - ring.min()) / abs(mean)),
                "centre_ratio": float(w[1, 1] / mean),
                "turns_on_at": float(-b / mean),
                "direction": "more" if mean > 0 else "fewer",
            }
        )
    return rows


def filter_sentence(row: dict) -> str:
    """One sentence on what a filter of `filter_rows` counts, from its numbers."""
    side = "more" if row["direction"] == "more" else "fewer"
    return (
        f"Filter {row['filter']} weighs its eight neighbours alike (they differ by "
        f"{100 * row['spread']:.2g}% of their mean) and the centre at "
        f"{row['centre_ratio']:.2f} of a neighbour: it counts, and turns on with {side} "
        f"than {row['turns_on_at']:.2f} neighbours."
    )


def filter_figure(model: nn.Module):
    """The two 3x3 filters of a 3x3 network side by side, each weight written in its cell,
    one shared diverging colour scale (red positive, blue negative). Returns the figure."""
    import matplotlib.pyplot as plt

    weights, biases = _first_layer(model)
    lim = float(np.abs(weights).max())
    fig, axes = plt.subplots(1, len(weights), figsize=(COLUMN * 0.7, 2.8), layout="constrained")
    for i, (ax, w, b) in enumerate(zip(np.atleast_1d(axes), weights, biases)):
        ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for (r, c), v in np.ndenumerate(w):
            colour = "white" if abs(v) > lim / 2 else "black"  # legible on dark cells
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=SMALLEST, color=colour)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"filter {i + 1}, bias {b:.2f}", fontsize=SMALLEST + 1)
    return fig


def load_runs(path: Union[str, Path] = BENCHMARK) -> list[dict]:
    """The benchmark's runs: ``rule``, ``model``, ``method``, ``seed``, ``certified``,
    ``seconds``."""
    return json.loads(Path(path).read_text())["runs"]


def success_rows(runs: list[dict]) -> list[dict]:
    """Per (rule, model, method): seeds, certified count and fraction, median seconds."""
    keys = sorted({(r["rule"], r["model"], r["method"]) for r in runs})
    rows = []
    for rule, model, method in keys:
        group = [r for r in runs if (r["rule"], r["model"], r["method"]) == (rule, model, method)]
        certified = sum(bool(r["certified"]) for r in group)
        rows.append(
            {
                "rule": rule,
                "model": model,
                "method": METHOD_LABELS.get(method, method),
                "seeds": len(group),
                "certified": certified,
                "fraction": certified / len(group),
                "median_seconds": statistics.median(r["seconds"] for r in group),
            }
        )
    return rows


def success_figure(rows: list[dict], model: str = "sk-minimal"):
    """Certified fraction of the seeds per rule, the plain method's bar beside the window
    method's, for ``model``. Returns the figure."""
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["model"] == model]
    rules = sorted({r["rule"] for r in rows}, key=lambda s: (len(s), s))
    methods = list(METHOD_LABELS.values())
    fig, ax = plt.subplots(figsize=(COLUMN, 3.2), layout="constrained")
    width = 0.38
    for j, method in enumerate(methods):
        values = [next((r["fraction"] for r in rows if r["rule"] == rule
                        and r["method"] == method), 0.0) for rule in rules]  # fmt: skip
        xs = np.arange(len(rules)) + (j - 0.5) * width
        ax.bar(xs, values, width, label=method, color=("#999999", "#1f77b4")[j])
    labels = [rule.replace("/", "/\n") for rule in rules]  # two lines: long rules fit
    ax.set_xticks(range(len(rules)), labels, fontsize=SMALLEST)
    ax.set_ylim(0, 1)
    ax.set_ylabel("certified fraction\nof seeds", fontsize=SMALLEST)
    ax.legend(fontsize=SMALLEST, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2,
              frameon=False)  # fmt: skip
    return fig
