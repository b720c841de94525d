"""Hostile boards, tensors and simulation arguments: every one ends in `BoardError` (a
`LifecoreError`, so a `ValueError`) or in the right answer; never a crash, a hang or a
memory blow-up."""

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lifecore import BoardError, LifecoreError, simulate, step
from lifecore.rules import as_rule

RULES = ["B3/S23", "B36/S23", "B2-a/S12", "B3/S2-i34q", "B13/S012V", "B2/S34H"]


def blinker(size=6):
    board = np.zeros((size, size), np.uint8)
    board[size // 2, size // 2 - 1 : size // 2 + 2] = 1
    return board


@st.composite
def binary_boards(draw):
    shape = draw(st.tuples(st.integers(1, 3), st.integers(1, 9), st.integers(1, 70)))
    return draw(arrays(np.uint8, shape, elements=st.integers(0, 1)))


DTYPES = ["bool", "int8", "uint8", "int16", ">i2", "int32", "uint32", "int64", "uint64"]
DTYPES += ["float16", "float32", ">f4", "float64"]


@settings(max_examples=30, deadline=None)
@given(board=binary_boards(), dtype=st.sampled_from(DTYPES), rule=st.sampled_from(RULES))
def test_every_real_dtype_gives_the_uint8_answer(board, dtype, rule):
    want = simulate(board, rule, 2)
    got = simulate(board.astype(dtype), rule, 2)
    assert got.dtype == np.uint8 and np.array_equal(got, want)


@settings(max_examples=30, deadline=None)
@given(
    board=binary_boards(),
    bad=st.sampled_from([2, -1, 0.5, np.nan, np.inf, -np.inf, 255]),
    where=st.floats(0, 1),
    as_tensor=st.booleans(),
)
def test_values_other_than_0_and_1_are_refused(board, bad, where, as_tensor):
    board = board.astype(np.float64)
    flat = board.reshape(-1)
    flat[int(where * (flat.size - 1))] = bad
    if isinstance(bad, int) and not np.isnan(bad):
        board = board.astype(np.int64)
    boards = torch.from_numpy(board) if as_tensor else board
    with pytest.raises(BoardError, match="only 0 and 1"):
        step(boards, "B3/S23")
    with pytest.raises(BoardError):
        simulate(boards, "B3/S23", 3)


@settings(max_examples=25, deadline=None)
@given(
    board=arrays(np.uint8, (3, 20, 140), elements=st.integers(0, 1)),
    rows=st.sampled_from([slice(None), slice(None, None, 2), slice(None, None, -1)]),
    cols=st.sampled_from([slice(None), slice(1, None, 3), slice(None, None, -2)]),
    transpose=st.booleans(),
)
def test_non_contiguous_views_equal_their_copies(board, rows, cols, transpose):
    view = board[:, rows, cols]
    if transpose:
        view = view.transpose(0, 2, 1)
    assert not view.flags.c_contiguous or rows == cols == slice(None)
    for rule in ("B3/S23", "B3/S2-i34q"):
        want = simulate(np.ascontiguousarray(view), rule, 3)
        assert np.array_equal(simulate(view, rule, 3), want)
        assert np.array_equal(simulate(view, rule, 3, keep="last"), want[:, -1])


@pytest.mark.parametrize(
    "boards, words",
    [
        (np.zeros(5, np.uint8), "2-D"),
        (np.zeros((1, 1, 2, 2), np.uint8), "2-D"),
        (np.zeros((3, 0), np.uint8), "empty"),
        (np.zeros((0, 4, 4), np.uint8), "empty"),
        (np.array([["a", "b"]]), "dtype"),
        (np.array([[1 + 0j]]), "dtype"),
        (np.array([[None]]), "dtype"),
        (np.array(["2020-01-01"], dtype="datetime64[D]").reshape(1, 1), "dtype"),
        ([[0, 1], [1]], "array"),
        ("not a board", "dtype"),
        (torch.zeros(5), "2-D"),
        (torch.zeros((2, 3), dtype=torch.complex64), "real"),
        (torch.zeros((4, 4)).to_sparse(), "dense"),
        (torch.zeros((4, 4), device="meta"), "meta"),
        (torch.full((3, 3), float("nan")), "only 0 and 1"),
    ],
)
def test_bad_boards_are_board_errors(boards, words):
    with pytest.raises(BoardError, match=words):
        step(boards, "B3/S23")
    with pytest.raises(BoardError):
        simulate(boards, "B3/S23", 2)


@pytest.mark.parametrize("steps", [True, False, 1.0, 2.5, -1, -(10**20), "3", None, np.float64(2)])
def test_bad_steps(steps):
    with pytest.raises(BoardError, match="steps"):
        simulate(blinker(), "B3/S23", steps)


def test_numpy_integer_steps_are_fine():
    assert simulate(blinker(), "B3/S23", np.int32(2)).shape == (3, 6, 6)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"boundary": "klein"}, "boundary"),
        ({"boundary": 0}, "boundary"),
        ({"stop": "never"}, "stop"),
        ({"keep": "first"}, "keep"),
        ({"max_bytes": 1.5}, "max_bytes"),
        ({"max_bytes": True}, "max_bytes"),
    ],
)
def test_bad_options(kwargs, words):
    with pytest.raises(BoardError, match=words):
        simulate(blinker(), "B3/S23", 2, **kwargs)


