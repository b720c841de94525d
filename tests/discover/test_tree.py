"""Every outer-totalistic rule judged on blocks at once (`lifecore.discover.tree`).

The truth: every rule's cost on the blocks one table at a time (von Neumann: 2^10 rules),
which the branch and bound must reproduce; the rule that made the data; and the targets,
which the choice of blocks must not look at."""

import importlib
import time
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover import tree
from lifecore.discover._pool import BlockPool
from lifecore.discover.noisy_blocks import CostBlock
from lifecore.discover.observed import Samples, make_samples, observe
from lifecore.discover.tree import TreeBeside, choose_blocks, narrow_by_tree, search_tree
from lifecore.discover.verdict import Identification, required_margin
from lifecore.rules import parse_rule
from lifecore.rules.families import window_classes

identify_module = importlib.import_module("lifecore.discover.identify")  # not the function
VN = window_classes("outer-totalistic", "vonneumann")
OT = window_classes("outer-totalistic")


def _observed(classes, values, stride, seed, size=16, noise=0.02, hidden=0.2):
    start = soups(2, size, 0.4, seed=seed)
    full = np.asarray(simulate(start, classes.rule(values), 3 * stride))
    return observe(full, stride, hidden=hidden, noise=noise, seed=seed)


def _blocks(obs, s: Samples, chosen, of_window, workers=1) -> BlockPool:
    def make(x):
        return CostBlock(obs, s, x, of_window, "torus")

    return BlockPool(make, chosen, workers, time.perf_counter() + 600)


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_the_tree_keeps_exactly_the_rules_within_the_margin(seed):
    # von Neumann rules at stride 2 on 3 blocks: the leaves are the rules whose summed cost,
    # each table fixed, is within required_margin of the least; every other rule costs at
    # least the margin reported more, and that is at least required_margin
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, VN.count).astype(np.uint8)
    truth[0] = 0
    obs = _observed(VN, truth, 2, seed % 1000)
    s = make_samples(obs, 2)
    of_window = np.asarray(VN.of_window)
    chosen = choose_blocks(s, of_window, 3, seed)
    order = list(rng.permutation(VN.count))
    with _blocks(obs, s, chosen, of_window) as blocks:
        leaves, margin, _ = search_tree(blocks, order, time.perf_counter() + 600)
        tables = [tuple((code >> np.arange(VN.count)) & 1) for code in range(1 << VN.count)]
        cost = {t: sum(b.fewest(b.enc.fixed_table(t)) for b in blocks.local) for t in tables}
    least = min(cost.values())
    kept = {t for t, c in cost.items() if c < least + required_margin(least)}
    assert {tuple(int(v) for v in t) for _, t in leaves} == {tuple(int(v) for v in t) for t in kept}
    assert leaves[0][0] == least and all(cost[t] == c for c, t in leaves)
    others = [c - least for t, c in cost.items() if t not in kept]
    assert margin is None or required_margin(least) <= margin <= min(others)


def test_blocks_are_chosen_from_the_inputs_alone():
    # the same blocks whatever the targets say, none two sharing a target, none uniform
    obs = _observed(OT, OT.values(parse_rule("B3/S23")), 2, 5, size=24)
    s = make_samples(obs, 2)
    chosen = choose_blocks(s, np.asarray(OT.of_window), 12, seed=1)
    flipped = Samples(s.patches, 1 - s.targets, s.stride, s.where, s.grid)
    assert choose_blocks(flipped, np.asarray(OT.of_window), 12, seed=1) == chosen
    where = s.where[chosen]
    for a in range(len(chosen)):
        for b in range(a):
            same = (where[a, :2] == where[b, :2]).all()
            assert not (same and (np.abs(where[a, 2:] - where[b, 2:]) <= 4).all())
        assert len(np.unique(s.patches[chosen[a]][s.patches[chosen[a]] < 2])) == 2


def _found(rule: str, stride: int) -> Identification:
    names = list(OT.names)
    return Identification(parse_rule(rule), "outer-totalistic", "moore", False, None, 9, 9,
                          names, stride)  # fmt: skip


def test_noisy_data_with_unseen_cells_leave_the_truth_among_the_rules_open():
    # B36/S23 at stride 2, 2% noise, 20% unseen; a wrong answer open in every class is
    # replaced by the least-cost rule on 16 blocks, and the truth is among those left open
    truth = OT.values(parse_rule("B36/S23"))
    obs = _observed(OT, truth, 2, 7, size=24)
    s = make_samples(obs, 2)
    answer, rules = narrow_by_tree(obs, s, _found("B1/S4", 2), time.perf_counter() + 300,
                                   count=16)  # fmt: skip
    assert rules is not None and (rules == truth).all(1).any()
    assert (OT.values(answer.rule) == rules[0]).all() and answer.details["tree_blocks"] == 16
    assert set(answer.undetermined) == {
        OT.names[c] for c in np.flatnonzero((rules != rules[0]).any(0))
    }


