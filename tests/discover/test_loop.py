"""Discovery: auto neighbourhood, unseen classes, known transitions, black boxes."""

import pytest

from lifecore import Rule, data, simulate
from lifecore import discover as D


def _traj(rule, n=4, size=24, steps=6, density=data.COVERING, seed=0):
    return simulate(data.soups(n, size, density, seed), rule, steps)


@pytest.mark.parametrize("rule", ["B13/S012V", "B2/S34H", "B36/S23", "B35678/S5678"])
def test_data_showing_every_class_give_the_exact_rule(rule):
    d = D.discover(_traj(rule, n=8), use_network=False)
    assert str(d.rule) == str(Rule.parse(rule)) and d.undetermined == []
    assert d.neighbourhood == Rule.parse(rule).neighbourhood


def test_auto_picks_smallest_consistent():
    assert D.discover(_traj("B2/S013V"), use_network=False).neighbourhood == "vonneumann"
    assert D.discover(_traj("B2/S0H"), use_network=False).neighbourhood == "hex"
    # a rule that ignores every count is consistent everywhere: the smallest wins
    d = D.discover(_traj("B/S012345678"), use_network=False)
    assert d.neighbourhood == "vonneumann" and set(d.consistent_neighbourhoods) == {
        "vonneumann",
        "hex",
        "moore",
    }


def test_unseen_classes_are_listed_not_guessed():
    d = D.discover(
        _traj("B3/S23", n=1, size=16, steps=2, density=0.1),
        neighbourhood="moore",
        use_network=False,
    )
    assert "S8" in d.undetermined and "8" not in str(d.rule)
    assert d.candidates_per_round == [2 ** len(d.undetermined)]


@pytest.mark.parametrize("rule", ["B3/S23", "B2/S013V", "B24/S35H"])
def test_black_box_discovery_converges(rule):
    box = D.BlackBox.of(rule)
    d = D.discover(box, rounds=12, use_network=False, seed=1, first="soup")
    assert str(d.rule) == str(Rule.parse(rule)) and d.undetermined == []
    assert d.candidates_per_round[-1] == 1
    assert all(a >= b for a, b in zip(d.candidates_per_round, d.candidates_per_round[1:]))
    assert box.calls > 0


def test_known_transitions_are_used_and_checked():
    d = D.discover(
        _traj("B3/S23", n=1, size=16, steps=2, density=0.1),
        neighbourhood="moore",
        known={"S8": 0, "B8": 0},
        use_network=False,
    )
    assert "S8" not in d.undetermined
    bad = D.discover(
        _traj("B3/S23", n=4), neighbourhood="moore", known={"B3": 0}, use_network=False
    )
    assert not bad.consistent


def test_crafted_experiment_settles_everything_at_once():
    d = D.discover(
        D.BlackBox.of("B36/S23"),
        neighbourhood="moore",
        crafted=True,
        use_network=False,
        rounds=3,
        first="soup",
    )
    assert str(d.rule) == "B36/S23" and len(d.candidates_per_round) == 2


def test_rounds_table_and_network_report():
    d = D.discover(
        D.BlackBox.of("B36/S23"),
        neighbourhood="moore",
        rounds=3,
        use_network=False,
        seed=0,
        first="soup",
    )
    rows = d.rounds_table()
    assert len(rows) == len(d.experiments) == len(d.candidates_per_round)
    assert rows[0] == {
        "round": 0,
        "experiment": "soup",
        "density": 0.15,
        "expected classes settled": None,
        "candidates after": d.candidates_per_round[0],
    }
    assert [r["candidates after"] for r in rows] == d.candidates_per_round
    assert all(r["expected classes settled"] is not None for r in rows[1:])
    assert d.network_report() == []
    fake = {
        "round": 2,
        "model": "p4",
        "pairs": 5,
        "epochs": 7,
        "stopped": "exact",
        "agree": 3,
        "classes": 4,
        "disagree": ["B2"],
        "data_classes_agree": 4,
        "data_classes": 4,
        "network_rule": "B3/S23",
    }
    d.details["network_rounds"] = [fake]
    assert d.network_report() == [
        "round 2 (p4, 5 pairs, 7 epochs, stopped: exact): on fresh boards 3/4 seen classes "
        "agree with tabulation"
        " (not: B2); on its training boards 4/4; network's full guess B3/S23"
    ]


@pytest.mark.parametrize(
    "rule, family, hood",
    [
        ("B36/S23", "outer-totalistic", "moore"),
        ("B2/S013V", "outer-totalistic", "vonneumann"),
        ("B2-a/S12", "isotropic", "moore"),
        ("B3/S23", "map", "moore"),
    ],
)
def test_the_designed_board_identifies_a_black_box_in_one_step(rule, family, hood):
    box = D.BlackBox.of(rule)
    d = D.discover(box, family=family, neighbourhood=hood, use_network=False)
    assert d.rule == Rule.parse(rule) and d.undetermined == [] and d.family == family
    assert box.calls == 1 and d.candidates_per_round == [1]
    assert d.experiments[0]["kind"] == "designed"


@pytest.mark.parametrize(
    "rule, family",
    [("B3/S23", "outer-totalistic"), ("B2/S013V", "outer-totalistic"), ("B2-a/S12", "isotropic")],
)
def test_auto_family_picks_the_smallest_family_the_data_allow(rule, family):
    box = D.BlackBox.of(rule)
    d = D.discover(box, family="auto", use_network=False)
    assert d.rule == Rule.parse(rule) and d.family == family and box.calls == 1
    assert "map" in d.consistent_neighbourhoods  # the larger families stay consistent


def test_data_without_every_isotropic_class_list_the_undetermined_by_hensel_name():
    from lifecore.extract import class_space

    frames = simulate(data.soups(1, 16, 0.15, seed=0), "B2-a/S12", 3)
    d = D.discover(frames, family="isotropic", use_network=False)
    assert d.consistent and d.family == "isotropic" and 0 < len(d.undetermined) < 102
    assert {"B4c", "S4w", "S8"} <= set(d.undetermined)  # Hensel names
    truth = class_space("isotropic").table_of(Rule.parse("B2-a/S12"))
    seen = d.table >= 0
    assert (d.table[seen] == truth[seen]).all() and seen.sum() == 102 - len(d.undetermined)


def test_highlife_from_a_sparse_soup_is_read_as_life_with_b6_undetermined():
    frames = simulate(data.soups(1, 16, 0.1, seed=0), "B36/S23", 2)
    d = D.discover(frames, neighbourhood="moore", use_network=False)
    assert str(d.rule) == "B3/S23" and "B6" in d.undetermined  # never seen: listed, not guessed


def test_dead_boundary_black_box():
    box = D.BlackBox.of("B36/S23", boundary="dead")
    d = D.discover(box, neighbourhood="moore", boundary="dead", use_network=False)
    assert d.rule == Rule.parse("B36/S23") and d.undetermined == []
