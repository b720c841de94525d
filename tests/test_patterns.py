"""Known patterns behave as LifeWiki says, under lifecore.simulate."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifecore import Rule, simulate, step
from lifecore.patterns import (
    PATTERNS,
    PatternError,
    find_gliders,
    pattern,
    place,
    remove_gliders,
    settle,
)
from lifecore.rle import dumps, loads


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_reads_and_round_trips(name):
    p = pattern(name)
    assert p.population > 0 and p.name
    assert loads(dumps(p)) == p


def test_lookup_is_forgiving_and_errors_name_the_problem():
    assert pattern("R-Pentomino") == pattern("r pentomino") == pattern("rpentomino")
    assert str(pattern("HighLife replicator").rule) == "B36/S23"
    with pytest.raises(PatternError, match="unknown pattern 'toaster'"):
        pattern("toaster")


def test_place():
    g = pattern("glider")
    board = place(g, (9, 9))
    np.testing.assert_array_equal(board[3:6, 3:6], g.cells)
    assert board.sum() == 5
    board = place(g.cells, (5, 6), at=(2, 3))
    np.testing.assert_array_equal(board[2:5, 3:6], g.cells)
    with pytest.raises(PatternError, match="does not fit"):
        place(g, (5, 5), at=(3, 0))
    with pytest.raises(PatternError, match="does not fit"):
        place(g, (2, 2))
    with pytest.raises(PatternError, match="shape"):
        place(g, "big")


@settings(max_examples=30, deadline=None)
@given(w=st.integers(6, 24), r=st.integers(0, 23), c=st.integers(0, 23))
def test_glider_translates_on_torus(w, r, c):
    # Anywhere on a WxW torus the glider is itself moved (+1, +1) after 4 generations,
    # and back exactly where it started after 4W.
    board = np.roll(place(pattern("glider"), (w, w), at=(0, 0)), (r % w, c % w), axis=(0, 1))
    frames = simulate(board, "B3/S23", 4 * w)
    np.testing.assert_array_equal(frames[4], np.roll(board, (1, 1), axis=(0, 1)))
    np.testing.assert_array_equal(frames[4 * w], board)
    assert all(not np.array_equal(frames[t], board) for t in range(1, 4 * w))


@pytest.mark.parametrize(
    "name, period", [("blinker", 2), ("toad", 2), ("beacon", 2), ("block", 1), ("beehive", 1)]
)
def test_oscillator_and_still_life_periods(name, period):
    board = place(pattern(name), (10, 10))
    frames, report = simulate(board, "B3/S23", 10, boundary="dead", stop="cycle")
    assert report.period[0] == period and report.start[0] == 0


def test_lwss_moves_two_cells_in_four_generations():
    board = place(pattern("lwss"), (12, 20), at=(4, 10))
    after = simulate(board, "B3/S23", 4, boundary="dead")[-1]
    np.testing.assert_array_equal(after, np.roll(board, -2, axis=1))


def test_diehard_dies_at_130():
    board = place(pattern("diehard"), (60, 60))
    pops = simulate(board, "B3/S23", 131, boundary="dead").reshape(132, -1).sum(1)
    assert pops[129] > 0 and pops[130] == 0


def test_gosper_gun_fires_every_30():
    # Dead board large enough that the first 10 gliders have not reached the edge.
    board = place(pattern("gosper glider gun"), (120, 120), at=(2, 2))
    frames = simulate(board, "B3/S23", 300, boundary="dead")
    pops = frames.reshape(301, -1).sum(1)
    np.testing.assert_array_equal(np.diff(pops[::30]), 5)  # one 5-cell glider per period
    assert [len(find_gliders(f)) for f in frames[::30]] == list(range(11))
    gun_area = (slice(0, 11), slice(0, 40))
    np.testing.assert_array_equal(frames[300][gun_area], frames[0][gun_area])


def test_highlife_replicator_copies_itself():
    p = pattern("HighLife replicator")
    board = place(p, (40, 40), at=(17, 17))
    after = simulate(board, p.rule, 12, boundary="dead")[-1]
    # two copies of the original, one 2 cells up-left and one 2 cells down-right
    copies = place(p, (40, 40), at=(15, 15)) | place(p, (40, 40), at=(19, 19))
    np.testing.assert_array_equal(after, copies)
    # and under Life it does not replicate
    life = simulate(board, "B3/S23", 12, boundary="dead")[-1]
    assert not np.array_equal(life, copies)


def test_find_and_remove_gliders():
    g = pattern("glider")
    board = place(g, (30, 30), at=(2, 2)) | place(np.rot90(g.cells).copy(), (30, 30), at=(20, 20))
    assert find_gliders(board) == [(2, 2), (20, 20)]
    # a block 2 cells away makes the first glider not isolated
    board[2:4, 6:8] = 1
    assert find_gliders(board) == [(20, 20)]
    rest, n = remove_gliders(board)
    assert n == 1 and rest.sum() == board.sum() - 5
    assert find_gliders(np.zeros((4, 4), np.uint8)) == []


def test_r_pentomino_settles_at_1103_with_116_cells():
    """LifeWiki: the R-pentomino stabilises at generation 1103 with population 116,
    including six gliders (8 blocks + 4 beehives + 4 blinkers + boat +
    loaf + ship = 86 cells, plus 6 gliders = 30 cells).

    Method: a fixed dead-boundary board on which no live cell ever comes within 2 cells
    of the edge is exactly the infinite plane (nothing can be born beyond the edge), and
    we assert that. Then gliders are taken out with `find_gliders` and the rest is
    compared two generations apart: it first repeats from generation 1103. Runs ~6 s
    on one core with the NumPy kernel.
    """
    n, steps = 620, 1200
    board = place(pattern("r-pentomino"), (n, n), at=(n // 2, n // 2))
    rule = Rule.parse("B3/S23")
    kept, pops = {}, []
    for t in range(steps + 1):
        assert not (
            board[:2].any() or board[-2:].any() or board[:, :2].any() or board[:, -2:].any()
        )
        pops.append(int(board.sum()))
        if t >= 1095:
            kept[t] = remove_gliders(board)
        board = step(board, rule, "dead")
    rest = {t: r for t, (r, _) in kept.items()}
    assert not np.array_equal(rest[1102], rest[1104])
    assert all(np.array_equal(rest[t], rest[t + 2]) for t in range(1103, steps - 1))
    assert pops[1103] == 116
    assert kept[1103][1] == 6 and rest[1103].sum() == 116 - 6 * 5


def test_settle_finds_r_pentomino_without_a_hand_sized_board():
    # settle() grows its board on demand instead; ~4 s.
    s = settle(pattern("r-pentomino"))
    assert (s.generation, s.population, s.debris, s.gliders, s.period) == (1103, 116, 86, 6, 2)


def test_settle_errors_and_simple_cases():
    assert settle(pattern("block")).generation == 0
    d = settle(pattern("diehard"))
    assert (d.generation, d.population) == (130, 0)
    with pytest.raises(PatternError, match="did not settle within max_steps=50"):
        settle(pattern("r-pentomino"), max_steps=50)
    with pytest.raises(PatternError, match="max_period"):
        settle(pattern("block"), max_period=0)


def _plane_generations(cells, rule, n):
    """``n`` generations on the unbounded plane by the rule's window table (independent of
    the simulator): a list of n + 1 boards padded by n + 1 cells."""
    from lifecore.rules.windows import WINDOW_WEIGHTS

    table = rule.window_table
    board = np.pad(cells, n + 1)
    out = [board]
    for _ in range(n):
        p = np.pad(board, 1)
        h, w = board.shape
        index = sum(
            int(WINDOW_WEIGHTS[r, c]) * p[r : r + h, c : c + w].astype(np.int64)
            for r in range(3)
            for c in range(3)
        )
        board = table[index]
        out.append(board)
    return out


def test_tlife_t_is_a_c5_orthogonal_spaceship():
    t = pattern("T-tetromino")
    assert str(t.rule) == "B3/S2-i34q"
    gens = _plane_generations(t.cells, t.rule, 5)
    moved = [np.argwhere(g) for g in gens]
    assert all(m.shape != moved[0].shape or (m != moved[0]).any() for m in moved[1:5])
    shift = moved[5] - moved[0]
    assert (shift == shift[0]).all() and np.abs(shift[0]).sum() == 1  # one cell, orthogonal


def test_lifewiki_tlife_facts():
    tlife = Rule.parse("tlife")
    blinker = _plane_generations(pattern("blinker").cells, tlife, 2)
    assert blinker[2].sum() == 0  # LifeWiki: the blinker dies in tlife
    beacon = _plane_generations(pattern("beacon").cells, tlife, 3)
    assert beacon[1].sum() == 8 and np.array_equal(beacon[1], beacon[3])  # an 8-cell still life


def test_snowflake_is_a_still_life():
    flake = pattern("snowflakes")
    assert flake.population == 21 and flake.rule.family == "isotropic"
    gens = _plane_generations(flake.cells, flake.rule, 3)
    assert all(np.array_equal(g, gens[0]) for g in gens)
