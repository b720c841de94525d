"""The candidate set: immutable, adding data only removes candidates."""

import numpy as np
import pytest

from lifecore import data, step
from lifecore.discover import CandidateSet, DiscoveryConfig, DiscoveryError, known_table
from lifecore.discover.candidates import spaces_for
from lifecore.extract import class_space


def test_adding_data_returns_a_new_set_and_leaves_the_old_one():
    x = data.soups(1, 16, 0.1, seed=0)
    a = CandidateSet.start(spaces_for("outer-totalistic")).add(x, step(x, "B3/S23"))
    before = {h: t.table.copy() for h, t in a.tabs.items()}
    total_a, _ = a.sizes()
    x2 = data.soups(4, 16, data.COVERING, seed=1)
    b = a.add(x2, step(x2, "B3/S23"))
    assert {h: t.table.tolist() for h, t in a.tabs.items()} == {
        h: t.tolist() for h, t in before.items()
    }
    assert b.sizes()[0] <= total_a and b.preferred() == "moore" and b.done()
    assert str(b.tabs["moore"].rule) == "B3/S23"


def test_known_table():
    vn = class_space("outer-totalistic", "vonneumann")
    t = known_table({"B3": 1, "S8": 0, "S7": True}, vn)  # S8, S7: no such count
    assert t.shape == (2, 5) and t[0, 3] == 1 and (t[1] == -1).all()
    iso = known_table({"B2": 1, "S3c": 0}, class_space("isotropic"))
    assert (iso[0] == 1).sum() == 6 and (iso[1] == 0).sum() == 1  # B2 = its six Hensel classes
    for bad in ({"X3": 1}, {"B": 1}, {"B３": 1}, {3: 1}):
        with pytest.raises(DiscoveryError, match="named like"):
            known_table(bad, class_space("outer-totalistic"))
    with pytest.raises(DiscoveryError, match="shape"):
        known_table(np.zeros((2, 3)), class_space("outer-totalistic"))


@pytest.mark.parametrize(
    "options, message",
    [
        ({"neighbourhood": "square"}, "neighbourhood"),
        ({"strategy": "best"}, "strategy"),
        ({"boundary": "wall"}, "boundary"),
        ({"rounds": -1}, "rounds"),
        ({"seed": 1.5}, "seed"),
        ({"steps": True}, "steps"),
        ({"family": "totalistic"}, "family"),
        ({"family": "isotropic", "neighbourhood": "hex"}, "Moore"),
        ({"first": "guess"}, "first"),
    ],
)
def test_config_refuses_bad_options(options, message):
    with pytest.raises(DiscoveryError, match=message):
        DiscoveryConfig(**options)


def test_discover_refuses_unknown_options():
    from lifecore.discover import discover

    with pytest.raises(DiscoveryError, match="unknown discovery option"):
        discover("B3/S23", round=3)
    cfg = DiscoveryConfig(rounds=2, use_network=False)
    d = discover("B3/S23", cfg, seed=1)  # options override the config's fields
    assert d.details["strategy"] == "design" and str(d.rule) == "B3/S23"
