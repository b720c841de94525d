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
