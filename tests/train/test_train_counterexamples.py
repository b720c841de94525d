"""lifecore.train.counterexamples: a counterexample window, stamped into boards, is seen by
the cell at the centre of each copy and labelled by the rule."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore.rules import Rule
from lifecore.train.counterexamples import counterexample_boards, slots, window_images


def _label_by_hand(window: np.ndarray, rule: Rule) -> int:
    """Next state of a Moore window's centre: the rule's table at (centre, live neighbours)."""
    c = window.shape[0] // 2
    core = window[c - 1 : c + 2, c - 1 : c + 2]
    return int(rule.table[core[1, 1], int(core.sum()) - core[1, 1]])


def test_window_images_are_the_eight_symmetries_once():
    w = np.zeros((5, 5), np.uint8)
    w[0, 1] = w[2, 2] = 1  # no symmetry: 8 distinct images
    images = window_images(w[None])
    assert images.shape == (8, 5, 5) and np.array_equal(images[0], w)
    assert len({i.tobytes() for i in images}) == 8
    assert any(np.array_equal(i, w.T) for i in images)
    assert any(np.array_equal(i, np.rot90(w)) for i in images)
    full = np.ones((1, 5, 5), np.uint8)  # fully symmetric: one image
    assert window_images(full).shape == (1, 5, 5)


def test_slots_leave_context_between_copies():
    for size, k in [(16, 5), (12, 3), (7, 5), (6, 5)]:
        places = slots(size, k)
        assert places and all(r + k < size + 1 and c + k < size + 1 for r, c in places)
        rows = sorted({r for r, _ in places})
        assert all(b - a >= k + 1 for a, b in zip(rows, rows[1:]))


@settings(max_examples=20)
@given(
    st.lists(st.integers(0, 2**25 - 1), min_size=1, max_size=4, unique=True),
    st.integers(0, 2**32 - 1),
)
def test_every_window_is_stamped_and_labelled_by_the_rule(codes, seed):
    rule = Rule.parse("B36/S23")
    bits = (np.array(codes)[:, None] >> np.arange(25)) & 1
    patches = bits.reshape(-1, 5, 5).astype(np.uint8)
    x, y = counterexample_boards(patches, rule, size=16, copies=2, seed=seed)
    assert x.dtype == np.uint8 and x.shape == y.shape and x.shape[1:] == (16, 16)
    wanted = {w.tobytes(): 0 for w in window_images(patches)}
    # every 5x5 window of every board (torus), with the label at its centre
    big = np.pad(x, ((0, 0), (2, 2), (2, 2)), mode="wrap")
    windows = np.lib.stride_tricks.sliding_window_view(big, (5, 5), axis=(1, 2))
    for b, i, j in np.ndindex(*windows.shape[:3]):
        window = windows[b, i, j]
        key = window.tobytes()
        if key in wanted:
            wanted[key] += 1
            assert y[b, i, j] == _label_by_hand(window, rule)
    assert all(n >= 2 for n in wanted.values())  # each image at least `copies` times
