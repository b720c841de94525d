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


def test_known_transitions_fill_unseen_classes_and_clash_with_seen_ones():
    frames = data.soups(2, 24, 0.1, seed=0)
    counts = data.transition_counts(frames, step(frames, "B3/S23"), "moore")
    assert counts[1, 8].sum() == 0  # S8 unseen at density 0.1
    known = np.full((2, 9), -1)
    known[1, 8] = 0
    filled = E.table_from_counts(counts, "moore", known)
    assert filled.consistent and "S8" not in filled.undetermined and filled.table[1, 8] == 0
    known[0, 3] = 0  # B3 is seen alive in the data: a clash
    clash = E.table_from_counts(counts, "moore", known)
    assert not clash.consistent and clash.rule is None and clash.details["conflicts"] == ["B3"]


def test_tabulation_on_a_bounded_plane():
    x = data.soups(6, 16, data.COVERING, seed=2)
    y = step(x, "B36/S23", boundary="dead")
    assert E.tabulate(x, y, "moore", boundary="dead").matches("B36/S23")
    assert not E.tabulate(x, y, "moore").consistent  # read as a torus, the edges conflict


def test_extraction_is_frozen():
    import dataclasses

    ex = E.tabulate(data.soups(1, 8, 0.5, 0), step(data.soups(1, 8, 0.5, 0), "B3/S23"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ex.consistent = False
    assert ex.replace(consistent=False).consistent is False and ex.consistent


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros((2, 3, 4, 5)), np.zeros((3, 4)), "shapes differ"),
        (np.zeros((2, 4)), None, r"\(N, T, H, W\)"),
        (np.zeros((2, 1, 4, 4)), None, "T >= 2"),
    ],
)
def test_bad_pairs(x, y, message):
    with pytest.raises(E.ExtractionError, match=message):
        E.tabulate(x, y)
    with pytest.raises(E.ExtractionError, match="neighbourhood"):
        E.tabulate(np.zeros((1, 4, 4), np.uint8), np.zeros((1, 4, 4), np.uint8), "square")
