"""The prediction kernel of the exhaustive search, against the simulator run on every
completion of a patch's unseen cells: a prediction is decided only when all completions
agree (sound), and with completions it is decided whenever they do (complete, up to the
number of cells filled in)."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import simulate
from lifecore.discover._kernel import predict_tables
from lifecore.discover.observed import UNKNOWN
from lifecore.rules.families import window_classes

MAP = window_classes("map")


def _every_completion(table: np.ndarray, patch: np.ndarray, k: int) -> int:
    """The middle cell ``k`` generations on, by the simulator, over every completion of
    the unseen cells of ``patch``: its value when all agree, else ``UNKNOWN``."""
    unseen = np.argwhere(patch == UNKNOWN)
    boards = np.repeat(patch[None], 2 ** len(unseen), 0)
    for n, fill in enumerate(itertools.product((0, 1), repeat=len(unseen))):
        boards[n][tuple(unseen.T)] = fill
    middle = np.asarray(simulate(boards, MAP.rule(table), k, keep="last"))[:, k, k]
    return int(middle[0]) if (middle == middle[0]).all() else UNKNOWN


def _case(seed: int, k: int, unseen: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 2, 512).astype(np.uint8)
    patch = (rng.random((2 * k + 1, 2 * k + 1)) < rng.uniform(0.1, 0.6)).astype(np.uint8)
    where = rng.choice(patch.size, size=min(unseen, patch.size), replace=False)
    patch.flat[where] = UNKNOWN
    return table, patch


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 3), unseen=st.integers(0, 6))
def test_with_enough_completions_a_prediction_is_what_every_completion_gives(seed, k, unseen):
    table, patch = _case(seed, k, unseen)
    got = predict_tables(table[None], patch[None], k, 8)[0, 0]
    assert got == _every_completion(table, patch, k)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    k=st.integers(1, 3),
    unseen=st.integers(0, 12),
    completions=st.integers(0, 3),
)
def test_a_decided_prediction_is_what_every_completion_gives(seed, k, unseen, completions):
    table, patch = _case(seed, k, unseen)
    got = predict_tables(table[None], patch[None], k, completions)[0, 0]
    assert got == UNKNOWN or got == _every_completion(table, patch, k)


def test_completions_decide_samples_that_generation_by_generation_leaves_open():
    # one unseen cell makes every cell whose window covers it unseen a generation later,
    # although they share that one unknown: filling it in decides where both fills agree
    cases = [_case(seed, 2, 2) for seed in range(300)]
    tables = [t for t, _ in cases]
    patches = np.stack([p for _, p in cases])
    plain = np.array([predict_tables(t[None], p[None], 2)[0, 0] for t, p in zip(tables, patches)])
    filled = np.array(
        [predict_tables(t[None], p[None], 2, 8)[0, 0] for t, p in zip(tables, patches)]
    )
    truth = np.array([_every_completion(t, p, 2) for t, p in zip(tables, patches)])
    assert (filled == truth).all()
    assert ((plain == UNKNOWN) & (truth != UNKNOWN)).sum() > 10
