"""The chapters' figures draw what their inputs say."""

import gc
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lifecore import simulate  # noqa: E402
from lifecore.book.plots import (  # noqa: E402
    plot_basis_scores,
    plot_candidates,
    plot_class_probabilities,
    plot_seconds,
)
from lifecore.data import soups  # noqa: E402
from lifecore.patterns import pattern, place  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
    # animate() objects a test never renders warn when collected; collect them here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Animation was deleted without rendering")
        gc.collect()


def glider_frames(n=9):
    return simulate(place(pattern("glider"), (8, 8)), "B3/S23", n - 1)


def test_plot_coverage_bars_match_shares():
    from lifecore.book.plots import plot_coverage
    from lifecore.data import coverage

    board = place(pattern("glider").cells, (8, 8))
    cov = coverage(board, "B3/S23")
    ax = plot_coverage({"glider": cov}, "B3/S23")
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 18 and np.isclose(sum(heights), 1.0)
    with pytest.raises(ValueError, match="shape"):
        plot_coverage({"bad": cov}, "B1/SV")
    plt.close("all")


def test_show_sizes_derives_mflops_and_flops_per_parameter():
    from lifecore.book.plots import show_sizes
    from lifecore.models import ModelSize

    rows = [ModelSize("m", 1000, 2_500_000, 2000, 4.0, 99.5)]
    out = show_sizes(rows, size=(16, 24))._repr_html_()
    assert "MFLOPs (16x24)" in out
    assert (
        "<td>m</td><td>1,000</td><td>2.50</td><td>2,000</td><td>4.00</td><td>2,000</td><td>99.50</td>"
        in out
    )


