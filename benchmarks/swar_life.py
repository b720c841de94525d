"""A hand-written SWAR kernel for Conway's Life: the reference the simulator is timed against.

Bit-packed boards as `lifecore.simulate._bitslice` keeps them (``(H, ceil(W / 64))``
uint64, bit j of word k = column 64 k + j), torus only, and W a multiple of 64 (the
benchmark's boards). Per word: the west and east neighbours by shifts with the carry from
the adjacent word, three full adders (rows above and below, 5 operations each; the middle
row's two neighbours a half adder), the carries combined into the count bits 1, 2, 4
(count 8 reads as 0, which Life treats as 0), then Life itself,
``next = c2 & ~c4 & (c1 | alive)``: about 35 word operations per 64 cells. Rows are shared
among numba's threads (``prange``, one parallel region per generation), or run on one
thread. It is the straightforward kernel anyone would write, kept separate from
`lifecore` so that it does not change when the library does.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["pack", "unpack", "life_run"]


def pack(board: np.ndarray) -> np.ndarray:
    """``(H, W)`` 0/1 cells, W a multiple of 64, to ``(H, W // 64)`` uint64 words."""
    if board.shape[1] % 64:
        raise ValueError(f"the SWAR reference needs W a multiple of 64, got {board.shape[1]}")
    packed = np.packbits(board.astype(np.uint8), axis=-1, bitorder="little")
    return packed.view("<u8").astype(np.uint64)


def unpack(words: np.ndarray) -> np.ndarray:
    """Inverse of `pack`."""
    cells = np.unpackbits(np.ascontiguousarray(words).view(np.uint8), axis=-1, bitorder="little")
    return cells.reshape(words.shape[0], 64 * words.shape[1])


@numba.njit(inline="always")
def _neighbours(row, k, last):
    """West, centre and east words of word ``k`` of a row (torus)."""
    one = np.uint64(1)
    s63 = np.uint64(63)
    c = row[k]
    west = row[k - 1] if k > 0 else row[last]
    east = row[k + 1] if k < last else row[0]
    return (c << one) | (west >> s63), c, (c >> one) | (east << s63)


@numba.njit(inline="always")
def _life_row(up, mid, down, out):
    last = mid.shape[0] - 1
    for k in range(last + 1):
        uw, uc, ue = _neighbours(up, k, last)
        mw, mc, me = _neighbours(mid, k, last)
        dw, dc, de = _neighbours(down, k, last)
        t = uw ^ uc  # full adder, row above
        us = t ^ ue
        uk = (uw & uc) | (ue & t)
        t = dw ^ dc  # full adder, row below
        ds = t ^ de
        dk = (dw & dc) | (de & t)
        ms = mw ^ me  # half adder, own row
        mk = mw & me
        t = us ^ ms  # ones
        c1 = t ^ ds
        k1 = (us & ms) | (ds & t)  # carries into the twos: uk, dk, mk, k1
        t = uk ^ dk
        u = mk ^ k1
        c2 = t ^ u
        c4 = (uk & dk) | (mk & k1) | (t & u)  # at least two of the four twos
        out[k] = c2 & ~c4 & (c1 | mc)


@numba.njit(parallel=True, cache=True)
def _run_threads(a: np.ndarray, c: np.ndarray, steps: int) -> np.ndarray:
    h = a.shape[0]
    for _ in range(steps):
        for r in numba.prange(h):
            _life_row(a[r - 1 if r > 0 else h - 1], a[r], a[r + 1 if r < h - 1 else 0], c[r])
        a, c = c, a
    return a


@numba.njit(cache=True)
def _run_serial(a: np.ndarray, c: np.ndarray, steps: int) -> np.ndarray:
    h = a.shape[0]
    for _ in range(steps):
        for r in range(h):
            _life_row(a[r - 1 if r > 0 else h - 1], a[r], a[r + 1 if r < h - 1 else 0], c[r])
        a, c = c, a
    return a


def life_run(board: np.ndarray, steps: int, threads: bool = True) -> np.ndarray:
    """``steps`` generations of Life on a packed torus ``(H, nw)``; returns the packed
    board. ``threads``: rows shared among numba's threads (one parallel region per
    generation), else one thread (faster when other work holds the cores)."""
    run = _run_threads if threads else _run_serial
    return run(board.copy(), np.empty_like(board), steps)
