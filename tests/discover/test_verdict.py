"""The noise margin of the certificate: hand-checked values, and the array form agreeing with
the scalar one."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lifecore.discover.verdict import required_margin, required_margins


def test_required_margin_by_hand():
    # clean: one mismatch refutes; else 1 + ceil(3 sqrt(b)): b = 1 -> 4, 4 -> 7, 10 -> 11
    assert [required_margin(b) for b in (0, 1, 4, 10)] == [1, 4, 7, 11]


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=50))
def test_required_margins_is_required_margin_of_each(counts):
    assert required_margins(np.array(counts)).tolist() == [required_margin(b) for b in counts]
