"""Figures, animations and the viewer build headless and show what they are given."""

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
from lifecore.data import soups  # noqa: E402
from lifecore.viz import (animate, animation_html, show_board,  # noqa: E402
                          show_stencil, show_trajectory, trajectory_viewer)


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


@pytest.mark.parametrize("arg, name, n", [("moore", "moore", 8), ("B13/S012V", "vonneumann", 4),
                                          ("B2/S34H", "hex", 6), ("HighLife", "moore", 8)])
def test_show_stencil_shades_the_neighbours(arg, name, n):
    ax = show_stencil(arg)
    assert ax.get_title() == f"{name} ({n})"
    shaded = [p for p in ax.patches if p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#4c72b0")]
    assert len(shaded) == n
    with pytest.raises(ValueError):
        show_stencil("octagonal")


def test_animate_frame_count_and_side_by_side():
    a, b = glider_frames(9), glider_frames(5)
    anim = animate([a, b], titles=["nine", "five"])
    assert len(list(anim.new_frame_seq())) == 9
    assert len(anim._fig.axes[0].images) == 1
    anim = animate(np.stack([a, a]))
    assert len(list(anim.new_frame_seq())) == 9
    with pytest.raises(ValueError, match="2 titles for 1"):
        animate(a, titles=["x", "y"])
    with pytest.raises(ValueError, match="no trajectories"):
        animate([])
    with pytest.raises(ValueError, match="interval"):
        animate(a, interval=0)


def test_animation_html_is_a_self_contained_player():
    html = animation_html([glider_frames(4)] * 2, titles=["a", "b"])
    assert "<script" in html.data and html.data.count("data:image/png;base64") == 4
    assert not plt.get_fignums()  # the figure was closed


def test_viewer_builds_and_slider_changes_frame():
    v = trajectory_viewer(size=16, steps=20, seed=1)
    assert v.frames.shape == (21, 16, 16)
    np.testing.assert_array_equal(v.frames[0], soups(1, 16, 0.35, 1)[0])
    np.testing.assert_array_equal(v.frames, simulate(soups(1, 16, 0.35, 1)[0], "B3/S23", 20))
    first = v.image.value
    v.slider.value = 7
    np.testing.assert_array_equal(v.shown, v.frames[7])
    assert v.image.value != first and "t = 7" in v.status.value
    v.rule.value = "B36/S23"
    np.testing.assert_array_equal(v.frames, simulate(soups(1, 16, 0.35, 1)[0], "B36/S23", 20))
    v.rule.value = "nonsense"  # reported in the widget, old trajectory kept
    assert "cannot read rule" in v.status.value
    v.boundary.value = "dead"
    v.rule.value = "B3/S23"
    np.testing.assert_array_equal(v.frames, simulate(soups(1, 16, 0.35, 1)[0], "B3/S23", 20, "dead"))
    assert "B3/S23" in v.status.value
    assert "application/vnd.jupyter.widget-view+json" in v._repr_mimebundle_()


@pytest.mark.parametrize("kwargs, words", [({"rule": "B9/S"}, "birth count"),
                                           ({"density": 1.5}, "density"),
                                           ({"size": 2}, "size"),
                                           ({"steps": 0}, "steps"),
                                           ({"boundary": "klein"}, "boundary")])
def test_viewer_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        trajectory_viewer(**kwargs)


def test_show_board_bad_input():
    with pytest.raises(ValueError, match="0 and 1"):
        show_board(np.full((3, 3), 2))
    with pytest.raises(ValueError, match="one 2-D"):
        show_board(np.zeros((2, 3, 3), np.uint8))


def test_table_renders_every_cell():
    from lifecore.viz import table

    out = table([{"rule": "B3/S23", "x": 0.5}, {"rule": "B2/S", "y": 3}])._repr_html_()
    assert out.count("<tr>") == 3 and "B2/S" in out and "0.5" in out
    with pytest.raises(ValueError, match="at least one row"):
        table([])


def test_plot_coverage_bars_match_shares():
    from lifecore.data import coverage
    from lifecore.viz import plot_coverage

    board = place(pattern("glider").cells, (8, 8))
    cov = coverage(board, "B3/S23")
    ax = plot_coverage({"glider": cov}, "B3/S23")
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 18 and np.isclose(sum(heights), 1.0)
    with pytest.raises(ValueError, match="shape"):
        plot_coverage({"bad": cov}, "B1/SV")
    plt.close("all")
