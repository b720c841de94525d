"""The methods on networks trained by lifecore.train, not built by hand."""

import pytest

from lifecore import Rule
from lifecore import extract as E


@pytest.fixture(scope="module")
def trained_nets():
    from lifecore.train import train_rule

    out = {}
    for rule in ("B3/S23", "B2/S013V"):
        res = train_rule(rule, "mcnn", seed=0, progress=False)
        assert res.exact, f"mcnn did not become exact on {rule}: {res.metrics()}"
        out[rule] = res.model
    return out


@pytest.mark.parametrize("rule", ["B3/S23", "B2/S013V"])
def test_methods_read_the_exact_rule_from_a_trained_network(trained_nets, rule):
    net = trained_nets[rule]
    hood = Rule.parse(rule).neighbourhood
    enum = E.enumerate_neighbourhoods(
        net, "auto", contexts=4
    )  # neighbourhood found from the network
    assert enum.neighbourhood == hood and enum.matches(rule), enum.details["breaking"][:3]
    stats = E.neighbour_statistics(net, hood, n=48, size=24)
    assert stats.matches(rule) and stats.undetermined == []
    # the notes' density 0.5 starves the extreme Moore classes: undetermined, never guessed
    if hood == "moore":
        half = E.neighbour_statistics(net, hood, n=16, density=0.5)
        assert {"B8", "S8"} <= set(half.undetermined)
        seen = half.table >= 0
        assert (half.table[seen] == Rule.parse(rule).table[seen]).all()
