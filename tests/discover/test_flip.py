"""The incremental flip cost (`_flip`) against a full recount with the plain kernel
(`anneal.mismatches`): every single-entry change of a random walk over isotropic and MAP
tables, on samples with unseen cells at strides 1 to 3."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore.discover._flip import commit, flip_cost, set_entry
from lifecore.discover.anneal import _descend_sweeps, _landscape, _scratch, mismatches
from lifecore.discover.observed import UNKNOWN, Samples
from lifecore.rules.families import window_classes


def _samples(rng, stride, count=120, unseen=0.1):
    side = 2 * stride + 1
    patches = (rng.random((count, side, side)) < 0.4).astype(np.uint8)
    patches[rng.random(patches.shape) < unseen] = UNKNOWN
    return Samples(patches, rng.integers(0, 2, count).astype(np.uint8), stride)


@settings(max_examples=12, deadline=None)
@given(
    family=st.sampled_from(["isotropic", "map"]),
    stride=st.integers(1, 3),
    seed=st.integers(0, 2**31 - 1),
)
def test_every_flip_cost_equals_the_full_recount(family, stride, seed):
    rng = np.random.default_rng(seed)
    of_window = np.asarray(window_classes(family).of_window, dtype=np.int64)
    values = rng.integers(0, 2, int(of_window.max()) + 1).astype(np.uint8)
    s = _samples(rng, stride)
    table, starts, windows, pred, used, cur = _landscape(values, of_window, s.patches,
                                                         s.targets, stride)  # fmt: skip
    scratch = _scratch(len(s), used.shape[1], stride)
    assert cur == mismatches(values, of_window, s.patches, s.targets, stride, 1 << 40)
    for c in rng.integers(0, len(values), 40):
        set_entry(values, table, starts, windows, c, values[c] ^ 1)
        d, n = flip_cost(c, table, of_window, s.patches, s.targets, stride, pred, used,
                         1 << 40, scratch)  # fmt: skip
        assert cur + d == mismatches(values, of_window, s.patches, s.targets, stride, 1 << 40)
        if rng.random() < 0.5:  # keep it: later costs start from the re-simulated samples
            commit(n, scratch, pred, used)
            cur += d
        else:
            set_entry(values, table, starts, windows, c, values[c] ^ 1)


def test_descent_ends_where_no_single_flip_lowers_the_count():
    rng = np.random.default_rng(5)
    of_window = np.asarray(window_classes("isotropic").of_window, dtype=np.int64)
    values = rng.integers(0, 2, int(of_window.max()) + 1).astype(np.uint8)
    s = _samples(rng, 2, count=400, unseen=0.0)
    scratch = _scratch(len(s), 2, 2)
    count, settled = _descend_sweeps(values, of_window, s.patches, s.targets, 2, 100, scratch)
    assert settled
    assert count == mismatches(values, of_window, s.patches, s.targets, 2, 1 << 40)
    for c in range(len(values)):  # a local optimum: each single change is no better
        values[c] ^= 1
        assert mismatches(values, of_window, s.patches, s.targets, 2, 1 << 40) >= count
        values[c] ^= 1
