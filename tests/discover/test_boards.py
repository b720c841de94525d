"""Designed boards: every class of a family on one small torus, checked by enumerating windows."""

import numpy as np
import pytest

from lifecore import step
from lifecore.discover import DiscoveryError, design_board
from lifecore.discover.boards import de_bruijn_sequence, de_bruijn_torus, search_cover
from lifecore.extract import tabulate
from lifecore.rules.hensel import HENSEL_CLASSES
from lifecore.rules.windows import window_index


def _windows(board):
    """Golly index of every cell's 3x3 window on the torus, by explicit slicing."""
    h, w = board.shape
    out = []
    for r in range(h):
        for c in range(w):
            win = board[np.ix_([(r - 1) % h, r, (r + 1) % h], [(c - 1) % w, c, (c + 1) % w])]
            out.append(int(window_index(win)))
    return out


def test_de_bruijn_torus_holds_every_window_once():
    board = de_bruijn_torus()
    assert board.shape == (8, 64) and board.dtype == np.uint8
    assert sorted(_windows(board)) == list(range(512))
    assert (design_board("map") == board).all()


def test_de_bruijn_sequences():
    seq = de_bruijn_sequence(2, 3)
    assert "".join(map(str, seq)) == "00010111"
    seq = de_bruijn_sequence(8, 2)
    pairs = {(seq[i], seq[(i + 1) % 64]) for i in range(64)}
    assert len(seq) == 64 and len(pairs) == 64


@pytest.mark.parametrize(
    "family, hood, side, classes",
    [
        ("outer-totalistic", "moore", 6, 18),
        ("outer-totalistic", "hex", 6, 14),
        ("outer-totalistic", "vonneumann", 4, 10),
        ("isotropic", "moore", 13, 102),
    ],
)
def test_board_shows_every_class(family, hood, side, classes):
    from lifecore.rules import NEIGHBOURHOODS
    from lifecore.rules.windows import ALL_WINDOWS

    board = design_board(family, hood)
    assert board.shape[0] <= side and board.shape[1] <= side
    seen = set()
    for index in _windows(board):
        win = ALL_WINDOWS[index]
        if family == "isotropic":
            from lifecore.rules.hensel import CLASS_OF_WINDOW

            seen.add((int(win[1, 1]), HENSEL_CLASSES[CLASS_OF_WINDOW[index]]))
        else:
            count = sum(int(win[1 + dr, 1 + dc]) for dr, dc in NEIGHBOURHOODS[hood])
            seen.add((int(win[1, 1]), count))
    assert len(seen) == classes


@pytest.mark.parametrize(
    "rule, family",
    [("B3/S23", "outer-totalistic"), ("B2-a/S12", "isotropic"), ("B3/S23", "map")],
)
def test_one_step_of_the_board_identifies_the_rule(rule, family):
    board = design_board(family)[None]
    ex = tabulate(board, step(board, rule, "torus"), family=family)
    assert ex.exact and ex.matches(rule)


def test_stored_boards_are_reproduced_by_the_search():
    assert (
        search_cover("outer-totalistic", "vonneumann", 4, 0)
        == design_board("outer-totalistic", "vonneumann")
    ).all()
    assert (
        search_cover("outer-totalistic", "moore", 6, 0) == design_board("outer-totalistic", "moore")
    ).all()


def test_bad_requests():
    with pytest.raises(DiscoveryError, match="family"):
        design_board("totalistic")
    with pytest.raises(DiscoveryError, match="Moore"):
        design_board("isotropic", "hex")
