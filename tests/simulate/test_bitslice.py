"""The bit-sliced numba kernels against a per-cell reference written from the definition."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import TableRule, naive_step, naive_table_step

import lifecore.cores
from lifecore.rules import NEIGHBOURHOODS, Rule
from lifecore.simulate import _bitslice
from lifecore.simulate._repeat import RepeatDetector

FAST = settings(max_examples=50, deadline=None)


@st.composite
def rules(draw):
    neighbourhood = draw(st.sampled_from(sorted(NEIGHBOURHOODS)))
    counts = st.sets(st.integers(0, len(NEIGHBOURHOODS[neighbourhood])))
    return Rule(birth=draw(counts), survival=draw(counts), neighbourhood=neighbourhood)


@st.composite
def batches(draw, max_n=2, max_side=70):
    n = draw(st.integers(1, max_n))
    h = draw(st.integers(1, max_side))
    w = draw(st.one_of(st.integers(1, max_side), st.sampled_from([63, 64, 65, 127, 128, 129])))
    density = draw(st.sampled_from([0.0, 0.1, 0.35, 0.5, 0.9, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return (rng.random((n, h, w)) < density).astype(np.uint8)


BOUNDARY = st.sampled_from(["torus", "dead"])


@FAST
@given(x=batches(max_side=40), rule=rules(), boundary=BOUNDARY)
def test_step_matches_naive(x, rule, boundary):
    got = _bitslice.step(x, rule, boundary)
    assert got.dtype == np.uint8 and got.shape == x.shape and got.flags.c_contiguous
    assert np.array_equal(got, naive_step(x, rule, boundary))


@pytest.mark.parametrize("w", [1, 2, 63, 64, 65, 70, 128, 129])
@pytest.mark.parametrize("rule", ["B3/S23", "B0/S8", "B13/S012V", "B2/S34H", "B0123/S0123456H"])
@pytest.mark.parametrize("boundary", ["torus", "dead"])
def test_step_word_edges(w, rule, boundary):
    rng = np.random.default_rng(w)
    x = (rng.random((2, 5, w)) < 0.45).astype(np.uint8)
    rule = Rule.parse(rule)
    assert np.array_equal(_bitslice.step(x, rule, boundary), naive_step(x, rule, boundary))


@settings(max_examples=30, deadline=None)
@given(x=batches(max_n=3), rule=rules(), boundary=BOUNDARY, steps=st.integers(0, 5))
def test_simulate_is_repeated_step(x, rule, boundary, steps):
    frames = _bitslice.simulate(x, rule, steps, boundary, None)
    assert frames.shape == (x.shape[0], steps + 1) + x.shape[1:] and frames.dtype == np.uint8
    state = x
    assert np.array_equal(frames[:, 0], x)
    for t in range(1, steps + 1):
        state = _bitslice.step(state, rule, boundary)
        assert np.array_equal(frames[:, t], state)


def detector_reference(x, rule, steps, boundary, stop):
    """`RepeatDetector` driven by naive steps: the semantics to keep."""
    detector = RepeatDetector(x.shape[0], stop)
    detector.see(0, x)
    frames, t = [x], 0
    for t in range(1, steps + 1):
        x = naive_step(x, rule, boundary)
        frames.append(x)
        if detector.see(t, x):
            break
    return np.stack(frames, axis=1), detector.report(t + 1)


@settings(max_examples=40, deadline=None)
@given(
    x=batches(max_n=4, max_side=6),
    rule=rules(),
    boundary=BOUNDARY,
    steps=st.integers(0, 40),
    stop=st.sampled_from(["fixed", "cycle"]),
)
def test_stop_matches_repeat_detector(x, rule, boundary, steps, stop):
    frames, report = _bitslice.simulate(x, rule, steps, boundary, stop)
    want_frames, want = detector_reference(x, rule, steps, boundary, stop)
    assert np.array_equal(frames, want_frames)
    assert np.array_equal(report.length, want.length)
    assert np.array_equal(report.period, want.period)
    assert np.array_equal(report.start, want.start)


def _blinker_and_block():
    blinker = np.zeros((6, 6), np.uint8)
    blinker[2, 1:4] = 1
    block = np.zeros((6, 6), np.uint8)
    block[2:4, 2:4] = 1
    return np.stack([blinker, block])


def test_stop_by_hand():
    life = Rule.parse("B3/S23")
    x = _blinker_and_block()
    # Blinker: t=2 repeats t=0 -> 3 frames, period 2, entered at 0. Block: t=1 repeats t=0.
    frames, report = _bitslice.simulate(x, life, 10, "torus", "cycle")
    assert frames.shape == (2, 3, 6, 6)
    assert np.array_equal(frames[0, 2], x[0]) and not np.array_equal(frames[0, 1], x[0])
    assert report.length.tolist() == [3, 2]
    assert report.period.tolist() == [2, 1]
    assert report.start.tolist() == [0, 0]
    # "fixed" never stops the blinker: all 10 steps run, block still found at t=1.
    frames, report = _bitslice.simulate(x, life, 10, "torus", "fixed")
    assert frames.shape == (2, 11, 6, 6)
    assert report.length.tolist() == [11, 2]
    assert report.period.tolist() == [0, 1]
    assert report.start.tolist() == [-1, 0]
    # No step at all: nothing can repeat.
    frames, report = _bitslice.simulate(x, life, 0, "dead", "cycle")
    assert frames.shape == (2, 1, 6, 6)
    assert report.length.tolist() == [1, 1] and report.period.tolist() == [0, 0]


def test_b0_fills_and_boundaries():
    empty = np.zeros((1, 3, 70), np.uint8)
    # B0/S on an empty board: every cell is born; then each has 8 (torus) live neighbours.
    assert _bitslice.step(empty, Rule.parse("B0/S"), "torus").all()
    assert not _bitslice.step(np.ones_like(empty), Rule.parse("B0/S"), "torus").any()
    # With a dead boundary the edge cells of a full board have fewer neighbours.
    full = np.ones((1, 4, 67), np.uint8)
    nxt = _bitslice.step(full, Rule.parse("B/S8"), "dead")
    assert nxt[0, 1:-1, 1:-1].all() and not nxt[0, 0].any() and not nxt[0, :, -1].any()


@pytest.mark.parametrize("w", [1, 7, 8, 9, 63, 64, 65, 130])
def test_pack_roundtrip_and_zero_padding(w):
    rng = np.random.default_rng(w)
    x = (rng.random((3, 4, w)) < 0.5).astype(np.uint8)
    p = _bitslice._packed(x)
    assert p.dtype == np.uint64 and p.shape == (3, 4, (w + 63) // 64)
    ref = np.packbits(
        np.pad(x, ((0, 0), (0, 0), (0, 64 * p.shape[2] - w))), axis=-1, bitorder="little"
    )
    assert np.array_equal(p, ref.view("<u8"))
    assert np.array_equal(_bitslice._unpacked(p, w), x)


def test_public_api_uses_kernel():
    from lifecore import simulate, step

    board = _blinker_and_block()[0]
    assert np.array_equal(
        step(board, "B3/S23"), naive_step(board[None], Rule.parse("B3/S23"), "torus")[0]
    )
    traj, report = simulate(board, "B3/S23", 5, stop="cycle")
    assert traj.shape == (3, 6, 6) and report.period.tolist() == [2]


COMPILED_TABLE = (np.random.default_rng(12).random(512) < 0.5).astype(np.uint8)


@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 5, 63), (1, 4, 64), (2, 3, 65), (1, 7, 130)])
@pytest.mark.parametrize("boundary", ["torus", "dead"])
def test_compiled_kernel_matches_reference(shape, boundary, monkeypatch):
    """The kernel compiled for a table (keep='last') against the reference."""
    x = (np.random.default_rng(sum(shape)).random(shape) < 0.45).astype(np.uint8)
    state = x
    for _ in range(3):
        state = naive_table_step(state, COMPILED_TABLE, boundary)
    monkeypatch.setattr(lifecore.cores, "others_running", lambda: 0)  # threads whatever the load
    monkeypatch.setattr(
        _bitslice, "JIT_AT", {"program": (0, 0), "adders": (0, 0)}
    )  # compile always
    for parallel_at in (2**40, 0):  # the serial run, then the one sharing rows among threads
        monkeypatch.setattr(_bitslice, "PARALLEL_AT", parallel_at)
        got = _bitslice.simulate(x, TableRule(COMPILED_TABLE), 3, boundary, keep="last")
        assert np.array_equal(got, state)


@pytest.mark.parametrize("rule", ["B3/S23", "B0/S8", "B13/S012V", "B2/S34H"])
@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 5, 63), (1, 4, 65), (1, 7, 130)])
def test_compiled_outer_totalistic_kernel_matches_reference(rule, shape, monkeypatch):
    """The kernel compiled for an outer-totalistic rule's window table (keep='last')."""
    rule = Rule.parse(rule)
    x = (np.random.default_rng(sum(shape)).random(shape) < 0.45).astype(np.uint8)
    monkeypatch.setattr(lifecore.cores, "others_running", lambda: 0)
    monkeypatch.setattr(_bitslice, "JIT_AT", {"program": (0, 0), "adders": (0, 0)})
    for boundary, parallel_at in itertools.product(("torus", "dead"), (2**40, 0)):
        monkeypatch.setattr(_bitslice, "PARALLEL_AT", parallel_at)
        state = x
        for _ in range(3):
            state = naive_step(state, rule, boundary)
        assert np.array_equal(_bitslice.simulate(x, rule, 3, boundary, keep="last"), state)
