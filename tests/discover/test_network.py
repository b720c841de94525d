"""The network route: a cross-check and a ranking, never the answer."""

from lifecore import data, simulate
from lifecore import discover as D


def _traj(rule, n=4, size=24, steps=6, density=data.COVERING, seed=0):
    return simulate(data.soups(n, size, density, seed), rule, steps)


def test_network_route_agrees_with_tabulation_on_data_showing_every_class():
    d = D.discover(_traj("B2/S013V", n=4, size=16, steps=4), max_pairs=24)
    a = d.agreement
    assert a["trainer"] == "lifecore.train.fit" and a["model"] == "p4cnn-small"
    assert a["classes"] == 10 and a["agree"] == 10 and a["disagree"] == []  # read on fresh boards
    assert a["data_classes_agree"] == a["data_classes"] == 10
    assert d.network_guess == "B2/S013V"
    assert str(d.rule) == "B2/S013V"  # the result comes from tabulation, not from the network


def test_network_route_on_a_black_box_is_a_cross_check_not_the_answer():
    import torch

    threads = torch.get_num_threads()
    d = D.discover(D.BlackBox.of("B2/S013V"), rounds=10, seed=0, first="soup")
    assert (
        torch.get_num_threads() == threads
    )  # the route's one-thread training leaves the caller alone
    assert str(d.rule) == "B2/S013V" and d.undetermined == []
    final = d.details["network_rounds"][-1]
    assert final["data_classes_agree"] == final["data_classes"]  # it fits every class of its data
    assert final["fraction"] >= 0.8  # and mostly reads them back on boards it never saw
    assert len(d.details["network_rounds"]) == 2  # the round-0 prior and the final check


def test_hex_route_uses_a_plain_network():
    assert D.route_model("p4cnn-small", "hex") == "cnn-small"
    assert D.route_model("p4cnn-small", "moore") == "p4cnn-small"
