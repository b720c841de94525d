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
from ._windowlogic import (
    AND,
    ANDN,
    MUX,
    NOT,
    OR,
    ORN,
    Program,
    compile_function,
    compile_table,
    ot_window_table,
)

__all__ = ["compiled_run", "compiled_run_ot"]

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
        s_out[k], c_out[k] = full_add((c << one) | p, c, (c >> one) | n)


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


# The adders (`lifecore.simulate._adders`) from the 9 neighbour words (uw uc ue / mw mc me /
# dw dc de) to the count planes c0..c3 (Moore: from the row sums of `_LOOPS_MOORE`), then
# the state and counts in the registers an outer-totalistic program reads: r0 = state,
# r1..r4 = c3..c0 (index = 16 * state + count).
_ADDERS = {
    "moore": "    c0, c1, c2, c3 = combine(su, cu, sm, cm, sd, cd)",
    "hex": "    c0, c1, c2, c3 = hex_counts(uw, uc, mw, me, dc, de)",
    "vonneumann": "    c0, c1, c2, c3 = vonneumann_counts(uc, mw, me, dc)",
}


def source(program: Program, neighbourhood: str = "") -> str:
    """Python source of the word function and loops for ``program``.

    Without ``neighbourhood`` the program reads the 9 window planes (a window table);
    with one, it reads the state and the count planes that neighbourhood's adders make.
    """
    body = ["    " + _OPS[int(op)].format(v=v, a=a, b=b, d=d) for op, v, a, b, d in program.code]
    loops = _LOOPS
    if neighbourhood == "moore":  # row sums made once; the program reads the 9-cell total
        head = ["def word(mc, su, cu, sm, cm, sd, cd):", _ADDERS[neighbourhood]]
        head += ["    r0, r1, r2, r3, r4 = mc, c3, c2, c1, c0"]
        loops = _LOOPS_MOORE
    elif neighbourhood:
        head = ["def word(uw, uc, ue, mw, mc, me, dw, dc, de):", _ADDERS[neighbourhood]]
        head += ["    r0, r1, r2, r3, r4 = mc, c3, c2, c1, c0"]
    else:
        head = ["def word(r0, r1, r2, r3, r4, r5, r6, r7, r8):"]
    head = ['@numba.njit(inline="always")'] + head + ["    r9 = np.uint64(0)", "    r10 = ONES"]
    return "\n".join(head + body + [f"    return r{program.out}", loops])


def _header() -> str:
    """Imports of every kernel module; the hash of `_adders` makes its source (and so its
    file name and numba's cache entry) change whenever the adders do."""
    adders = Path(__file__).with_name("_adders.py").read_bytes()
    return (
        f"# lifecore kernel; adders {sha256(adders)[:16]}\n"
        "import numba\nimport numpy as np\n\n"
        "from lifecore.simulate._adders import combine, full_add, hex_counts, vonneumann_counts\n"
        "\nONES = np.uint64(0xFFFFFFFFFFFFFFFF)\n\n"
    )


def _cache_folder() -> Optional[Path]:
    """Where kernel sources go so numba can cache their machine code across sessions:
    ``$LIFECORE_KERNEL_CACHE``, else ``~/.cache/lifecore/kernels``; ``"off"`` disables."""
    folder = os.environ.get("LIFECORE_KERNEL_CACHE", "")
    if folder.lower() == "off":
        return None
    return Path(folder) if folder else Path.home() / ".cache" / "lifecore" / "kernels"


class _Source(NamedTuple):
    """A kernel's module source (``cache=True`` on its runs), the name its hash gives it,
    and the 512-entry window table it must compute (what `_verified` checks)."""

    name: str
    text: str  # runs with cache=True (imported from a file)
    plain: str  # the same without (executed in memory)
    table: np.ndarray


def _source(text: str, table: np.ndarray) -> _Source:
    """The `_Source` of kernel module body ``text``, named by its hash."""
    plain = _header() + text
    text = plain.replace("@numba.njit\ndef run(", "@numba.njit(cache=True)\ndef run(")
    for name in ("run_parallel", "_run_parallel"):  # generic loops; Moore loops
        text = text.replace(
            f"(parallel=True)\ndef {name}(", f"(parallel=True, cache=True)\ndef {name}("
        )
    return _Source("lifecore_kernel_" + sha256(text.encode())[:24], text, plain, table)


