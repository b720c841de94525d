"""Animations: frame counts, and a player that needs no kernel and no network."""

import gc
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lifecore import simulate  # noqa: E402
from lifecore.patterns import pattern, place  # noqa: E402
from lifecore.viz import animate, animation_html  # noqa: E402


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
    a, b = glider_frames(4), glider_frames(4)
    player = animation_html([a, b], titles=["a", "b"], alt="two gliders")
    html = player.data
    assert "<script" in html and html.count('"iVBORw0KGgo') == 4  # one PNG per frame
    assert player.frames == 4 and 'alt="two gliders"' in html
    assert not plt.get_fignums()  # the figure was closed


def test_animation_html_fetches_nothing():
    html = animation_html(glider_frames(3)).data
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert "<link" not in html and "font-awesome" not in html.lower()
    assert 'alt="Animation of 3 generations' in html


def test_animation_frames_show_the_trajectory():
    import base64
    import io
    import re

    frames = glider_frames(5)
    html = animation_html(frames, dpi=20, panel_size=1.0).data
    pngs = re.findall(r'"(iVBORw0KGgo[^"]+)"', html)
    images = [plt.imread(io.BytesIO(base64.b64decode(p))) for p in pngs]
    assert len(images) == 5
    # frames differ exactly where the trajectory does: the glider moves every generation
    assert all(not np.array_equal(images[t], images[t + 1]) for t in range(4))
    with pytest.raises(ValueError, match="interval"):
        animation_html(frames, interval=-1)
