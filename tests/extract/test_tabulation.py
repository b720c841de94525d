"""Tabulation against data from known rules, and data from no outer-totalistic rule."""

import numpy as np
import pytest

from lifecore import Rule, data, step
from lifecore import extract as E

RULES = ["B3/S23", "B36/S23", "B13/S012V", "B2/S34H", "B3678/S34678"]


@pytest.mark.parametrize("rule", RULES)
def test_tabulation_recovers_rule_from_covering_data(rule):
    d = data.make_dataset(rule, n=24, size=24, steps=6, seed=1)
    ex = E.tabulate(d.x, d.y, Rule.parse(rule).neighbourhood)
    assert ex.consistent and not ex.undetermined
    assert ex.matches(rule) and str(ex.rule) == str(Rule.parse(rule))


def test_tabulation_from_trajectories_reports_unseen_classes():
    frames = data.soups(2, 24, 0.1, seed=0)
    traj = np.stack([frames, step(frames, "B3/S23")], 1)  # (N, 2, H, W)
    ex = E.tabulate(traj)
    assert ex.consistent
    assert "S8" in ex.undetermined and "B8" in ex.undetermined
    assert ex.table[1, 8] == -1 and ex.confidence[1, 8] == 0
    # what was seen is right
    truth = Rule.parse("B3/S23").table
    seen = ex.table >= 0
    assert (ex.table[seen] == truth[seen]).all()
    assert "8" not in str(ex.rule)


def test_tabulation_detects_data_from_no_life_like_rule():
    x = data.soups(4, 16, 0.5, seed=0)
    north = np.roll(x, 1, axis=1)  # next = the north neighbour: depends on *which* neighbour
    ex = E.tabulate(x, north, "moore")
    assert not ex.consistent and ex.rule is None and ex.details["conflicts"]
    rnd = (np.random.default_rng(0).random(x.shape) < 0.5).astype(np.uint8)
    assert not E.tabulate(x, rnd, "moore").consistent
