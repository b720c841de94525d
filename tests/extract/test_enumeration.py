"""Enumeration reads hand-built exact networks, finds their neighbourhood and lists what breaks."""

import pytest

from lifecore import Rule
from lifecore import extract as E

RULES = ["B3/S23", "B36/S23", "B13/S012V", "B2/S34H", "B3678/S34678"]


@pytest.mark.parametrize("rule", RULES)
def test_enumeration_reads_exact_network(rule):
    net = E.exact_network(rule)
    ex = E.enumerate_neighbourhoods(net, Rule.parse(rule).neighbourhood, contexts=2)
    assert ex.consistent and ex.matches(rule)
    assert ex.details["configurations"] == 2 ** (Rule.parse(rule).size + 1)


@pytest.mark.parametrize("rule", ["B13/S012V", "B2/S34H", "B36/S23"])
def test_enumeration_finds_the_neighbourhood_itself(rule):
    ex = E.enumerate_neighbourhoods(E.exact_network(rule), None, contexts=1)
    assert ex.neighbourhood == Rule.parse(rule).neighbourhood and ex.matches(rule)


def test_enumeration_lists_configurations_breaking_outer_totalism():
    # north neighbour counted twice: the answer depends on which neighbour is alive
    net = E.exact_network("B3/S23", weights=[1, 2, 1, 1, 1, 1, 1, 1])
    ex = E.enumerate_neighbourhoods(net, "moore", contexts=0)
    assert not ex.consistent and ex.rule is None
    assert ex.details["breaking"] and ex.details["orbits_broken"]
    # every breaking configuration has the north cell alive, or a class where north-alive ones won
    assert len(ex.details["orbits_broken"]) <= len(ex.details["breaking"])


def test_symmetry_groups():
    assert len(E.symmetry_group("moore")) == 8
    assert len(E.symmetry_group("vonneumann")) == 8
    assert len(E.symmetry_group("hex")) == 12


def test_enumerate_auto_ignores_checkpoint_metadata():
    net = E.exact_network("B13/S012V")
    net.metadata = {"neighbourhood": "moore"}
    assert E.enumerate_neighbourhoods(net, contexts=0).neighbourhood == "moore"
    assert E.enumerate_neighbourhoods(net, "auto", contexts=0).neighbourhood == "vonneumann"


def test_handmade_network_computes_isotropic_and_map_rules():
    import numpy as np

    from lifecore import data, models, step
    from lifecore.rules import MapRule

    table = (np.random.default_rng(0).random(512) < 0.5).astype(np.uint8)
    for rule in ("B2-a/S12", "B3/S2-i34q", MapRule.from_window_table(table)):
        x = data.soups(4, 24, data.COVERING, 0)
        assert (models.predict(E.exact_network(rule), x) == step(x, rule, "torus")).all()
