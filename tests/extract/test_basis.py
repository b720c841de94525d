"""Basis rules and basis networks."""

from lifecore import Rule
from lifecore import extract as E
from lifecore.extract.basis import _quick_fit


def test_basis_rules_partition_every_rule():
    basis = E.basis_rules("moore")
    assert len(basis) == 18
    total = sum(b.table.astype(int) for b in basis)
    assert (total == 1).all()


def test_basis_network_is_trained_by_the_trainer():
    net = _quick_fit(Rule.parse("B/S2"), {"name": "cnn-small", "kernel_size": 5}, 0, 20, 200, 16)
    assert net.metadata["exact"] and net.metadata["rule"] == "B/S2"
