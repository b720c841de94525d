"""Two rules judged jointly around the samples one leaves open (`lifecore.discover.joint`).

The truths: the simulator run on the full frame (a cluster's fewest mismatches over the
completions of its centre's unseen cells can be no more than under the true completion),
clean data (no rival ever refutes the rule that made them), and the benchmark's freezing
rule, whose S8 rival only a cluster refutes.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover import exhaustive, joint
from lifecore.discover._kernel import joint_costs, predict_tables
from lifecore.discover.observed import HIDDEN, make_samples, observe
from lifecore.rules import parse_rule
from lifecore.rules.families import window_classes

OT = window_classes("outer-totalistic")
OF_WINDOW = np.asarray(OT.of_window, dtype=np.int64)


def _code(rule: str) -> int:
    return int((OT.values(parse_rule(rule)).astype(np.int64) << np.arange(OT.count)).sum())


def _tables(*codes: int) -> np.ndarray:
    return exhaustive._tables(np.array(codes, dtype=np.int64), OF_WINDOW)


def _small(seed: int, k: int, hidden: float):
    """A full 14 x 14 frame, a random outer-totalistic rule, its frame k steps on, observed
    with unseen cells; ``(full frame, truth code, observed frames)``."""
    rng = np.random.default_rng(seed)
    board = soups(1, 14, rng.uniform(0.2, 0.5), seed=seed)
    truth = int(rng.integers(0, 1 << OT.count)) & ~1  # never B0
    frames = np.asarray(simulate(board, OT.rule(_values(truth)), k))
    obs = observe(frames, k, hidden=hidden, seed=seed)
    return frames[:, 0], truth, obs


def _values(code: int) -> np.ndarray:
    return ((code >> np.arange(OT.count)) & 1).astype(np.uint8)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(2, 3), rival=st.integers(0, 2**18 - 1))
def test_a_cluster_costs_no_more_than_the_true_completion(seed, k, rival):
    full, truth, obs = _small(seed, k, 0.15)
    s = make_samples(obs, k)
    centres = np.flatnonzero(s.unknown <= 8)[:6]
    offsets = joint._offsets(k)
    members = joint._members(s, centres, offsets)
    costs = joint_costs(_tables(truth, rival), s.patches, s.targets, k, centres, members,
                        offsets, 4, 6)  # fmt: skip
    assert (costs[:, 0] == 0).all()  # the truth with the true completion errs nowhere
    # the rival on the full frame, by the simulator: its mismatches bound its cost
    later = np.asarray(simulate(full, OT.rule(_values(rival)), k, keep="last"))[0]
    seen = obs[0, 1] != HIDDEN
    wrong = seen & (later != obs[0, 1])
    for c, row in enumerate(members):
        row = row[row >= 0]
        n, t, i, j = s.where[row].T
        assert costs[c, 1] <= wrong[i, j].sum()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), rival=st.integers(0, 2**18 - 1))
def test_on_clean_data_no_rival_refutes_the_rule_that_made_them(seed, rival):
    _, truth, obs = _small(seed, 2, 0.2)
    s = make_samples(obs, 2)
    tables = _tables(rival, truth)
    pred = predict_tables(tables, s.patches, 2, 8)
    assert joint.joint_loss(tables, pred, s) is None


def _freezing(seed=2, rule="B5/S012357", noise=0.01):
    """The benchmark's data for seed ``seed`` at stride 2, 10% unseen."""
    frames = np.asarray(simulate(soups(16, 32, 0.35, seed=seed), parse_rule(rule), 38))
    return make_samples(observe(frames, 2, hidden=0.1, noise=noise, seed=seed), 2)


def test_a_rival_open_where_the_truth_decides_is_refuted_by_a_cluster_not_alone():
    # the benchmark's B5/S012357 (seed 2; its soups freeze) at stride 2, 1% noise, 10%
    # unseen: the S8 rival is left open on 16 samples the truth decides and the two never
    # disagree where both decide, so the pairwise test cannot refute it; around those
    # samples, over every completion of their unseen cells, it errs where the truth does not
    s = _freezing()
    truth, rival = _code("B5/S012357"), _code("B5/S0123578")
    errors, missed = exhaustive._pairwise(np.array([truth, rival]), exhaustive._Judge(OF_WINDOW, s))
    assert not exhaustive._refutes(errors, missed, 0, 1)  # the control: alone, no verdict
    judge = exhaustive._Judge(OF_WINDOW, s)
    assert judge.gives(truth, rival) is not None
    assert judge.gives(rival, truth) is None


def test_a_rival_that_refutes_the_winner_jointly_takes_its_place():
    # B567/S378 (seed 3; its soups die by generation 4): samples alone chose B567/S37
    s = _freezing(seed=3, rule="B567/S378")
    wrong, truth = _code("B567/S37"), _code("B567/S378")
    win, left, gave = exhaustive._Judge(OF_WINDOW, s).stage(wrong, [truth])
    assert (win, left) == (truth, []) and gave[0] >= 1


def test_samples_know_where_they_sit():
    frames = np.asarray(simulate(soups(2, 10, 0.4, seed=5), parse_rule("B3/S23"), 4))
    obs = observe(frames, 2, hidden=0.3, seed=5)
    s = make_samples(obs, 2)
    n, t, i, j = s.where.T
    assert (s.targets == obs[n, t + 1, i, j]).all()
    middle = obs[n, t, i, j]
    assert (np.where(middle == HIDDEN, 2, middle) == s.patches[:, 2, 2]).all()
    part = s.take(np.arange(5, 9))
    assert (part.where == s.where[5:9]).all() and part.grid == s.grid


def test_on_fully_seen_data_more_rivals_are_judged_on_all_samples():
    # a rival costs no completions on fully seen data, so the final stage takes 64, not 32:
    # 40 rivals of the truth (each class flipped, then pairs) are judged there and the
    # truth stays the winner; with unseen cells the same 40 are past the cap and stay open
    truth = _code("B5/S012357")
    close = [truth ^ (1 << c) for c in range(OT.count)]
    close += [truth ^ (1 << c) ^ (1 << (c + 1)) for c in range(40 - OT.count)]
    frames = np.asarray(simulate(soups(16, 32, 0.35, seed=2), parse_rule("B5/S012357"), 38))
    seen = exhaustive._Judge(OF_WINDOW, make_samples(observe(frames, 2, noise=0.01, seed=2), 2))
    win, left, gave = exhaustive._final_stage(truth, close, seen)
    assert seen.most >= len(close) > exhaustive._FINAL_RIVALS
    assert win == truth and len(left) < len(close) and gave >= 1
    unseen = exhaustive._Judge(OF_WINDOW, _freezing())
    assert exhaustive._final_stage(truth, close, unseen) == (truth, close, None)
