"""A kernel compiled for one window table: the program as straight-line register code.

`lifecore._bittable` interprets a rule's `lifecore._windowlogic.Program` one instruction
at a time over a row of words, so every instruction loads and stores its operands. For
long runs this module writes the program out as Python source, one assignment per
instruction, inside a word function, and lets numba compile it with the row and
generation loops around it: the values then live in registers and the loop over words is
vectorised. Compiling takes about a second, so `lifecore._bitslice` only asks for it when
the run is long enough to repay it; kernels are kept per table for the session.
"""

from __future__ import annotations

from functools import lru_cache

import numba
import numpy as np

from ._windowlogic import AND, ANDN, MUX, NOT, OR, ORN, Program, compile_table

__all__ = ["compiled_run"]

_OPS = {
    MUX: "r{d} = r{b} ^ ((r{a} ^ r{b}) & r{v})",
    AND: "r{d} = r{v} & r{a}",
    ANDN: "r{d} = r{b} & ~r{v}",
    OR: "r{d} = r{v} | r{b}",
    ORN: "r{d} = r{a} | ~r{v}",
    NOT: "r{d} = ~r{v}",
}

# The row and generation loops around the word function (same layout and boundary rules
# as `lifecore._bitslice._run`: rows above/below masked to 0 outside a dead boundary,
# the horizontal wrap carried explicitly, bits past W cleared in the last word).
_LOOPS = """
@numba.njit(inline="always")
def row(xu, xm, xd, mu, md, out, top, torus):
    nw = xm.shape[0]
    last = nw - 1
    one = np.uint64(1)
    s63 = np.uint64(63)
    zero = np.uint64(0)
    wu = ((xu[last] >> top) & one & mu) if torus else zero
    wm = ((xm[last] >> top) & one) if torus else zero
    wd = ((xd[last] >> top) & one & md) if torus else zero
    eu = (((xu[0] & one) << top) & mu) if torus else zero
    em = ((xm[0] & one) << top) if torus else zero
    ed = (((xd[0] & one) << top) & md) if torus else zero
    for k in range(nw):
        cu = xu[k] & mu
        cm = xm[k]
        cd = xd[k] & md
        pu = ((xu[k - 1] & mu) >> s63) if k > 0 else wu
        pm = (xm[k - 1] >> s63) if k > 0 else wm
        pd = ((xd[k - 1] & md) >> s63) if k > 0 else wd
        nu = ((xu[k + 1] & mu) << s63) if k < last else eu
        nm = (xm[k + 1] << s63) if k < last else em
        nd = ((xd[k + 1] & md) << s63) if k < last else ed
        out[k] = word(
            (cu << one) | pu, cu, (cu >> one) | nu,
            (cm << one) | pm, cm, (cm >> one) | nm,
            (cd << one) | pd, cd, (cd >> one) | nd,
        )
    out[last] &= ONES >> (s63 - top)


@numba.njit
def run(src, dst, steps, torus, w):
    n, h, nw = src.shape
    top = np.uint64((w - 1) % 64)
    a = src
    c = dst
    for s in range(steps):
        for b in range(n):
            for r in range(h):
                ru = r - 1 if r > 0 else h - 1
                rd = r + 1 if r < h - 1 else 0
                mu = ONES if (r > 0 or torus) else np.uint64(0)
                md = ONES if (r < h - 1 or torus) else np.uint64(0)
                row(a[b, ru], a[b, r], a[b, rd], mu, md, c[b, r], top, torus)
        a, c = c, a
    return a
"""


def source(program: Program) -> str:
    """Python source of the word function and loops for ``program``."""
    body = ["    " + _OPS[int(op)].format(v=v, a=a, b=b, d=d) for op, v, a, b, d in program.code]
    head = [
        '@numba.njit(inline="always")',
        "def word(r0, r1, r2, r3, r4, r5, r6, r7, r8):",
        "    r9 = np.uint64(0)",
        "    r10 = ONES",
    ]
    return "\n".join(head + body + [f"    return r{program.out}", _LOOPS])


@lru_cache(maxsize=32)
def _compiled(table_bytes: bytes):
    program = compile_table(np.frombuffer(table_bytes, dtype=np.uint8))
    namespace = {"numba": numba, "np": np, "ONES": np.uint64(0xFFFFFFFFFFFFFFFF)}
    exec(compile(source(program), f"<lifecore kernel {hash(table_bytes):x}>", "exec"), namespace)
    return namespace["run"]


def compiled_run(table: np.ndarray):
    """``run(src, dst, steps, torus, w) -> packed state`` compiled for this window table."""
    return _compiled(np.ascontiguousarray(table, dtype=np.uint8).tobytes())
