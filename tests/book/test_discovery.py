"""Chapter 6's strategy comparison and neighbourhood table (lifecore.book.discovery)."""

import numpy as np

from lifecore import Rule
from lifecore import discover as D
from lifecore.book import discovery as B


def test_compare_strategies_matches_discover_per_seed():
    comp = B.compare_strategies("B36/S23", seeds=range(3), rounds=3)
    assert list(comp.curves) == ["design", "random"]
    for strategy in ("design", "random"):
        runs = [
            D.discover(
                D.BlackBox.of("B36/S23"),
                neighbourhood="moore",
                rounds=3,
                seed=s,
                strategy=strategy,
                use_network=False,
                first="soup",
            ).candidates_per_round
            for s in range(3)
        ]
        curves = comp.curves[strategy]
        assert curves.shape == (3, max(map(len, runs)))
        for run, curve, to_one in zip(runs, curves, comp.rounds_to_one[strategy]):
            assert (
                list(curve[: len(run)]) == run and (curve[len(run) :] == run[-1]).all()
            )  # held at the end
            assert to_one == (len(run) - 1 if run[-1] == 1 else np.inf)
    lines = comp.report()
    assert lines[0].startswith("design: rounds to one candidate per seed [") and len(lines) == 3
    v = comp.verdict()
    assert v["fewer"] + v["as many"] + v["more"] <= v["seeds"] == 3
    fewer = {0: "no seed", 1: "1 seed"}.get(v["fewer"], f"{v['fewer']} seeds")
    assert lines[2] == (
        f"design needed fewer rounds than random on {fewer}, as many on "
        f"{v['as many']}, more on {v['more']} (of 3)"
    )


def test_verdict_counts_unfinished_runs_as_infinite():
    comp = B.StrategyComparison(
        "B3/S23", {}, {"design": np.array([1, 2, np.inf]), "random": np.array([2, 2, np.inf])}
    )
    assert comp.verdict() == {"fewer": 1, "as many": 2, "more": 0, "seeds": 3}
    assert "[1, 2, None], mean inf" in comp.report()[0]


def test_neighbourhood_table_rows():
    rows = B.neighbourhood_table(
        ["B2/S013V", "B/S012345678"], n=4, size=16, steps=4, use_network=False
    )
    assert [r["hidden rule"] for r in rows] == ["B2/S013V", "B/S012345678"]
    assert (
        rows[0]["discovered"] == str(Rule.parse("B2/S013V"))
        and rows[0]["neighbourhood"] == "vonneumann"
    )
    assert rows[1]["consistent with"] == "vonneumann, hex, moore"
    assert rows[0]["network agrees (fresh boards)"] == "-" and "seconds" in rows[0]


def test_coverage_rows_designed_board_against_soups():
    from lifecore.discover.boards import cells_until_covered

    rows = B.coverage_rows(
        spaces=(("outer-totalistic", "vonneumann"), ("map", "moore")),
        densities=(0.5, 0.05),
        seeds=range(2),
        max_cells=1 << 14,
    )
    assert [r["classes"] for r in rows] == [10, 512]
    assert rows[0]["designed board"] == "16 cells" and rows[1]["designed board"] == "512 cells"
    vn = [cells_until_covered("outer-totalistic", "vonneumann", 0.5, s, 1 << 14) for s in (0, 1)]
    assert rows[0]["soups p=0.5"] == int(np.median(vn)) >= 10  # at least one cell per class
    assert rows[1]["soups p=0.05"] == f"> {1 << 14}"  # a 9-live-cell window at p=0.05: ~2e-12


def test_cells_until_covered_counts_to_the_last_new_class():
    from lifecore.discover.boards import cells_until_covered
    from lifecore.extract import class_space, window_indices

    cells = cells_until_covered("outer-totalistic", "moore", 0.5, seed=3, size=16)
    rng = np.random.default_rng(3)
    space, seen, read = class_space("outer-totalistic"), set(), 0
    while len(seen) < 18:  # the same stream, one cell at a time
        board = (rng.random((16, 16)) < 0.5).astype(np.uint8)
        for k in space.of_window[window_indices(board)].ravel():
            read += 1
            seen.add(int(k))
            if len(seen) == 18:
                break
    assert cells == read