def _import(source: _Source, folder: Optional[Path]) -> types.ModuleType:
    """The kernel module: from its file in ``folder`` (written if missing or not what it
    should hold), so numba's cache keeps its machine code; in memory if no folder."""
    if folder is not None:
        path = folder / f"{source.name}.py"
        try:
            if not path.is_file() or path.read_text() != source.text:
                folder.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(path, source.text.encode())
            spec = importlib.util.spec_from_file_location(source.name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[source.name] = module  # numba's cache finds the module by name
            spec.loader.exec_module(module)
            return module
        except (OSError, LifecoreError):
            pass
    module = types.ModuleType(source.name)
    exec(compile(source.plain, f"<{source.name}>", "exec"), module.__dict__)
    return module


def _purge(source: _Source, folder: Optional[Path]) -> None:
    """Remove numba's cache files of a kernel (index and machine code)."""
    if folder is not None:
        for path in (folder / "__pycache__").glob(f"{source.name}.*"):
            path.unlink(missing_ok=True)


def _probe_board() -> tuple[np.ndarray, np.ndarray]:
    """A packed ``(1, 24, 3)`` board holding all 512 windows, one per 3x3 block (so each
    block's centre sees only its own block), and each block's Golly window index."""
    index = np.arange(512).reshape(8, 64)
    bits = (index[..., None] >> (8 - np.arange(9))) & 1  # (8, 64, 9)
    cells = bits.reshape(8, 64, 3, 3).transpose(0, 2, 1, 3).reshape(1, 24, 192)
    packed = np.packbits(cells.astype(np.uint8), axis=-1, bitorder="little")
    return packed.view("<u8").astype(np.uint64), index


_PROBE, _PROBE_INDEX = _probe_board()


def _verified(run: Callable, table: np.ndarray) -> bool:
    """Whether ``run`` computes ``table`` on every window, torus and dead boundary: one
    generation of `_PROBE` (microseconds; the first call loads or compiles ``run``)."""
    for torus in (True, False):
        src = _PROBE.copy()
        out = run(src, np.empty_like(src), 1, torus, 192)
        cells = np.unpackbits(np.ascontiguousarray(out).view(np.uint8), bitorder="little")
        centres = cells.reshape(8, 3, 64, 3)[:, 1, :, 1]
        if not np.array_equal(centres, table[_PROBE_INDEX]):
            return False
    return True


_READY: dict[tuple, Callable] = {}  # (cache folder, kernel name, parallel) -> verified run


def _run_of(module: types.ModuleType, parallel: bool) -> tuple[Callable, Callable]:
    """``(run, its numba dispatcher)`` of a kernel module."""
    if not parallel:
        return module.run, module.run
    return module.run_parallel, getattr(module, "_run_parallel", module.run_parallel)


def _on_disk(dispatcher: Callable) -> bool:
    """Whether numba has an index of cached machine code for ``dispatcher``."""
    index = getattr(getattr(getattr(dispatcher, "_cache", None), "_cache_file", None),
                    "_index_path", None)  # fmt: skip
    return bool(index) and os.path.isfile(index)


def _load(source: _Source, parallel: bool, compile: bool) -> Optional[Callable]:
    """The kernel's run if it is on disk (or ``compile``), checked by `_verified`; a cache
    entry that fails (unreadable, or another table's code) is deleted and compiled again."""
    folder = _cache_folder()
    key = (folder, source.name, parallel)
    if key in _READY:
        return _READY[key]
    if folder is None or not (folder / f"{source.name}.py").is_file():
        if not compile:
            return None
    for attempt in range(2):
        module = _import(source, folder if attempt == 0 else None)
        run, dispatcher = _run_of(module, parallel)
        if attempt == 0 and not compile and not _on_disk(dispatcher):
            return None
        try:
            if _verified(run, source.table):
                _READY[key] = run
                return run
        except Exception:  # noqa: BLE001 - an unreadable cache entry: compile afresh
            pass
        _purge(source, folder)
        if not compile:
            return None
    raise LifecoreError(f"the kernel compiled for a rule does not compute its table ({key})")


@lru_cache(maxsize=1024)
def _table_source(table_bytes: bytes) -> _Source:
    table = np.frombuffer(table_bytes, dtype=np.uint8)
    return _source(source(compile_table(table)), table)


@lru_cache(maxsize=1024)
def _ot_source(neighbourhood: str, table_bytes: bytes) -> _Source:
    table = np.frombuffer(table_bytes, dtype=np.uint8).reshape(2, -1)
    truth = np.zeros(32, dtype=np.uint8)  # counts the neighbourhood cannot reach: 0
    # index 16 * state + count; on Moore the count is the total of all 9 cells
    live = 1 if neighbourhood == "moore" else 0
    truth[: table.shape[1]], truth[16 + live : 16 + live + table.shape[1]] = table[0], table[1]
    text = source(compile_function(truth), neighbourhood)
    return _source(text, ot_window_table(neighbourhood, table))


def compiled_run(table: np.ndarray, parallel: bool, compile: bool) -> Optional[Callable]:
    """The run ``(src, dst, steps, torus, w) -> packed state`` compiled for this window
    table (``parallel``: rows shared among numba's threads each generation): from memory,
    else from the disk cache, else compiled if ``compile`` (seconds), else None. Every run
    is first checked on all 512 windows (`_verified`)."""
    table = np.ascontiguousarray(table, dtype=np.uint8).reshape(512)
    return _load(_table_source(table.tobytes()), parallel, compile)


def compiled_run_ot(
    neighbourhood: str, table: np.ndarray, parallel: bool, compile: bool
) -> Optional[Callable]:
    """`compiled_run` for an outer-totalistic rule: its adders, then its ``(2, size + 1)``
    table as a bitwise function of the state and count planes (Life: 4 operations)."""
    table = np.ascontiguousarray(table, dtype=np.uint8)
    return _load(_ot_source(neighbourhood, table.tobytes()), parallel, compile)
