import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from reference import naive_step

from lifecore import NOTES_RULES, BoardError, Rule, simulate, step

RULES = list(NOTES_RULES) + ["B2/S34H", "B0/S8", "B1357/S1357"]


def board_strategy(max_side=12):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side)).flatmap(
        lambda s: arrays(np.uint8, s, elements=st.integers(0, 1))
    )


@given(
    board=board_strategy(), rule=st.sampled_from(RULES), boundary=st.sampled_from(["torus", "dead"])
)
def test_step_matches_definition(board, rule, boundary):
    assert np.array_equal(step(board, rule, boundary), naive_step(board, rule, boundary))


def test_blinker_by_hand():
    board = np.zeros((5, 5), np.uint8)
    board[2, 1:4] = 1
    vertical = np.zeros((5, 5), np.uint8)
    vertical[1:4, 2] = 1
    assert np.array_equal(step(board, "B3/S23"), vertical)
    assert np.array_equal(step(vertical, "B3/S23", "dead"), board)


def test_von_neumann_and_hex_by_hand():
    # A single live cell under B1/SV gives birth to exactly its 4 orthogonal neighbours.
    board = np.zeros((5, 5), np.uint8)
    board[2, 2] = 1
    plus = np.zeros((5, 5), np.uint8)
    plus[[1, 2, 2, 3], [2, 1, 3, 2]] = 1
    assert np.array_equal(step(board, "B1/SV"), plus)
    # Under B1/SH it gives birth to its 6 hex neighbours: not up-right, not down-left.
    hexagon = np.zeros((5, 5), np.uint8)
    for dr, dc in [(-1, -1), (-1, 0), (0, -1), (0, 1), (1, 0), (1, 1)]:
        hexagon[2 + dr, 2 + dc] = 1
    assert np.array_equal(step(board, "B1/SH"), hexagon)


@given(
    boards=st.integers(1, 3).flatmap(
        lambda n: arrays(np.uint8, (n, 9, 11), elements=st.integers(0, 1))
    ),
    rule=st.sampled_from(RULES),
    shift=st.tuples(st.integers(-9, 9), st.integers(-11, 11)),
)
def test_torus_shift_commutes(boards, rule, shift):
    shifted = np.roll(boards, shift, axis=(-2, -1))
    assert np.array_equal(step(shifted, rule), np.roll(step(boards, rule), shift, axis=(-2, -1)))


@given(board=board_strategy(10), boundary=st.sampled_from(["torus", "dead"]))
def test_rotation_symmetry_of_each_neighbourhood(board, boundary):
    for rule in ["B3/S23", "B36/S23", "B13/S012V", "B2/S013V"]:  # Moore and V: 90 degrees
        assert np.array_equal(
            step(np.rot90(board), rule, boundary), np.rot90(step(board, rule, boundary))
        )
    for rule in ["B2/S34H", "B24/S35H"]:  # hex emulation: 180 degrees only
        assert np.array_equal(
            step(np.rot90(board, 2), rule, boundary), np.rot90(step(board, rule, boundary), 2)
        )


def test_hex_is_not_90_degree_symmetric():
    # The property above must be able to fail: hex is not invariant under 90 degrees.
    rng = np.random.default_rng(0)
    board = (rng.random((12, 12)) < 0.4).astype(np.uint8)
    assert not np.array_equal(step(np.rot90(board), "B2/S34H"), np.rot90(step(board, "B2/S34H")))


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("boundary", ["torus", "dead"])
def test_numpy_and_torch_paths_identical(rule, boundary):
    rng = np.random.default_rng(1)
    boards = (rng.random((3, 17, 70)) < 0.45).astype(np.uint8)
    expected = simulate(boards, rule, 12, boundary)
    got = simulate(torch.from_numpy(boards), rule, 12, boundary)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.uint8
    assert np.array_equal(got.numpy(), expected)
    as_float = step(torch.from_numpy(boards).float(), rule, boundary)
    assert as_float.dtype == torch.float32
    assert np.array_equal(as_float.numpy(), expected[:, 1])


def test_shapes_and_types():
    board = np.zeros((6, 7), bool)
    assert step(board, "B3/S23").dtype == np.uint8
    assert simulate(board, "B3/S23", 5).shape == (6, 6, 7)
    assert simulate(np.zeros((4, 6, 7), np.int64), Rule.parse("B3/S23"), 5).shape == (4, 6, 6, 7)
    assert simulate(board, "B3/S23", 0).shape == (1, 6, 7)


