"""Rows and the figure of chapter 7's section "The whole rule space, proved".

The chapter trains a small stratified draw at build time (`build_draw`: one rule per family
on a tiny budget) and loads the full benchmark (`benchmarks/results/rulespace.json`, written
by `python -m lifecore experiments rulespace`); `summary_rows` turns either into the table,
`family_figure` plots both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Union

from ..experiments.rulespace import (
    FAMILIES,
    RuleSpaceRecord,
    family_summary,
    load_rulespace,
    run_rulespace,
)

__all__ = [
    "BENCHMARK",
    "BUILD_BUDGET",
    "build_draw",
    "load_benchmark",
    "summary_rows",
    "family_figure",
]

#: The build-time budget: few boards and epochs, no rollout, one thread (seconds, not minutes).
BUILD_BUDGET = {"max_epochs": 60, "data_n": 200, "rollout_steps": 0, "threads": 1}


def build_draw(per_family: int = 1, seed: int = 0) -> list[RuleSpaceRecord]:
    """Train the first ``per_family`` rules of each family's draw (``seed``) with `BUILD_BUDGET`,
    in this process."""
    from ..train import TrainConfig

    config = TrainConfig(**BUILD_BUDGET)
    return run_rulespace(per_family, seed, config, out=None, jobs=1, progress=False)


#: The measured benchmark, found from the library's own place (not the working directory,
#: which differs between a build, nbmake and a copy opened in JupyterLab).
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks/results/rulespace.json"


def load_benchmark(path: Union[str, Path] = BENCHMARK) -> list[RuleSpaceRecord]:
    """The benchmark's records (`lifecore.experiments.rulespace.load_rulespace`)."""
    return load_rulespace(path)


def summary_rows(records: Sequence[RuleSpaceRecord]) -> list[dict]:
    """One row per family, for `lifecore.viz.tables.frame`: rules, certified (``k of n``),
    median and max CPU seconds, the smallest certified model, the rules left uncertified."""
    rows = []
    for row in family_summary(records):
        missed = row["not_certified"]
        rows.append(
            {
                "family": row["family"],
                "rules": row["rules"],
                "certified": f"{row['certified']} of {row['rules']}",
                "median s": f"{row['median_cpu_s']:.1f}",
                "max s": f"{row['max_cpu_s']:.1f}",
                "smallest": row["smallest"] or "none",
                "not certified": ", ".join(_short(r) for r in missed) or "none",
            }
        )
    return rows


def _short(rule: str, limit: int = 24) -> str:
    return rule if len(rule) <= limit else rule[: limit - 1] + "…"


def _fractions(records: Sequence[RuleSpaceRecord]) -> dict[str, float]:
    return {r["family"]: r["fraction"] for r in family_summary(records)}


def family_figure(
    benchmark: Sequence[RuleSpaceRecord], build: Optional[Sequence[RuleSpaceRecord]] = None
):
    """Two panels per family: fraction certified (bars: the benchmark; crosses: the build's
    draw) and CPU seconds per rule (dots: the benchmark; crosses: the build's draw, log scale).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    labels = list(FAMILIES)
    short = [f.replace(" outer-totalistic", "\nOT") for f in labels]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    bench = _fractions(benchmark)
    xs = range(len(labels))
    left.bar(xs, [bench.get(f, 0.0) for f in labels], color="0.7", label="benchmark")
    for i, family in enumerate(labels):
        secs = [r.cpu_seconds for r in benchmark if r.family == family]
        right.scatter([i] * len(secs), secs, s=12, color="0.45", alpha=0.7,
                      label="benchmark" if i == 0 else None)  # fmt: skip
    if build:
        mine = _fractions(build)
        fam = [i for i, f in enumerate(labels) if f in mine]
        left.scatter(fam, [mine[labels[i]] for i in fam], marker="x", color="C3",
                     zorder=3, label="this build")  # fmt: skip
        right.scatter([labels.index(r.family) for r in build], [r.cpu_seconds for r in build],
                      marker="x", color="C3", zorder=3, label="this build")  # fmt: skip
    left.set(ylim=(0, 1.05), ylabel="fraction certified", xticks=list(xs), xticklabels=short)
    right.set(yscale="log", ylabel="CPU seconds per rule", xticks=list(xs), xticklabels=short)
    for ax in (left, right):
        ax.tick_params(axis="x", labelsize=8)
    left.legend(loc="lower left", fontsize=8)
    return fig
