"""Where two rules could disagree despite unseen cells (`lifecore.discover.taint`).

The truth: the kernel's exact prediction on completed patches. "Could not differ" is a
claim about every completion, so it is checked against completions drawn at random; hand
cases check that it is not vacuous.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore.discover._kernel import predict_tables
from lifecore.discover.observed import UNKNOWN
from lifecore.discover.taint import _reach, could_differ
from lifecore.rules import parse_rule


def _table(rule: str) -> np.ndarray:
    return parse_rule(rule).window_table.astype(np.uint8)


def test_a_ternary_window_reaches_its_completions():
    reach = _reach()
    assert reach[3**9 - 1].all()  # nine unknown cells: every window
    known = int((np.array([1, 0, 1, 0, 1, 0, 0, 1, 1]) * 3 ** np.arange(8, -1, -1)).sum())
    assert np.flatnonzero(reach[known]).tolist() == [0b101010011]
    one_unknown = known + 3**4  # the middle cell (digit 1) becomes unknown (digit 2)
    assert np.flatnonzero(reach[one_unknown]).tolist() == [0b101000011, 0b101010011]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 3), unseen=st.floats(0.0, 0.3))
def test_tables_said_not_to_differ_agree_in_every_completion(seed, k, unseen):
    rng = np.random.default_rng(seed)
    side = 2 * k + 1
    patches = (rng.random((200, side, side)) < 0.4).astype(np.uint8)
    patches[rng.random(patches.shape) < unseen] = UNKNOWN
    table = rng.integers(0, 2, 512).astype(np.uint8)
    other = table ^ (rng.random(512) < 0.05)  # a few windows differ: most samples cannot
    tables = np.stack([table, other]).astype(np.uint8)
    same = ~could_differ(tables[0], tables[1], patches, k)[0]
    assert same.any() or k > 1  # not vacuous: one generation on, most samples cannot differ
    for _ in range(16):
        filled = np.where(patches == UNKNOWN, rng.integers(0, 2, patches.shape), patches)
        pred = predict_tables(tables, filled.astype(np.uint8), k)
        assert (pred[0][same] == pred[1][same]).all()


def test_equal_tables_never_differ_and_a_differing_window_always_may():
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 3, (100, 5, 5)).astype(np.uint8)
    life = _table("B3/S23")
    possible, sure = could_differ(life, life, patches, 2)
    assert not possible.any() and not sure.any()
    # fully seen at stride 1: they could differ exactly where the window's entry differs
    seen = rng.integers(0, 2, (300, 3, 3)).astype(np.uint8)
    other = _table("B36/S23")
    exact = predict_tables(np.stack([life, other]), seen, 1)
    possible, sure = could_differ(life, other, seen, 1)
    assert (possible == (exact[0] != exact[1])).all() and (sure == possible).all()


def test_s8_could_differ_only_where_eight_neighbours_could_be_alive():
    # a live middle cell: with its neighbours unknown it may have eight live ones; with one
    # neighbour seen dead it cannot, whatever the rest are
    winner, rival = _table("B5/S012357"), _table("B5/S0123578")
    open_ = np.full((1, 3, 3), UNKNOWN, np.uint8)
    open_[0, 1, 1] = 1
    closed = open_.copy()
    closed[0, 0, 0] = 0
    alive = np.ones((1, 3, 3), np.uint8)
    possible, sure = could_differ(winner, rival, np.concatenate([open_, closed, alive]), 1)
    assert possible.tolist() == [True, False, True]
    assert sure.tolist() == [0, 0, 1]  # only the fully live window differs in every completion