def test_glider_returns_after_4w_on_torus():
    w = 8
    board = np.zeros((w, w), np.uint8)
    board[0, 1] = board[1, 2] = board[2, 0] = board[2, 1] = board[2, 2] = 1
    traj = simulate(board, "B3/S23", 4 * w)
    assert np.array_equal(traj[-1], board)
    assert not any(np.array_equal(traj[t], board) for t in range(1, 4 * w))
    assert np.array_equal(traj[4], np.roll(board, (1, 1), axis=(0, 1)))  # c/4 diagonal


def test_stop_fixed_and_cycle_by_hand():
    block = np.zeros((6, 6), np.uint8)
    block[2:4, 2:4] = 1
    blinker = np.zeros((6, 6), np.uint8)
    blinker[2, 1:4] = 1
    empty_after_one = np.zeros((6, 6), np.uint8)
    empty_after_one[0, 0] = 1  # a lone cell dies at t=1, then the empty board is fixed
    frames, report = simulate(
        np.stack([block, blinker, empty_after_one]), "B3/S23", 50, stop="cycle"
    )
    assert report.period.tolist() == [1, 2, 1]
    assert report.start.tolist() == [0, 0, 1]
    assert report.length.tolist() == [2, 3, 3]  # up to and including the first repeat
    assert frames.shape[1] == 3  # trimmed to the last board to stop
    assert np.array_equal(frames[1, 2], blinker)


def test_stop_fixed_ignores_cycles():
    blinker = np.zeros((6, 6), np.uint8)
    blinker[2, 1:4] = 1
    frames, report = simulate(blinker, "B3/S23", 10, stop="fixed")
    assert frames.shape == (11, 6, 6) and report.period.tolist() == [0]
    assert report.length.tolist() == [11] and not report.stopped.any()


def test_stop_agrees_with_brute_force():
    rng = np.random.default_rng(3)
    boards = (rng.random((6, 10, 10)) < 0.4).astype(np.uint8)
    full = simulate(boards, "B3/S23", 300)
    frames, report = simulate(boards, "B3/S23", 300, stop="cycle")
    for i in range(len(boards)):
        seen = {}
        for t in range(301):
            key = full[i, t].tobytes()
            if key in seen:
                assert (report.length[i], report.period[i], report.start[i]) == (
                    t + 1,
                    t - seen[key],
                    seen[key],
                )
                break
            seen[key] = t
        assert np.array_equal(frames[i, : report.length[i]], full[i, : report.length[i]])


def test_torch_stop_matches_numpy():
    rng = np.random.default_rng(4)
    boards = (rng.random((5, 10, 10)) < 0.4).astype(np.uint8)
    f1, r1 = simulate(boards, "B36/S23", 200, stop="cycle")
    f2, r2 = simulate(torch.from_numpy(boards), "B36/S23", 200, stop="cycle")
    assert np.array_equal(f1, f2.numpy()) and np.array_equal(r1.length, r2.length)


@pytest.mark.parametrize(
    "boards, words",
    [
        (np.zeros(5, np.uint8), "2-D"),
        (np.zeros((2, 2, 2, 2), np.uint8), "2-D"),
        (np.zeros((0, 5), np.uint8), "empty"),
        (np.full((3, 3), 2, np.uint8), "0 and 1"),
        (np.full((3, 3), 0.5), "0 and 1"),
        (np.array([["a"]]), "dtype"),
        (torch.full((3, 3), 3), "0 and 1"),
    ],
)
def test_bad_boards(boards, words):
    with pytest.raises(BoardError, match=words):
        step(boards, "B3/S23")


def test_bad_arguments():
    board = np.zeros((4, 4), np.uint8)
    with pytest.raises(ValueError, match="boundary"):
        step(board, "B3/S23", boundary="klein")
    with pytest.raises(ValueError, match="suffix"):
        step(board, "B3/S23Q")
    with pytest.raises(ValueError, match="steps"):
        simulate(board, "B3/S23", -1)
    with pytest.raises(ValueError, match="stop"):
        simulate(board, "B3/S23", 3, stop="never")


def test_input_is_not_modified():
    rng = np.random.default_rng(5)
    board = (rng.random((9, 9)) < 0.5).astype(np.uint8)
    copy = board.copy()
    simulate(board, "B3/S23", 7)
    assert np.array_equal(board, copy)
