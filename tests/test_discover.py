"""Discovery: auto neighbourhood, convergence on black boxes, the CLI and its bad inputs."""

import json

import numpy as np
import pytest

from lifecore import Rule, data, simulate
from lifecore import discover as D
from lifecore.cli import main


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
    d = D.discover(box, rounds=12, use_network=False, seed=1)
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
        D.BlackBox.of("B36/S23"), neighbourhood="moore", crafted=True, use_network=False, rounds=3
    )
    assert str(d.rule) == "B36/S23" and len(d.candidates_per_round) == 2


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
    d = D.discover(D.BlackBox.of("B2/S013V"), rounds=10, seed=0)
    assert (
        torch.get_num_threads() == threads
    )  # the route's one-thread training leaves the caller alone
    assert str(d.rule) == "B2/S013V" and d.undetermined == []
    final = d.details["network_rounds"][-1]
    assert final["data_classes_agree"] == final["data_classes"]  # it fits every class of its data
    assert final["fraction"] >= 0.8  # and mostly reads them back on boards it never saw
    assert len(d.details["network_rounds"]) == 2  # the round-0 prior and the final check


def test_hex_route_uses_a_plain_network():
    assert D._route_model("p4cnn-small", "hex") == "cnn-small"
    assert D._route_model("p4cnn-small", "moore") == "p4cnn-small"


def test_cli_json(tmp_path, capsys):
    path = tmp_path / "d.npz"
    np.savez(path, trajectories=_traj("B13/S012V"))
    assert main(["discover", str(path), "--json", "--no-network"]) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (
        last["rule"] == "B13/S012V"
        and last["neighbourhood"] == "vonneumann"
        and last["undetermined"] == []
    )
    assert "agreement" in last


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"boards": np.zeros((1, 2, 4, 4), np.uint8)}, "no 'trajectories'"),
        ({"trajectories": np.zeros((1, 2, 4, 4), np.float32)}, "uint8"),
        ({"trajectories": np.zeros((2, 4, 4), np.uint8)}, "(N, T, H, W)"),
        ({"trajectories": np.full((1, 2, 4, 4), 2, np.uint8)}, "only 0 and 1"),
        ({"trajectories": np.zeros((1, 1, 4, 4), np.uint8)}, "T >= 2"),
    ],
)
def test_cli_bad_data(tmp_path, capsys, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    assert main(["discover", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_cli_data_no_rule_explains(tmp_path, capsys):
    x = data.soups(2, 16, 0.5, seed=0)
    traj = np.stack([x, (np.random.default_rng(1).random(x.shape) < 0.5).astype(np.uint8)], 1)
    path = tmp_path / "random.npz"
    np.savez(path, trajectories=traj)
    assert main(["discover", str(path), "--no-network"]) == 2
    assert "no Life-like rule" in capsys.readouterr().err
    assert main(["discover", str(tmp_path / "nope.npz")]) == 2
    (tmp_path / "junk.npz").write_text("junk")
    assert main(["discover", str(tmp_path / "junk.npz")]) == 2


# -- chapter 6's tables and the strategy comparison ------------------------------------------------
def test_rounds_table_and_network_report():
    d = D.discover(
        D.BlackBox.of("B36/S23"), neighbourhood="moore", rounds=3, use_network=False, seed=0
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
        "round 2 (p4, 5 pairs, 7 epochs, stopped: exact): on fresh boards 3/4 seen classes agree with tabulation"
        " (not: B2); on its training boards 4/4; network's full guess B3/S23"
    ]


def test_compare_strategies_matches_discover_per_seed():
    comp = D.compare_strategies("B36/S23", seeds=range(3), rounds=3)
    assert list(comp.curves) == ["design", "random"]
    for strategy in ("design", "random"):
        runs = [
            D.discover(
                D.BlackBox.of("B36/S23"),
                neighbourhood="moore",
                rounds=3,
                seed=s,
                strategy=strategy,
                use_network=False,
            ).candidates_per_round
            for s in range(3)
        ]
        curves = comp.curves[strategy]
        assert curves.shape == (3, max(map(len, runs)))
        for run, curve, to_one in zip(runs, curves, comp.rounds_to_one[strategy]):
            assert (
                list(curve[: len(run)]) == run and (curve[len(run) :] == run[-1]).all()
            )  # held at the end
            assert to_one == (len(run) - 1 if run[-1] == 1 else np.inf)
    lines = comp.report()
    assert lines[0].startswith("design: rounds to one candidate per seed [") and len(lines) == 3
    v = comp.verdict()
    assert v["fewer"] + v["as many"] + v["more"] <= v["seeds"] == 3
    assert lines[2] == (
        f"design needed fewer rounds than random on {v['fewer']} seeds, as many on "
        f"{v['as many']}, more on {v['more']} (of 3)"
    )


def test_verdict_counts_unfinished_runs_as_infinite():
    comp = D.StrategyComparison(
        "B3/S23", {}, {"design": np.array([1, 2, np.inf]), "random": np.array([2, 2, np.inf])}
    )
    assert comp.verdict() == {"fewer": 1, "as many": 2, "more": 0, "seeds": 3}
    assert "[1, 2, None], mean inf" in comp.report()[0]


def test_neighbourhood_table_rows():
    rows = D.neighbourhood_table(
        ["B2/S013V", "B/S012345678"], n=4, size=16, steps=4, use_network=False
    )
    assert [r["hidden rule"] for r in rows] == ["B2/S013V", "B/S012345678"]
    assert (
        rows[0]["discovered"] == str(Rule.parse("B2/S013V"))
        and rows[0]["neighbourhood"] == "vonneumann"
    )
    assert rows[1]["consistent with"] == "vonneumann, hex, moore"
    assert rows[0]["network agrees (fresh boards)"] == "-" and "seconds" in rows[0]
