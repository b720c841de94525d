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


def test_the_route_certifies_its_network_and_shows_its_guess_for_unseen_classes():
    """HighLife from one sparse soup: B6 never occurs, the data read as B3/S23 with B6
    undetermined; the fitted network is certified to be one rule, and its answer for B6 is a
    guess, set beside the hidden rule by the book's rows."""
    import pytest

    pytest.importorskip("lifecore.certify")
    from lifecore.book.discovery import unseen_guesses

    frames = simulate(data.soups(1, 16, 0.1, seed=0), "B36/S23", 2)
    d = D.discover(frames, neighbourhood="moore", max_pairs=8)
    a = d.agreement
    assert str(d.rule) == "B3/S23" and "B6" in d.undetermined
    assert a["certified"] and a["windows"] == 512 and a["certified_rule"]
    assert set(a["unseen_guess"]) == set(d.undetermined)
    rows = {r["class"]: r for r in unseen_guesses(d, "B36/S23")}
    assert rows["B6"]["hidden rule"] == "alive"
    assert rows["B6"]["right"] == (a["unseen_guess"]["B6"] == 1)
    assert any("certified to be" in line for line in d.network_report())


def test_certificate_phrase_by_hand():
    from lifecore.discover.result import certificate_phrase

    assert certificate_phrase({}) == ""
    assert certificate_phrase({"certified": False, "certificate_reason": "3 windows"}) == (
        "not certified (3 windows)"
    )
    r = {"certified": True, "certified_rule": "B3/S23", "windows": 512}
    assert certificate_phrase({**r, "unseen_guess": {"B6": 1, "S8": 0}}) == (
        "certified to be B3/S23 on all 512 windows, guessing alive for unseen B6"
    )
    assert certificate_phrase({**r, "seen_disagree": ["S2"], "unseen_guess": {"B6": 0}}) == (
        "certified to be B3/S23 on all 512 windows, which differs from the data on S2, "
        "all 1 unseen classes guessed dead"
    )