def test_the_tree_beside_answers_as_the_tree_here():
    # started in a forked process before the answer it narrows is known, on every core
    obs = _observed(OT, OT.values(parse_rule("B36/S23")), 2, 7, size=24)
    s = make_samples(obs, 2)
    found = _found("B1/S4", 2)
    here = narrow_by_tree(obs, s, found, time.perf_counter() + 300, count=16, workers=1)
    beside = TreeBeside(obs, s, "outer-totalistic", "moore", time.perf_counter() + 300,
                        count=16)  # fmt: skip
    answer, rules = beside.narrow(found)
    assert answer == here[0] and (rules == here[1]).all()
    assert not beside.pending._child.is_alive()


def test_past_the_deadline_the_answer_is_left_as_it_was():
    obs = _observed(OT, OT.values(parse_rule("B36/S23")), 2, 7)
    s = make_samples(obs, 2)
    found = _found("B1/S4", 2)
    assert narrow_by_tree(obs, s, found, time.perf_counter() - 1, count=4) == (found, None)
    late = TreeBeside(obs, s, "outer-totalistic", "moore", time.perf_counter() - 1, count=4)
    assert late.narrow(found) == (found, None)


def test_blocks_split_over_two_workers_give_the_search_of_one():
    # the same leaves, costs and margin whether the blocks are held here or by two forked
    # workers (von Neumann, stride 2, 5 blocks: 3 to one worker, 2 to the other)
    truth = VN.values(parse_rule("B2/S013V"))
    obs = _observed(VN, truth, 2, 3)
    s = make_samples(obs, 2)
    of_window = np.asarray(VN.of_window)
    chosen = choose_blocks(s, of_window, 5, seed=0)
    order = list(range(VN.count))
    searches = []
    for workers in (1, 2):
        with _blocks(obs, s, chosen, of_window, workers) as blocks:
            assert blocks.workers == workers
            searches.append(search_tree(blocks, order, time.perf_counter() + 600))
    assert searches[0] == searches[1] and searches[0][0]


def _identify_with(monkeypatch, answer: Identification, obs):
    """`identify` on ``obs`` (stride 2) with the exhaustive search answering ``answer`` and
    the SAT proof finding nothing; the trees it started beside, and its answer."""
    started = []

    def beside(*args, **kwargs):
        started.append(TreeBeside(*args, **kwargs))
        return started[-1]

    nothing = Identification(None, "outer-totalistic", "moore", False, None, 0, 0, [], 2)
    monkeypatch.setattr(identify_module, "search_outer_totalistic", lambda *a: answer)
    monkeypatch.setattr(identify_module, "search_sat", lambda *a, **k: nothing)
    monkeypatch.setattr(identify_module, "TreeBeside", beside)
    monkeypatch.setattr(identify_module, "cores", lambda: 2)
    monkeypatch.setattr(tree, "blocks_for", lambda stride: 16)
    found = identify_module.identify(obs, 2, "outer-totalistic", "moore", budget_s=120)
    return started, found


def test_identify_uses_the_tree_it_started_beside_its_search(monkeypatch):
    # a noisy answer open in every class: the tree started beside the search replaces it,
    # and the hidden rule agrees with the answer wherever the answer is not open
    truth = OT.values(parse_rule("B36/S23"))
    obs = _observed(OT, truth, 2, 7, size=24)
    started, found = _identify_with(monkeypatch, _found("B1/S4", 2), obs)
    assert len(started) == 1 and found.details["tree_blocks"] == 16
    assert str(found.rule) != "B1/S4"
    settled = [c for c, name in enumerate(OT.names) if name not in found.undetermined]
    assert (OT.values(found.rule)[settled] == truth[settled]).all()
    assert not started[0].pending._child.is_alive()


def test_a_tree_not_needed_is_ended(monkeypatch):
    # the search's answer is open in no class: the tree beside it is killed, not waited for
    obs = _observed(OT, OT.values(parse_rule("B36/S23")), 2, 7, size=24)
    unique = replace(_found("B36/S23", 2), unique=True, undetermined=[])
    started, found = _identify_with(monkeypatch, unique, obs)
    assert found.rule == parse_rule("B36/S23") and "tree_blocks" not in found.details
    assert len(started) == 1 and not started[0].pending._child.is_alive()
