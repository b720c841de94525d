"""The trajectory viewer: its Python side shows what its page shows, its static HTML is
the whole viewer with nothing fetched, and bad settings are refused with their names."""

import json
import re

import numpy as np
import pytest

from lifecore import simulate
from lifecore.viz import ViewerError, trajectory_viewer, viewer_soup


def test_frames_are_the_viewer_soup_under_the_rule():
    v = trajectory_viewer(size=16, steps=20, seed=1)
    assert v.frames.shape == (21, 16, 16)
    np.testing.assert_array_equal(v.frames, simulate(viewer_soup(16, 0.35, 1), "B3/S23", 20))
    v.t = 7
    np.testing.assert_array_equal(v.shown, v.frames[7])
    v.rule = "B36/S23"
    v.boundary = "dead"
    np.testing.assert_array_equal(
        v.frames, simulate(viewer_soup(16, 0.35, 1), "B36/S23", 20, boundary="dead")
    )
    v.rule = "nonsense"
    with pytest.raises(ValueError, match="cannot read rule"):
        _ = v.frames


def test_the_soup_depends_on_seed_and_density():
    a, b = viewer_soup(32, 0.3, 0), viewer_soup(32, 0.3, 1)
    assert not np.array_equal(a, b)
    assert 0.2 < a.mean() < 0.4 and viewer_soup(32, 0.9, 0).mean() > 0.8
    assert viewer_soup(8, 0.0, 5).sum() == 0 and viewer_soup(8, 1.0, 5).all()


def test_bundle_has_widget_view_and_self_contained_html():
    v = trajectory_viewer(rule="HighLife", size=24, seed=3, steps=10)
    bundle = v._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert "function parseRule" in page and "LifecoreViewer.render" in page
    assert "<script src" not in page and "http://" not in page and "https://" not in page
    state = json.loads(re.search(r"staticModel\((\{.*?\})\)", page).group(1))
    assert state["rule"] == "B36/S23" and state["size"] == 24 and state["seed"] == 3
    assert state["names"]["highlife"] == "B36/S23"


def test_static_html_cannot_be_closed_by_a_rule_string():
    v = trajectory_viewer(size=8, steps=2)
    v.rule = "</script><script>alert(1)</script>"
    page = v.static_html()
    assert page.count("</script>") == 1  # only the viewer's own script ends


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"rule": "B9/S"}, "birth count"),
        ({"density": 1.5}, "density"),
        ({"density": "half"}, "density"),
        ({"size": 2}, "size"),
        ({"size": 4.0}, "size"),
        ({"steps": 0}, "steps"),
        ({"seed": -1}, "seed"),
        ({"boundary": "klein"}, "boundary"),
        ({"rule": "B3/S23:T16,16"}, "bounded-grid suffix"),
    ],
)
def test_bad_settings_are_refused_by_name(kwargs, words):
    with pytest.raises(ValueError, match=words):
        trajectory_viewer(**kwargs)
    if "rule" not in kwargs or ":" in kwargs["rule"]:
        with pytest.raises(ViewerError):
            trajectory_viewer(**kwargs)
