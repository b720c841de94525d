"""Bit-sliced evaluation of any rule on the 3x3 window (isotropic, MAP, ...).

The rule arrives as a `lifecore._windowlogic.Program`: bitwise instructions over
registers, registers 0..8 holding the planes NW, N, NE, W, C, E, SW, S, SE. Each
instruction runs over a whole row of words at once (a short loop LLVM vectorises), so the
interpretation costs one dispatch per instruction per row, not per word, and one compiled
kernel serves every table (no compilation per rule).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["table_row"]

_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@numba.njit(inline="always")
def _planes(x, m, top, torus, regs, base):
    """West, centre and east words of packed row ``x`` (masked by ``m``) into ``regs``.

    ``regs[base]`` gets each cell's west neighbour, ``regs[base + 1]`` the cell itself,
    ``regs[base + 2]`` its east neighbour; the far edge wraps on a torus, reads 0 if dead.
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
        west[k] = (c << one) | prev
        centre[k] = c
        east[k] = (c >> one) | nxt


@numba.njit(inline="always")
def _execute(code, regs, nw):
    """Run the program ``code`` (rows ``op, v, a, b, dst``) over ``nw`` words per register."""
    for i in range(code.shape[0]):
        op = code[i, 0]
        v = regs[code[i, 1]]
        a = regs[code[i, 2]]
        b = regs[code[i, 3]]
        d = regs[code[i, 4]]
        if op == 0:
            for k in range(nw):
                d[k] = b[k] ^ ((a[k] ^ b[k]) & v[k])
        elif op == 1:
            for k in range(nw):
                d[k] = v[k] & a[k]
        elif op == 2:
            for k in range(nw):
                d[k] = b[k] & ~v[k]
        elif op == 3:
            for k in range(nw):
                d[k] = v[k] | b[k]
        elif op == 4:
            for k in range(nw):
                d[k] = a[k] | ~v[k]
        else:
            for k in range(nw):
                d[k] = ~v[k]


@numba.njit(inline="always")
def table_row(src, b, ru, r, rd, mu, md, dst, w, torus, code, out, regs):
    """Next state of packed row ``src[b, r]`` into ``dst[b, r]`` under a table program.

    ``ru``/``rd`` are the rows above and below (already wrapped); ``mu``/``md`` all-ones, or
    zero where that row lies outside a dead boundary. ``regs`` is ``(registers, nw)``
    uint64 scratch whose registers 9 and 10 hold zeros and ones.
    """
    nw = src.shape[2]
    top = np.uint64((w - 1) % 64)
    _planes(src[b, ru], mu, top, torus, regs, 0)
    _planes(src[b, r], _ONES, top, torus, regs, 3)
    _planes(src[b, rd], md, top, torus, regs, 6)
    _execute(code, regs, nw)
    result = regs[out]
    row = dst[b, r]
    for k in range(nw):
        row[k] = result[k]
    row[nw - 1] &= _ONES >> (np.uint64(63) - top)
