"""A kernel compiled for one window table: the program as straight-line register code.

`lifecore.simulate._bittable` interprets a rule's `_windowlogic.Program` one instruction
at a time over a row of words, so every instruction loads and stores its operands. For
long runs this module writes the program out as Python source, one assignment per
instruction, inside a word function, and lets numba compile it with the row and
generation loops around it: the values then live in registers and the loop over words is
vectorised. Compiling takes about a second, so `lifecore.simulate._bitslice` only asks for it when
the run is long enough to repay it; kernels are kept per table for the session, and their
source goes to a cache folder (see `_cache_folder`) so that numba's on-disk cache skips
the compilation in later sessions. The same is done for outer-totalistic rules, whose
birth/survival table becomes a few operations on the count planes (the generic kernel
evaluates it through 18 masks).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple, Optional

import numpy as np

from ..errors import LifecoreError
from ..files import atomic_write_bytes, sha256
from ._windowlogic import AND, ANDN, MUX, NOT, OR, ORN, Program, compile_function, compile_table

__all__ = ["Kernels", "compiled_run", "compiled_run_ot"]


class Kernels(NamedTuple):
    """A rule's compiled runs, both ``(src, dst, steps, torus, w) -> packed state``:
    ``serial``, and ``parallel`` (rows shared among numba's threads each generation; it pays
    only on large boards, where a generation's work dwarfs the cost of a parallel region)."""

    serial: Callable
    parallel: Callable


_OPS = {
    MUX: "r{d} = r{b} ^ ((r{a} ^ r{b}) & r{v})",
    AND: "r{d} = r{v} & r{a}",
    ANDN: "r{d} = r{b} & ~r{v}",
    OR: "r{d} = r{v} | r{b}",
    ORN: "r{d} = r{a} | ~r{v}",
    NOT: "r{d} = ~r{v}",
}

# The row and generation loops around the word function (same layout and boundary rules
# as `lifecore.simulate._bitslice._run`: rows above/below masked to 0 outside a dead boundary,
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


@numba.njit(inline="always")
def board_row(a, c, b, r, h, top, torus):
    ru = r - 1 if r > 0 else h - 1
    rd = r + 1 if r < h - 1 else 0
    mu = ONES if (r > 0 or torus) else np.uint64(0)
    md = ONES if (r < h - 1 or torus) else np.uint64(0)
    row(a[b, ru], a[b, r], a[b, rd], mu, md, c[b, r], top, torus)


@numba.njit
def run(src, dst, steps, torus, w):
    n, h, nw = src.shape
    top = np.uint64((w - 1) % 64)
    a = src
    c = dst
    for s in range(steps):
        for b in range(n):
            for r in range(h):
                board_row(a, c, b, r, h, top, torus)
        a, c = c, a
    return a


@numba.njit(parallel=True)
def run_parallel(src, dst, steps, torus, w):
    n, h, nw = src.shape
    top = np.uint64((w - 1) % 64)
    a = src
    c = dst
    for s in range(steps):
        for b in range(n):
            for r in numba.prange(h):
                board_row(a, c, b, r, h, top, torus)
        a, c = c, a
    return a
"""


# Moore rules: each row's horizontal sums of three (west, centre, east) are made once and
# used by the rows above and below (rolling buffers of three rows per block of rows), and
# the rule reads the total of all nine cells with the state. About half the operations of
# the generic loops, which add the eight neighbours afresh for every row.
_LOOPS_MOORE = """
@numba.njit(inline="always")
def row_sums(x, s_out, c_out, top, torus):
    nw = x.shape[0]
    last = nw - 1
    one = np.uint64(1)
    s63 = np.uint64(63)
    zero = np.uint64(0)
    ww = ((x[last] >> top) & one) if torus else zero
    ee = ((x[0] & one) << top) if torus else zero
    for k in range(nw):
        c = x[k]
        p = (x[k - 1] >> s63) if k > 0 else ww
        n = (x[k + 1] << s63) if k < last else ee
        w = (c << one) | p
        e = (c >> one) | n
        t = w ^ c
        s_out[k] = t ^ e
        c_out[k] = (w & c) | (e & t)


@numba.njit(inline="always")
def sums_of(a, b, r, h, top, torus, slot):
    if 0 <= r < h:
        row_sums(a[b, r], slot[0], slot[1], top, torus)
    elif torus:
        row_sums(a[b, (r + h) % h], slot[0], slot[1], top, torus)
    else:
        slot[:] = 0


@numba.njit(inline="always")
def rows(a, c, b, r0, r1, h, top, torus, sums):
    nw = a.shape[2]
    lastmask = ONES >> (np.uint64(63) - top)
    sums_of(a, b, r0 - 1, h, top, torus, sums[(r0 + 2) % 3])
    sums_of(a, b, r0, h, top, torus, sums[r0 % 3])
    for r in range(r0, r1):
        sums_of(a, b, r + 1, h, top, torus, sums[(r + 1) % 3])
        u = sums[(r + 2) % 3]
        m = sums[r % 3]
        d = sums[(r + 1) % 3]
        xm = a[b, r]
        out = c[b, r]
        for k in range(nw):
            out[k] = word(xm[k], u[0, k], u[1, k], m[0, k], m[1, k], d[0, k], d[1, k])
        out[nw - 1] &= lastmask


@numba.njit
def run(src, dst, steps, torus, w):
    n, h, nw = src.shape
    top = np.uint64((w - 1) % 64)
    sums = np.empty((3, 2, nw), np.uint64)
    a = src
    c = dst
    for s in range(steps):
        for b in range(n):
            rows(a, c, b, 0, h, h, top, torus, sums)
        a, c = c, a
    return a


def run_parallel(src, dst, steps, torus, w):
    # a few blocks of rows per thread: measured faster than one each (threads that fall
    # behind share the rest of the work)
    return _run_parallel(src, dst, steps, torus, w, 4 * numba.get_num_threads())


@numba.njit(parallel=True)
def _run_parallel(src, dst, steps, torus, w, parts):
    n, h, nw = src.shape
    top = np.uint64((w - 1) % 64)
    size = (h + parts - 1) // parts
    sums = np.empty((parts, 3, 2, nw), np.uint64)
    a = src
    c = dst
    for s in range(steps):
        for b in range(n):
            for p in numba.prange(parts):
                r0 = p * size
                r1 = min(h, r0 + size)
                if r0 < r1:
                    rows(a, c, b, r0, r1, h, top, torus, sums[p])
        a, c = c, a
    return a
"""


# Bitwise adders from the 9 neighbour words (uw uc ue / mw mc me / dw dc de) to the count
# planes c0..c3 of the hex and von Neumann neighbourhoods (Moore: `_LOOPS_MOORE`), then the
# state and counts in the registers an outer-totalistic program reads: r0 = state, r1..r4 =
# c3..c0 (index = 16 * state + count).
_HEX = """
    su = uw ^ uc
    cu = uw & uc
    sm = mw ^ me
    cm = mw & me
    sd = dc ^ de
    cd = dc & de
"""
_COMBINE = """
    t = su ^ sm
    c0 = t ^ sd
    k1 = (su & sm) | (sd & t)
    u = cu ^ cm
    x = u ^ cd
    y = (cu & cm) | (cd & u)
    c1 = x ^ k1
    z = x & k1
    c2 = y ^ z
    c3 = y & z
"""
_VONNEUMANN = """
    t = uc ^ mw
    s1 = t ^ me
    k1 = (uc & mw) | (me & t)
    c0 = s1 ^ dc
    k = s1 & dc
    c1 = k1 ^ k
    c2 = k1 & k
    c3 = np.uint64(0)
"""
_ADDERS = {"hex": _HEX + _COMBINE, "vonneumann": _VONNEUMANN}


def source(program: Program, neighbourhood: str = "") -> str:
    """Python source of the word function and loops for ``program``.

    Without ``neighbourhood`` the program reads the 9 window planes (a window table);
    with one, it reads the state and the count planes that neighbourhood's adders make.
    """
    body = ["    " + _OPS[int(op)].format(v=v, a=a, b=b, d=d) for op, v, a, b, d in program.code]
    loops = _LOOPS
    if neighbourhood == "moore":  # row sums made once; the program reads the 9-cell total
        head = ["def word(mc, su, cu, sm, cm, sd, cd):", _COMBINE]
        head += ["    r0, r1, r2, r3, r4 = mc, c3, c2, c1, c0"]
        loops = _LOOPS_MOORE
    elif neighbourhood:
        head = ["def word(uw, uc, ue, mw, mc, me, dw, dc, de):", _ADDERS[neighbourhood]]
        head += ["    r0, r1, r2, r3, r4 = mc, c3, c2, c1, c0"]
    else:
        head = ["def word(r0, r1, r2, r3, r4, r5, r6, r7, r8):"]
    head = ['@numba.njit(inline="always")'] + head + ["    r9 = np.uint64(0)", "    r10 = ONES"]
    return "\n".join(head + body + [f"    return r{program.out}", loops])


_HEADER = "import numba\nimport numpy as np\n\nONES = np.uint64(0xFFFFFFFFFFFFFFFF)\n\n"


def _cache_folder() -> Optional[Path]:
    """Where kernel sources go so numba can cache their machine code across sessions:
    ``$LIFECORE_KERNEL_CACHE``, else ``~/.cache/lifecore/kernels``; ``"off"`` disables."""
    folder = os.environ.get("LIFECORE_KERNEL_CACHE", "")
    if folder.lower() == "off":
        return None
    return Path(folder) if folder else Path.home() / ".cache" / "lifecore" / "kernels"


def _from_file(text: str) -> Optional[types.ModuleType]:
    """Import the kernel module from a source file named by its hash, written if missing, so
    the ``cache=True`` of its runs keeps the compiled code on disk; None if not possible."""
    folder = _cache_folder()
    if folder is None:
        return None
    name = "lifecore_kernel_" + sha256(text.encode())[:24]
    path = folder / f"{name}.py"
    try:
        if not path.is_file() or path.read_text() != text:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, text.encode())
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # numba's cache finds the module again by name
        spec.loader.exec_module(module)
    except (OSError, LifecoreError):
        return None
    return module


def _exec(text: str, name: str) -> Kernels:
    """The ``run`` functions of kernel source ``text``: from the disk cache, else in memory."""
    text = _HEADER + text
    cached = text.replace("@numba.njit\ndef run(", "@numba.njit(cache=True)\ndef run(")
    for name in ("run_parallel", "_run_parallel"):  # generic loops; Moore loops
        cached = cached.replace(
            f"(parallel=True)\ndef {name}(", f"(parallel=True, cache=True)\ndef {name}("
        )
    module = _from_file(cached)
    if module is None:
        module = types.SimpleNamespace()
        exec(compile(text, f"<lifecore kernel {name}>", "exec"), module.__dict__)
    return Kernels(module.run, module.run_parallel)


@lru_cache(maxsize=32)
def _compiled(table_bytes: bytes):
    program = compile_table(np.frombuffer(table_bytes, dtype=np.uint8))
    return _exec(source(program), f"{hash(table_bytes):x}")


@lru_cache(maxsize=32)
def _compiled_ot(neighbourhood: str, table_bytes: bytes):
    table = np.frombuffer(table_bytes, dtype=np.uint8).reshape(2, -1)
    truth = np.zeros(32, dtype=np.uint8)  # counts the neighbourhood cannot reach: 0
    # index 16 * state + count; on Moore the count is the total of all 9 cells
    live = 1 if neighbourhood == "moore" else 0
    truth[: table.shape[1]], truth[16 + live : 16 + live + table.shape[1]] = table[0], table[1]
    return _exec(source(compile_function(truth), neighbourhood), f"{neighbourhood}")


def compiled_run(table: np.ndarray) -> Kernels:
    """The runs ``(src, dst, steps, torus, w) -> packed state`` compiled for this table."""
    return _compiled(np.ascontiguousarray(table, dtype=np.uint8).tobytes())


def compiled_run_ot(neighbourhood: str, table: np.ndarray) -> Kernels:
    """`compiled_run` for an outer-totalistic rule: its adders, then its ``(2, size + 1)``
    table as a bitwise function of the state and count planes (Life: 4 operations)."""
    return _compiled_ot(neighbourhood, np.ascontiguousarray(table, dtype=np.uint8).tobytes())
