"""Boards, strips of generations and stencils draw what they are given."""

import gc
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lifecore import simulate  # noqa: E402
from lifecore.patterns import pattern, place  # noqa: E402
from lifecore.viz import show_board, show_stencil, show_trajectory  # noqa: E402


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


def test_show_board_draws_the_cells():
    board = place(pattern("glider"), (8, 8))
    ax = show_board(board, title="glider")
    assert ax.get_title() == "glider"
    np.testing.assert_array_equal(ax.images[0].get_array(), board)
    # torch boards are accepted too
    show_board(torch.tensor(board))


def test_show_trajectory_default_and_chosen_steps():
    frames = glider_frames(20)
    fig = show_trajectory(frames, ncols=5)
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["t = 0", "t = 5", "t = 10", "t = 14", "t = 19"]
    fig = show_trajectory(frames, steps=[0, 4, 8], title="glider")
    shown = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    np.testing.assert_array_equal(shown[1], frames[4])
    with pytest.raises(ValueError, match=r"steps \[25\] outside"):
        show_trajectory(frames, steps=[0, 25])
    with pytest.raises(ValueError, match="trajectory"):
        show_trajectory(frames[0])


@pytest.mark.parametrize(
    "arg, name, n",
    [
        ("moore", "moore", 8),
        ("B13/S012V", "vonneumann", 4),
        ("B2/S34H", "hex", 6),
        ("HighLife", "moore", 8),
    ],
)
def test_show_stencil_shades_the_neighbours(arg, name, n):
    ax = show_stencil(arg)
    assert ax.get_title() == f"{name} ({n})"
    shaded = [p for p in ax.patches if p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#4c72b0")]
    assert len(shaded) == n
    with pytest.raises(ValueError):
        show_stencil("octagonal")


def test_show_board_bad_input():
    with pytest.raises(ValueError, match="0 and 1"):
        show_board(np.full((3, 3), 2))
    with pytest.raises(ValueError, match="one 2-D"):
        show_board(np.zeros((2, 3, 3), np.uint8))
