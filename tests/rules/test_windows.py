import numpy as np
import pytest

from lifecore.rules import RuleError
from lifecore.rules.windows import ALL_WINDOWS, SYMMETRIES, window_cells, window_index


def _window(*cells):
    """A 3x3 window with the named cells alive (N is the row above)."""
    where = {"NW": (0, 0), "N": (0, 1), "NE": (0, 2), "W": (1, 0), "C": (1, 1)}
    where.update({"E": (1, 2), "SW": (2, 0), "S": (2, 1), "SE": (2, 2)})
    w = np.zeros((3, 3), np.uint8)
    for name in cells:
        w[where[name]] = 1
    return w


@pytest.mark.parametrize(
    "cells, index",
    [((), 0), (("NW",), 256), (("N",), 128), (("NE",), 64), (("W",), 32), (("C",), 16)]
    + [(("E",), 8), (("SW",), 4), (("S",), 2), (("SE",), 1), (("N", "C", "S"), 146)],
)
def test_golly_index_by_hand(cells, index):
    assert window_index(_window(*cells)) == index


def test_cells_and_index_are_inverse():
    assert np.array_equal(window_index(ALL_WINDOWS), np.arange(512))
    assert np.array_equal(window_cells(np.arange(512)), ALL_WINDOWS)
    batch = np.random.default_rng(0).integers(0, 2, (4, 5, 3, 3))
    assert window_index(batch).shape == (4, 5)


def test_symmetries_form_the_group_of_the_square():
    assert np.array_equal(SYMMETRIES[0], np.arange(512))
    perms = {tuple(p) for p in SYMMETRIES}
    assert len(perms) == 8
    for p in SYMMETRIES:
        assert sorted(p) == list(range(512))
        for q in SYMMETRIES:
            assert tuple(p[q]) in perms  # closed under composition
    # an edge goes to the 4 edges, a corner to the 4 corners, the centre stays
    assert set(SYMMETRIES[:, 128]) == {128, 32, 8, 2}
    assert set(SYMMETRIES[:, 256]) == {256, 64, 4, 1}
    assert set(SYMMETRIES[:, 16]) == {16}


@pytest.mark.parametrize("bad", [np.zeros((3, 4)), np.zeros(9), np.full((3, 3), 2)])
def test_bad_windows_are_rule_errors(bad):
    with pytest.raises(RuleError):
        window_index(bad)
    with pytest.raises(RuleError):
        window_cells(512)
