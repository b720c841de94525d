"""The informed observer's bound (`lifecore.discover.informed`).

The truth: hand-counted neighbours of a block on a small torus, and, for random rules, the
number of cells whose window lies in each class (counted here with NumPy, not simulated):
on clean, fully seen data one generation apart, flipping a class's value changes exactly
those cells.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import simulate
from lifecore.data import soups
from lifecore.discover import exhaustive
from lifecore.discover.informed import informed_rivals
from lifecore.discover.observed import HIDDEN, make_samples, observe
from lifecore.discover.result import DiscoveryError
from lifecore.discover.verdict import required_margins
from lifecore.rules import parse_rule
from lifecore.rules.families import window_classes


def _block() -> np.ndarray:
    """``(1, 2, 8, 8)``: a block on an 8 x 8 torus and its next (identical) frame."""
    board = np.zeros((8, 8), np.uint8)
    board[3:5, 3:5] = 1
    return np.stack([board, board])[None]


def test_a_block_decides_only_the_classes_it_visits():
    frames = _block()
    found = informed_rivals(frames, frames.copy(), parse_rule("B3/S23"), 1, "outer-totalistic")
    extra = dict(zip(found.names, found.extra.tolist()))
    # 48 cells see no neighbour, the 4 corners of the ring one, its 8 sides two; 4 live cells
    # see three: each rival changes exactly those cells
    assert (extra["B0"], extra["B1"], extra["B2"], extra["S3"]) == (48, 4, 8, 4)
    assert found.mismatches == 0 and (found.margins == 1).all()
    visited = {"B0", "B1", "B2", "S3"}
    assert set(found.indistinguishable) == set(found.names) - visited


def test_noise_raises_the_margin_where_the_rules_differ_and_unseen_targets_do_not_count():
    frames = _block()
    observed = frames.copy()
    observed[0, 1, 2, 2] = 1  # a flipped corner of the ring: the rule's one mismatch
    observed[0, 1, 3, 3] = HIDDEN  # one live cell unseen
    found = informed_rivals(frames, observed, parse_rule("B3/S23"), 1, "outer-totalistic")
    extra = dict(zip(found.names, found.extra.tolist()))
    margin = dict(zip(found.names, found.margins.tolist()))
    assert found.mismatches == 1
    # B1 differs on the 4 corners, one of them the flip: 3 against 1, under 1 + ceil(3 sqrt(1))
    assert (extra["B1"], margin["B1"]) == (2, 4)
    assert (extra["B0"], margin["B0"]) == (48, 1)  # the far cells, none flipped
    assert (extra["S3"], margin["S3"]) == (3, 1)  # the unseen live cell is not counted
    assert "B1" in found.indistinguishable and "S3" not in found.indistinguishable


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), family=st.sampled_from(["outer-totalistic", "isotropic"]))
def test_clean_rivals_change_exactly_the_cells_of_their_class(seed, family):
    rng = np.random.default_rng(seed)
    classes = window_classes(family)
    values = rng.integers(0, 2, classes.count).astype(np.uint8)
    rule = classes.rule(values)
    start = (rng.random((3, 10, 10)) < 0.4).astype(np.uint8)
    nxt = rule.window_table[_windows(start)].astype(np.uint8)
    frames = np.stack([start, nxt], axis=1)
    found = informed_rivals(frames, frames.copy(), rule, 1, family)
    counts = np.bincount(classes.of_window[_windows(start)].ravel(), minlength=classes.count)
    assert found.extra.tolist() == counts.tolist()


def _windows(boards: np.ndarray) -> np.ndarray:
    """Window index ``256 NW + ... + SE`` of every cell of torus ``boards`` ``(N, H, W)``."""
    index = np.zeros(boards.shape, np.int64)
    for bit, (dy, dx) in enumerate((dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)):
        index += np.roll(boards, (dy, dx), axis=(1, 2)).astype(np.int64) << bit
    return index


@pytest.mark.parametrize(
    "full, rule, family, message",
    [
        (np.zeros((1, 2, 8, 7), np.uint8), "B3/S23", "outer-totalistic", "must match"),
        (np.full((1, 2, 8, 8), 2, np.uint8), "B3/S23", "outer-totalistic", "0/1"),
        (_block(), "B2-a/S12", "outer-totalistic", "not in the outer-totalistic family"),
    ],
)
def test_bad_input_is_named(full, rule, family, message):
    with pytest.raises(DiscoveryError, match=message):
        informed_rivals(full, _block(), parse_rule(rule), 1, family)


def _three_frames() -> np.ndarray:
    """``(1, 3, 8, 8)``: the block of `_block` for three frames."""
    return np.concatenate([_block(), _block()[:, :1]], axis=1)


def test_the_observer_runs_rules_from_cells_as_observed_and_hidden_cells_as_they_were():
    # a lone live cell in the middle frame, far from the block, exercises S0 (a live cell
    # with no neighbour): B3/S23 kills it, its S0 rival keeps it, and the next frame shows
    # it dead. Observed (a flipped cell) the observer sees it; hidden, the observer reads the
    # true frame instead
    frames = _three_frames()
    observed = frames.copy()
    observed[0, 1, 0, 0] = 1
    noisy = informed_rivals(frames, observed, parse_rule("B3/S23"), 1, "outer-totalistic")
    assert "S0" not in noisy.indistinguishable and noisy.mismatches == 1
    full = frames.copy()
    full[0, 1, 0, 0] = 1
    observed[0, 1, 0, 0] = HIDDEN
    hidden = informed_rivals(full, observed, parse_rule("B3/S23"), 1, "outer-totalistic")
    assert "S0" not in hidden.indistinguishable and hidden.mismatches == 0
    unseen = informed_rivals(frames, observed, parse_rule("B3/S23"), 1, "outer-totalistic")
    assert "S0" in unseen.indistinguishable


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_combined_rivals_change_the_cells_of_every_class_they_flip(seed):
    rng = np.random.default_rng(seed)
    classes = window_classes("outer-totalistic")
    rule = classes.rule(rng.integers(0, 2, classes.count).astype(np.uint8))
    start = (rng.random((3, 10, 10)) < 0.4).astype(np.uint8)
    frames = np.stack([start, rule.window_table[_windows(start)].astype(np.uint8)], axis=1)
    found = informed_rivals(frames, frames.copy(), rule, 1, "outer-totalistic")
    counts = dict(zip(found.names, found.extra.tolist()))
    weakest = sorted(found.names, key=lambda n: (counts[n] - 1, found.names.index(n)))[:6]
    assert len(found.combined) == 2**6 - 1 - 6
    for rival in found.combined:
        assert set(rival.classes) <= set(weakest) and len(rival.classes) >= 2
        assert rival.extra == sum(counts[n] for n in rival.classes) and rival.margin == 1
    assert found.closest.extra - found.closest.margin == min(counts.values()) - 1
    assert found.decided == (min(counts.values()) >= 1)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), stride=st.integers(2, 3))
def test_on_fully_seen_noisy_data_the_observer_counts_as_the_search_does(seed, stride):
    # the simulator (here) and the search's window kernel (`exhaustive._pairwise`) are two
    # implementations of one count: where a rival and the rule differ, who is wrong
    rng = np.random.default_rng(seed)
    classes = window_classes("outer-totalistic")
    truth = rng.integers(0, 2, classes.count).astype(np.uint8)
    truth[0] = 0
    clean = np.asarray(simulate(soups(4, 12, 0.35, seed=seed), classes.rule(truth), 3 * stride))
    observed = observe(clean, stride, noise=0.02, seed=seed)
    found = informed_rivals(clean[:, ::stride].copy(), observed, classes.rule(truth), stride,
                            "outer-totalistic")  # fmt: skip
    of_window = np.asarray(classes.of_window, dtype=np.int64)
    code = int((truth.astype(np.int64) << np.arange(classes.count)).sum())
    codes = np.array([code] + [code ^ (1 << c) for c in range(classes.count)])
    samples = make_samples(observed, stride)
    errors, _ = exhaustive._pairwise(codes, exhaustive._Judge(of_window, samples))
    assert found.extra.tolist() == (errors[1:, 0] - errors[0, 1:]).tolist()
    assert found.margins.tolist() == required_margins(errors[0, 1:]).tolist()