# -- rotation equivariance ----------------------------------------------------------------
class _Shifted(torch.nn.Module):
    """Not rotation-equivariant: output is the input moved one column."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(1))

    def forward(self, x):
        return torch.roll(x, 1, dims=-1) * self.w


class _Identity(_Shifted):
    def forward(self, x):
        return x * self.w


def test_equivariance_error_zero_for_equivariant_and_not_otherwise():
    from lifecore.models import equivariance_error as _equivariance_error

    boards = soups(3, 12, 0.4, seed=1)
    assert _equivariance_error(_Identity(), boards) == 0.0
    assert _equivariance_error(_Shifted(), boards) == 1.0
    assert _equivariance_error(_Shifted(), boards[0], rotations=[2]) == 1.0
    with pytest.raises(ValueError, match="rotations is empty"):
        _equivariance_error(_Identity(), boards, rotations=())


def test_plot_equivariance_panels_and_difference():
    from lifecore.book.plots import plot_equivariance

    board = soups(1, (8, 12), 0.4, seed=0)[0]
    fig = plot_equivariance({"same": _Identity(), "shifted": _Shifted()}, board)
    assert len(fig.axes) == 10
    same, shifted = fig.axes[:5], fig.axes[5:]
    assert [a.get_ylabel() for a in (same[0], shifted[0])] == ["same", "shifted"]
    np.testing.assert_array_equal(same[0].images[0].get_array(), board)
    np.testing.assert_array_equal(same[1].images[0].get_array(), np.rot90(board))
    assert same[4].get_title() == "difference (max 0e+00)"
    assert shifted[4].get_title() == "difference (max 1e+00)"
    diff = shifted[2].images[0].get_array() - shifted[3].images[0].get_array()
    np.testing.assert_array_equal(shifted[4].images[0].get_array(), diff)


def test_plot_equivariance_and_table_build_p4_models_by_name():
    from lifecore.book.plots import equivariance_table, plot_equivariance

    board = soups(1, (8, 8), 0.4, seed=0)[0]
    fig = plot_equivariance(["p4cnn-tiny"], board)
    assert len(fig.axes) == 5 and float(fig.axes[4].get_title().split("max ")[1][:-1]) < 1e-4
    out = equivariance_table(["p4cnn-tiny", "cnn-tiny"], soups(2, 8, 0.4, seed=1))._repr_html_()
    assert "largest equivariance error over 3 rotations" in out
    p4, plain = (float(c.split("</td>")[0]) for c in out.split("<td>")[2::2])
    assert p4 < 1e-4 < plain


# -- training runs -----------------------------------------------------------------------
def _records():
    recs = []
    for i, (rule, model, exact) in enumerate(
        [
            ("B3/S23", "a", True),
            ("B3/S23", "b", False),
            ("B36/S23", "a", False),
            ("B36/S23", "b", True),
        ]
    ):
        for seed in (0, 1):
            n = 3 + i + seed
            recs.append(
                {
                    "rule": rule,
                    "model": model,
                    "seed": seed,
                    "exact": exact,
                    "seconds": 10.0 * i + seed,
                    "history": [{"epoch": e + 1, "val_loss": 1.0 / (e + 1)} for e in range(n)],
                }
            )
    return recs


def test_plot_time_to_exact_one_dot_per_run():
    from lifecore.book.plots import plot_time_to_exact

    recs = _records()
    ax = plot_time_to_exact(recs, models=["b", "a"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "a"]
    offsets = np.concatenate([c.get_offsets() for c in ax.collections])
    assert len(offsets) == len(recs)
    row_b = ax.collections[0].get_offsets()
    assert sorted(row_b[:, 0]) == sorted(r["seconds"] for r in recs if r["model"] == "b")
    assert np.all(np.abs(row_b[:, 1]) <= 0.2)
    green = matplotlib.colors.to_rgba("tab:green")
    colours = [tuple(c) for c in ax.collections[1].get_facecolors()]
    assert colours == [
        green if r["exact"] else matplotlib.colors.to_rgba("tab:red")
        for r in recs
        if r["model"] == "a"
    ]


def test_plot_learning_curves_one_line_per_model_and_crosses_for_exact():
    from lifecore.book.plots import plot_learning_curves

    recs = _records()
    fig = plot_learning_curves(recs, ["B3/S23", "B36/S23"], seed=1)
    assert len(fig.axes) == 2 and [a.get_title() for a in fig.axes] == ["B3/S23", "B36/S23"]
    for ax, rule in zip(fig.axes, ["B3/S23", "B36/S23"]):
        curves = [l for l in ax.lines if l.get_marker() != "x"]
        crosses = [l for l in ax.lines if l.get_marker() == "x"]
        runs = [r for r in recs if r["rule"] == rule and r["seed"] == 1]
        assert [l.get_label() for l in curves] == [r["model"] for r in runs]
        assert [len(l.get_xdata()) for l in curves] == [len(r["history"]) for r in runs]
        assert len(crosses) == sum(r["exact"] for r in runs) == 1
        assert ax.get_yscale() == "log"
    assert fig.axes[1].get_legend() is not None
    with pytest.raises(ValueError, match="rules is empty"):
        plot_learning_curves(recs, [])


def test_compare_rollouts_rows_and_difference_counts():
    from lifecore.book.plots import compare_rollouts

    truth = glider_frames(11)
    wrong = truth.copy()
    wrong[5:, 0, 0] ^= 1
    wrong[8:, 1, 1] ^= 1
    fig = compare_rollouts(
        {"good": truth, "bad": wrong},
        truth,
        times=[0, 5, 10],
        truth_label="true B3/S23",
        show=["good"],
    )
    assert len(fig.axes) == 4 * 3
    grid = np.array(fig.axes).reshape(4, 3)
    assert [row[0].get_ylabel() for row in grid] == [
        "good",
        "true B3/S23",
        "good vs true: differing cells",
        "bad vs true: differing cells",
    ]
    np.testing.assert_array_equal(grid[1, 2].images[0].get_array(), truth[10])
    for j, t in enumerate([0, 5, 10]):
        assert grid[2, j].get_title() == f"t={t}, 0 cells"
        xor = int((wrong[t] ^ truth[t]).sum())
        assert grid[3, j].get_title() == f"t={t}, {xor} cells"
        np.testing.assert_array_equal(grid[3, j].images[0].get_array(), wrong[t] ^ truth[t])
    assert [int(grid[3, j].get_title().split(", ")[1].split()[0]) for j in range(3)] == [0, 1, 2]
    # default: every rollout's frames shown
    assert len(compare_rollouts({"good": truth, "bad": wrong}, truth, times=[0]).axes) == 5
    with pytest.raises(ValueError, match="outside generations"):
        compare_rollouts({"good": truth}, truth, times=[11])
    with pytest.raises(ValueError, match="not among the rollouts"):
        compare_rollouts({"good": truth}, truth, times=[0], show=["bad"])
    with pytest.raises(ValueError, match="has shape"):
        compare_rollouts({"good": truth[:5]}, truth, times=[0])


# -- chapters 5 and 6 -------------------------------------------------------------------------
def _statistics(rule, density):
    from lifecore import extract as E

    return E.neighbour_statistics(E.exact_network(rule), "moore", n=8, size=16, density=density)


def test_plot_class_probabilities_draws_bars_support_and_truth():
    from lifecore import Rule

    readings = {"half": _statistics("B36/S23", 0.5), "cover": _statistics("B36/S23", 0.3)}
    fig = plot_class_probabilities(readings, "B36/S23")
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["B36/S23: half", "B36/S23: cover"]
    truth = Rule.parse("B36/S23").table
    for ax, e in zip(axes, readings.values()):
        heights = [p.get_height() for p in ax.patches]
        np.testing.assert_allclose(heights, np.nan_to_num(e.details["p_alive"]).ravel())
        assert [t.get_text() for t in ax.texts] == [
            str(v) for s in range(2) for v in e.details["support"][s]
        ]
        ticks = [line.get_ydata()[0] for line in ax.lines]
        assert ticks == [truth[s, c] for s in range(2) for c in range(9)]
    with pytest.raises(ValueError, match="counts"):
        plot_class_probabilities(readings, "B2/S013V")
    with pytest.raises(ValueError):
        plot_class_probabilities({}, "B3/S23")


def test_plot_basis_scores_one_row_per_rule():
    from lifecore import Rule
    from lifecore import extract as E

    def reading(rule, k):
        t = Rule.parse(rule).table
        return E.Extraction(
            rule=Rule.parse(rule),
            table=t.astype(np.int64),
            confidence=np.ones(t.shape),
            undetermined=[],
            consistent=True,
            method="basis",
            neighbourhood="moore",
            details={"cka": t * k, "aligned": t * 2 * k, "function": t * 3 * k},
        )

    fig = plot_basis_scores({"B3/S23": reading("B3/S23", 0.5), "B36/S23": reading("B36/S23", 0.25)})
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels[:4]] == [
        "B3/S23: truth",
        "B3/S23: CKA",
        "B3/S23: aligned cosine",
        "B3/S23: function (control)",
    ]
    assert len(panels) == 8
    np.testing.assert_array_equal(
        panels[5].images[0].get_array(), Rule.parse("B36/S23").table * 0.25
    )
    np.testing.assert_array_equal(
        panels[7].images[0].get_array(), Rule.parse("B36/S23").table * 0.75
    )


def test_plot_seconds_one_box_per_method():
    ax = plot_seconds({"enumerate": [0.1, 0.2, 0.3], "basis": [5.0]})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["enumerate", "basis"]
    assert ax.get_xscale() == "log"
    with pytest.raises(ValueError):
        plot_seconds({})


def test_plot_candidates_mean_and_range_in_log2():
    curves = {
        "design": np.array([[512, 8, 1, 1], [512, 2, 1, 1]]),
        "random": np.array([[512, 64, 4, 1]] * 3),
    }
    ax = plot_candidates(curves, "B3/S23: candidates left", max_rounds=3)
    assert ax.get_title() == "B3/S23: candidates left"
    design, random = ax.lines
    np.testing.assert_allclose(design.get_ydata(), [9, 2, 0])
    np.testing.assert_allclose(random.get_ydata(), [9, 6, 2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "design (mean of 2 seeds)",
        "random (mean of 3 seeds)",
    ]
