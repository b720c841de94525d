"""Window classes per family, windows on a board, tabulation, and coverage by soups."""

import numpy as np
import pytest

from lifecore import simulate
from lifecore.book import families
from lifecore.rules import Rule


def test_family_sizes():
    sizes = {f: np.unique(families.class_ids(f)).size for f in families.FAMILY_NAMES}
    assert sizes == {"outer-totalistic": 18, "isotropic": 102, "map": 512}


def test_families_nest():
    ot, iso = families.class_ids("outer-totalistic"), families.class_ids("isotropic")
    for c in np.unique(iso):  # every isotropic class lies inside one (state, count) class
        assert np.unique(ot[iso == c]).size == 1


def test_board_windows_by_hand():
    board = np.zeros((5, 5), np.uint8)
    board[2, 2] = 1
    idx = families.board_windows(board)
    assert idx[2, 2] == 16  # the cell itself: centre
    assert idx[1, 1] == 1  # seen from the cell above-left, it is the SE neighbour
    assert idx[3, 3] == 256  # from below-right it is the NW neighbour
    assert idx[1, 2] == 2 and idx[2, 1] == 8  # S of the cell above, E of the cell to the left
    assert idx[0, 0] == 0


def test_tabulate_windows_reads_the_rule_where_seen():
    rng = np.random.default_rng(0)
    x = (rng.random((20, 16, 16)) < 0.4).astype(np.uint8)
    rule = Rule.parse("B2-a/S12")
    y = simulate(x, rule, 1)[:, -1]
    table = families.tabulate_windows(x, y)
    seen = table >= 0
    assert seen.sum() > 400
    assert np.array_equal(table[seen], rule.window_table[seen])


def test_tabulate_windows_refuses_contradictions():
    x = np.zeros((2, 4, 4), np.uint8)
    y = np.zeros_like(x)
    y[1, 0, 0] = 1  # the all-dead window goes both ways
    with pytest.raises(families.FamiliesError, match="both next states"):
        families.tabulate_windows(x, y)


def test_golly_case_places_the_output_on_the_grid():
    before = "x = 4, y = 3, rule = B3/S23:T4,3\n4b$4b$4b!\n"
    # Golly's grid of width 4, height 3 spans x -2..1, y -1..1; one live cell at (0, 0)
    after = "#CXRLE Pos=0,0 Gen=7\nx = 1, y = 1, rule = B3/S23:T4,3\no!\n"
    rule, b, a, gens = families.golly_case(before, after)
    assert str(rule).startswith("B3/S23") and gens == 7
    assert b.shape == a.shape == (3, 4) and not b.any()
    assert np.argwhere(a).tolist() == [[1, 2]]
