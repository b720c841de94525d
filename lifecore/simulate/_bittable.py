"""Bit-sliced evaluation of any rule on the 3x3 window (isotropic, MAP, ...).

The rule arrives as a `lifecore.simulate._windowlogic.Program`: bitwise instructions over
registers, registers 0..8 holding the planes NW, N, NE, W, C, E, SW, S, SE. Each
instruction runs over a whole row of words at once (a short loop LLVM vectorises), so the
interpretation costs one dispatch per instruction per block of rows, not per word (see
`table_rows`), and one compiled
kernel serves every table (no compilation per rule).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["table_rows", "block_rows"]

#: Words per register that a block of rows fills (rows laid end to end): enough work per
#: instruction dispatch, small enough for the registers to stay in L1/L2 cache.
BLOCK_WORDS = 128


def block_rows(nw: int) -> int:
    """Rows per block for rows of ``nw`` words."""
    return max(1, BLOCK_WORDS // nw)


_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@numba.njit(inline="always")
def _planes(x, m, top, torus, regs, base, at):
    """West, centre and east words of packed row ``x`` (masked by ``m``) into ``regs``.

    ``regs[base, at + k]`` gets word k of each cell's west neighbour, ``regs[base + 1]`` the
    cells themselves, ``regs[base + 2]`` their east neighbours; the far edge wraps on a
    torus, reads 0 if dead.
    """
    nw = x.shape[0]
    last = nw - 1
    one = np.uint64(1)
    s63 = np.uint64(63)
    wrap_w = ((x[last] >> top) & one & m) if torus else np.uint64(0)
    wrap_e = (((x[0] & one) << top) & m) if torus else np.uint64(0)
    west = regs[base]
    centre = regs[base + 1]
    east = regs[base + 2]
    for k in range(nw):
        c = x[k] & m
        prev = ((x[k - 1] & m) >> s63) if k > 0 else wrap_w
        nxt = ((x[k + 1] & m) << s63) if k < last else wrap_e
        west[at + k] = (c << one) | prev
        centre[at + k] = c
        east[at + k] = (c >> one) | nxt


@numba.njit(inline="always")
def _execute(code, regs, length):
    """Run the program ``code`` (rows ``op, v, a, b, dst``) over ``length`` words."""
    for i in range(code.shape[0]):
        op = code[i, 0]
        v = regs[code[i, 1]]
        a = regs[code[i, 2]]
        b = regs[code[i, 3]]
        d = regs[code[i, 4]]
        if op == 0:
            for k in range(length):
                d[k] = b[k] ^ ((a[k] ^ b[k]) & v[k])
        elif op == 1:
            for k in range(length):
                d[k] = v[k] & a[k]
        elif op == 2:
            for k in range(length):
                d[k] = b[k] & ~v[k]
        elif op == 3:
            for k in range(length):
                d[k] = v[k] | b[k]
        elif op == 4:
            for k in range(length):
                d[k] = a[k] | ~v[k]
        else:
            for k in range(length):
                d[k] = ~v[k]


@numba.njit(inline="always")
def table_rows(src, b, r0, r1, dst, w, torus, code, out, regs):
    """Next state of packed rows ``src[b, r0:r1]`` into ``dst[b, r0:r1]`` under a program.

    The rows of the block are laid end to end in the registers, so each instruction runs
    over ``(r1 - r0) * nw`` words: narrow boards (a 64x64 board is one word a row) still
    give the vectorised loops enough work per dispatch. ``regs`` is ``(registers, >= that)``
    uint64 scratch whose registers 9 and 10 hold zeros and ones.
    """
    h, nw = src.shape[1], src.shape[2]
    top = np.uint64((w - 1) % 64)
    for r in range(r0, r1):
        at = (r - r0) * nw
        ru = r - 1 if r > 0 else h - 1
        rd = r + 1 if r < h - 1 else 0
        mu = _ONES if (r > 0 or torus) else np.uint64(0)
        md = _ONES if (r < h - 1 or torus) else np.uint64(0)
        _planes(src[b, ru], mu, top, torus, regs, 0, at)
        _planes(src[b, r], _ONES, top, torus, regs, 3, at)
        _planes(src[b, rd], md, top, torus, regs, 6, at)
    _execute(code, regs, (r1 - r0) * nw)
    result = regs[out]
    lastmask = _ONES >> (np.uint64(63) - top)
    for r in range(r0, r1):
        at = (r - r0) * nw
        row = dst[b, r]
        for k in range(nw):
            row[k] = result[at + k]
        row[nw - 1] &= lastmask