@pytest.mark.parametrize("as_tensor", [False, True])
@pytest.mark.parametrize("stop", ["cycle", "fixed"])
def test_huge_steps_with_stop_answer_at_once(as_tensor, stop):
    board = blinker() if stop == "cycle" else np.zeros((6, 6), np.uint8)
    boards = torch.from_numpy(board) if as_tensor else board
    start = time.perf_counter()
    frames, report = simulate(boards, "B3/S23", 10**9, stop=stop)
    assert time.perf_counter() - start < 60  # a guard against running 10**9 steps, not a timing
    assert report.period.tolist() == [2 if stop == "cycle" else 1]
    assert tuple(frames.shape) == ((3 if stop == "cycle" else 2), 6, 6)


@pytest.mark.parametrize("as_tensor", [False, True])
def test_huge_trajectory_refused_before_allocation(as_tensor):
    board = blinker(64)
    boards = torch.from_numpy(board) if as_tensor else board
    with pytest.raises(BoardError, match="GiB"):
        simulate(boards, "B3/S23", 10**9)
    with pytest.raises(BoardError, match="max_bytes"):
        simulate(boards, "B3/S23", 100, max_bytes=64 * 64 * 50)
    assert simulate(boards, "B3/S23", 100, max_bytes=64 * 64 * 101).shape == (101, 64, 64)
    # A stop that never comes (a blinker is no fixed point) grows until the limit.
    with pytest.raises(BoardError, match="max_bytes"):
        simulate(boards, "B3/S23", 10**9, stop="fixed", max_bytes=64 * 64 * 60)


def test_float_tensor_trajectory_counts_its_element_size():
    boards = torch.from_numpy(blinker(64)).double()  # 8 bytes a cell
    with pytest.raises(BoardError):
        simulate(boards, "B3/S23", 100, max_bytes=64 * 64 * 101 * 4)


@pytest.mark.parametrize("as_tensor", [False, True])
def test_input_never_modified(as_tensor):
    board = (np.random.default_rng(0).random((2, 9, 70)) < 0.5).astype(np.uint8)
    copy = board.copy()
    boards = torch.from_numpy(board) if as_tensor else board
    for rule in RULES:
        simulate(boards, rule, 3)
        simulate(boards, rule, 3, keep="last")
        simulate(boards, rule, 0, keep="last")
        simulate(boards, rule, 5, stop="cycle")
    assert np.array_equal(board, copy)


def test_topology_suffix_checks_the_board_size():
    with pytest.raises(BoardError, match="6 rows x 6 columns"):
        step(np.zeros((6, 7), np.uint8), "B3/S23:T6,6")
    with pytest.raises(BoardError, match="rows"):
        simulate(torch.zeros((2, 5, 5)), "B3/S23:P6,6", 2)
    # An explicit boundary overrides the suffix (and its size).
    assert step(np.zeros((6, 7), np.uint8), "B3/S23:T6,6", "dead").shape == (6, 7)


def test_topology_suffix_chooses_the_boundary():
    glider = np.zeros((8, 8), np.uint8)
    glider[0, 1] = glider[1, 2] = glider[2, :3] = 1
    torus = simulate(glider, "B3/S23:T8,8", 32, keep="last")
    plane = simulate(glider, "B3/S23:P8,8", 32, keep="last")
    assert np.array_equal(torus, glider)  # came back round the torus
    assert np.array_equal(plane, simulate(glider, "B3/S23", 32, "dead", keep="last"))
    assert not np.array_equal(plane, torus)
    assert np.array_equal(simulate(glider, "B3/S23", 32, keep="last"), torus)  # default


def test_unsupported_grid_kind_is_a_board_error():
    rule = SimpleNamespace(
        window_table=as_rule("B3/S23").window_table,
        family="map",
        neighbourhood="moore",
        topology=SimpleNamespace(kind="K", width=4, height=4),
    )
    with pytest.raises(BoardError, match="not supported"):
        step(np.zeros((4, 4), np.uint8), rule)


def test_errors_share_the_library_root():
    assert issubclass(BoardError, LifecoreError) and issubclass(BoardError, ValueError)


def test_torch_trajectory_peak_memory_is_near_its_size():
    """The torch path fills one preallocated output: its peak resident memory grows by
    about the result's size (the old frame list plus stack grew by ~8x)."""
    code = (
        "import resource, torch, lifecore\n"
        "x = (torch.rand((8, 128, 128)) < 0.4).to(torch.uint8)\n"
        "lifecore.simulate(x, 'B3/S23', 2)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "out = lifecore.simulate(x, 'B3/S23', 500)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print((after - before) * 1024 / (out.numel() * out.element_size()))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert float(out.stdout) < 2.0


@pytest.mark.parametrize("as_tensor", [False, True])
def test_cycle_search_memory_is_bounded_even_when_keeping_the_last_board(as_tensor):
    """A glider on a 64x64 torus needs 256 generations to repeat: with room for fewer keys
    (64x64 bits = 512 bytes each) the search stops with an error, not exhausted memory."""
    glider = np.zeros((64, 64), np.uint8)
    glider[0, 1] = glider[1, 2] = glider[2, :3] = 1
    boards = torch.from_numpy(glider) if as_tensor else glider
    with pytest.raises(BoardError, match="states seen"):
        simulate(boards, "B3/S23", 10**9, stop="cycle", keep="last", max_bytes=512 * 100)
    last, report = simulate(boards, "B3/S23", 10**9, stop="cycle", keep="last")
    assert report.period.tolist() == [256] and np.array_equal(np.asarray(last), glider)
