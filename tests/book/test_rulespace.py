"""Chapter 7's rule-space rows and figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from lifecore.book import rulespace as rs  # noqa: E402
from lifecore.experiments.rulespace import FAMILIES, RuleSpaceRecord, draw_rule  # noqa: E402

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "rulespace.json"


def _record(family, index, certified, cpu, model="cnn-tiny", params=133):
    return RuleSpaceRecord(
        family=family, index=index, seed=0, rule=draw_rule(family, index, 0), config_hash="h",
        certified=certified, model=model, params=params, cpu_seconds=cpu,
    )  # fmt: skip


RECORDS = [
    _record("MAP", 0, True, 4.0, "cnn-small", 991),
    _record("MAP", 1, False, 9.0),
    _record("isotropic", 0, True, 1.25, "d4cnn-tiny", 34),
]


def test_rows_name_counts_times_and_the_uncertified_rule():
    rows = {r["family"]: r for r in rs.summary_rows(RECORDS)}
    assert rows["MAP"]["certified"] == "1 of 2"
    assert (rows["MAP"]["median s"], rows["MAP"]["max s"]) == ("6.5", "9.0")
    assert rows["MAP"]["smallest"] == "cnn-small (991)"
    assert rows["MAP"]["not certified"].startswith(RECORDS[1].rule[:10])
    assert rows["isotropic"]["not certified"] == "none"


def test_the_figure_plots_the_fractions_of_both_draws():
    fig = rs.family_figure(RECORDS, RECORDS[2:])
    left, right = fig.axes
    heights = [bar.get_height() for bar in left.patches]
    expected = [{"MAP": 0.5, "isotropic": 1.0}.get(f, 0.0) for f in FAMILIES]
    assert heights == expected
    assert right.get_yscale() == "log"
    matplotlib.pyplot.close(fig)


def test_the_committed_benchmark_covers_every_family():
    records = rs.load_benchmark(RESULTS)
    assert {r.family for r in records} == set(FAMILIES)
    for r in records:  # each stored rule is the one its (family, index, seed) draws
        assert r.rule == draw_rule(r.family, r.index, r.seed)
