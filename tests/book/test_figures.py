"""Figures are drawn at the column width with readable text."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lifecore.book import figures  # noqa: E402


def _texts(fig):
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_board_strip_fits_the_column_and_labels_generations():
    figures.use_book_style()
    frames = np.zeros((9, 6, 6), np.uint8)
    fig = figures.board_strip(frames, range(9), ncols=5)
    assert fig.get_figwidth() == pytest.approx(figures.COLUMN)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"t = {t}" for t in range(9)]
    assert min(t.get_fontsize() for t in _texts(fig)) >= figures.SMALLEST


def test_board_strip_refuses_missing_generations():
    with pytest.raises(ValueError, match="outside"):
        figures.board_strip(np.zeros((3, 4, 4)), [5])


def test_coverage_heatmaps_mark_empty_classes_and_blank_missing_ones():
    figures.use_book_style()
    moore = np.ones((2, 9), int)
    moore[0, 8] = 0  # B8 never seen
    vn = np.ones((2, 5), int)
    fig = figures.coverage_heatmaps({"scheme": {"B3/S23": moore, "B2/SV": vn}}, ["B3/S23", "B2/SV"])
    ax = fig.axes[0]
    crosses = [(t.get_position()) for t in ax.texts if t.get_text() == "×"]
    assert crosses == [(8, 0)]
    data = ax.images[0].get_array()
    assert data.mask[1, 5:9].all() and data.mask[1, 14:].all()  # von Neumann has no counts 5..8
    assert not data.mask[0, :8].any()
    assert fig.get_figwidth() == pytest.approx(figures.COLUMN)


def test_rollout_differences_count_differing_cells():
    figures.use_book_style()
    truth = np.zeros((3, 4, 4), np.uint8)
    wrong = truth.copy()
    wrong[2, 0, :3] = 1
    fig = figures.rollout_differences({"net": wrong}, truth, [0, 2])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["t=0: 0 live", "t=2: 0 live", "t=0: 0 differ", "t=2: 3 differ"]


def test_learning_curves_mark_exact_runs():
    figures.use_book_style()
    hist = [{"epoch": e, "val_loss": 1.0 / (e + 1)} for e in range(3)]
    recs = [
        {"rule": "B3/S23", "model": "a", "seed": 0, "exact": True, "history": hist},
        {"rule": "B3/S23", "model": "b", "seed": 0, "exact": False, "history": hist},
    ]
    fig = figures.learning_curves(recs, ["B3/S23"], ["a", "b"])
    markers = [ln for ln in fig.axes[0].lines if ln.get_marker() == "x"]
    assert len(markers) == 1 and markers[0].get_xdata()[0] == 2


class _Reading:
    def __init__(self, p, support, table):
        self.details = {"p_alive": np.array(p, float), "support": np.array(support)}
        self.table = np.array(table)


def test_class_probabilities_draw_undetermined_classes_apart_from_zero():
    figures.use_book_style()
    truth = np.array([[0, 1, 0], [0, 1, 1]])
    reading = _Reading(
        [[0.0, 1.0, np.nan], [0.0, 1.0, 0.2]],
        [[900, 12000, 0], [50, 7, 3]],
        [[0, 1, -1], [0, 1, 0]],
    )
    fig = figures.class_probabilities({"probe": reading}, truth)
    ax = fig.axes[0]
    bars = ax.patches
    hatched = [b for b in bars if b.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_height() > 0  # B2: undetermined, visible
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:2] == ["B0\n900", "B1\n12k"]
    diamonds = [ln for ln in ax.lines if ln.get_marker() == "D"]
    assert list(diamonds[0].get_ydata()) == [0, 1, 0, 0, 1, 1]
    assert diamonds[0].get_zorder() > max(b.get_zorder() for b in bars)
