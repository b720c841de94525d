"""Bit-sliced numba kernels for NumPy boards: exact, and fast on a CPU.

Why bit slicing
    A Life-like rule only needs, per cell, its state bit and its live-neighbour
    count (0..8). Storing one cell per byte and summing shifted copies of the board
    (the classic NumPy way) moves 8 bytes of memory per neighbour per cell. Packing 64
    cells into one ``uint64`` along the row instead lets one 64-bit bitwise operation
    work on 64 cells at once ("bit slicing"): the neighbour count is built by bitwise
    half/full adders as a handful of *count bit-planes* (``c0..c3``), and the rule is a
    boolean function of those planes and the state plane,

    ``next = OR_b (~state & [count == b]) | OR_s (state & [count == s])``

    over the rule's birth counts ``b`` and survival counts ``s``.

Layout
    A batch ``(N, H, W)`` of 0/1 bytes is packed once into ``(N, H, ceil(W / 64))``
    words: bit ``j`` of word ``k`` is column ``64 k + j``, and bits past ``W`` are kept
    0 (so equal boards have equal words, and B0 rules never light the padding). Any
    ``W`` and ``H`` work. The rows above/below wrap (torus) or read as zero (dead);
    the horizontal wrap moves the edge bits between the first and last words
    explicitly. The state stays packed between generations; each new row is unpacked
    (256-entry byte-to-8-bytes table) straight into the output frames while it is
    still in cache.

Rule and neighbourhoods
    Outer-totalistic rules (recognised from the window table whatever the rule's class,
    so B3/S23 written as a MAP string runs here too): Moore (8), von Neumann (4) and hex
    (6: Moore minus up-right and down-left) each have their own adder network feeding the
    same 4 count planes; the rule reaches the kernel as two ``(10,)`` arrays of all-ones /
    zero word masks (birth / survival per count). Any other rule (isotropic, MAP) is its
    512-entry window table as a Boolean function of the 9 neighbour planes, compiled to a
    short bitwise program (`lifecore.simulate._windowlogic`: a reduced decision diagram) that
    `lifecore.simulate._bittable` interprets over blocks of rows. These generic kernels
    serve every rule without a compilation per rule (their machine code is cached on disk,
    ``cache=True``).

Kernels compiled for one rule
    Any rule also gets a kernel compiled for its window table (`lifecore.simulate.
    _bitjit`: the table's program compiled by LLVM in 10 to 50 ms, checked on all 512
    windows, the most recently used kept per table): on one thread 4 to 6x the adder
    networks and about 20x the interpreted program (2048x2048, 200 steps; see
    ``benchmarks/results/simulate_last.md``). Every call (``step``, a trajectory,
    ``keep="last"``) runs on it once the rule was compiled (unless the call is tiny), or
    when the call is big enough to repay compiling (`JIT_AT`); smaller calls of a rule
    never compiled take the generic kernels, so a search over many rules, each used once
    on small boards, compiles nothing.

keep="last"
    Without frames to fill, the state stays packed from the first generation to the last
    and nothing is unpacked until the end.

Threads
    The generic kernels are serial on purpose; only the kernels compiled for one rule
    share each generation's rows among numba's threads, on boards of `PARALLEL_AT` cells
    or more (where a generation's work dwarfs the cost of a parallel region; about 1.3
    to 2x on 2 idle cores) and only on cores no other task is running on (`_threads`):
    with the cores shared, each generation's end waits for a descheduled thread (measured
    on 2 cores: 0.15-1.0 Gcell/s threaded against 1.7-2.6 serial at load 12 under OpenMP,
    10 to 100 times slower than idle with two other processes running).
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Union

import numba
import numpy as np

from ..cores import free_threads
from ._adders import hex_counts, moore_counts, vonneumann_counts
from ._bitjit import _buffers, _generation, is_compiled, jit_run, padded, unpadded
from ._bittable import block_rows, table_rows
from ._boards import check_result_size
from ._repeat import RepeatDetector, Stopped
from ._windowlogic import (
    FIRST_FREE,
    ONE,
    ZERO,
    compile_table,
    ot_window_table,
    outer_totalistic,
    window_table,
)

__all__ = ["step", "simulate"]

_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
#: Board cells from which a compiled run shares each generation's rows among threads
#: (about 40 us of work per thread per generation at 19 Gcell/s: far above the cost of
#: starting a parallel region on an idle machine).
PARALLEL_AT = 2**20
#: Cell updates (boards x cells x steps) of one call ``(from which a rule's compiled kernel
#: is used, from which a rule not compiled yet is compiled)``, for a table program and for
#: an adder network. Compiling (`lifecore.simulate._bitjit`, 10 to 50 ms) pays from about
#: where the generic kernels take as long (the interpreted program ~1.5 Gcell/s, the adder
#: networks ~15 on one core); under the first figure a compiled kernel's fixed ~10 us
#: (padded rows, Python) outweighs its speed (measured: one step of a 64x64 board 13 us
#: compiled, 4-6 us generic; of 256x256 Life 20 against 14, isotropic 21 against 41).
JIT_AT = {"program": (2**15, 2**25), "adders": (2**21, 2**28)}
_NB_CODE = {"moore": 0, "vonneumann": 1, "hex": 2}
# _LUT[v]: the 8 bits of byte v spread into the 8 bytes of a word (little-endian order).
_LUT = np.array(
    [sum(((v >> q) & 1) << (8 * q) for q in range(8)) for v in range(256)], dtype=np.uint64
)


def _rule_masks(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From a ``(2, size + 1)`` next-state table: all-ones words where the count gives
    birth (survival), zero elsewhere; 10 counts."""
    birth = np.zeros(10, dtype=np.uint64)
    surv = np.zeros(10, dtype=np.uint64)
    table = np.asarray(table)
    birth[: table.shape[1]] = np.where(table[0] == 1, _ONES, np.uint64(0))
    surv[: table.shape[1]] = np.where(table[1] == 1, _ONES, np.uint64(0))
    return birth, surv


# --------------------------------------------------------------------------------------
# Per-word logic (numba inlines these into the row loops).
# --------------------------------------------------------------------------------------
@numba.njit(inline="always")
def _rule_word(c0, c1, c2, c3, s, bm, sm):
    """Next state of 64 cells from count planes c0..c3 and state plane s."""
    n0 = ~c0
    n1 = ~c1
    l0 = n0 & n1
    l1 = c0 & n1
    l2 = n0 & c1
    l3 = c0 & c1
    h0 = ~(c2 | c3)
    h1 = c2 & ~c3
    h2 = c3 & ~c2
    born = (
        (h0 & ((l0 & bm[0]) | (l1 & bm[1]) | (l2 & bm[2]) | (l3 & bm[3])))
        | (h1 & ((l0 & bm[4]) | (l1 & bm[5]) | (l2 & bm[6]) | (l3 & bm[7])))
        | (h2 & l0 & bm[8])
    )
    live = (
        (h0 & ((l0 & sm[0]) | (l1 & sm[1]) | (l2 & sm[2]) | (l3 & sm[3])))
        | (h1 & ((l0 & sm[4]) | (l1 & sm[5]) | (l2 & sm[6]) | (l3 & sm[7])))
        | (h2 & l0 & sm[8])
    )
    return (born & ~s) | (live & s)


@numba.njit(inline="always")
def _word(nb, uw, uc, ue, mw, mc, me, dw, dc, de, bm, sm):
    """Next state of one word given the 9 shifted words around it."""
    if nb == 0:
        c0, c1, c2, c3 = moore_counts(uw, uc, ue, mw, me, dw, dc, de)
    elif nb == 2:
        c0, c1, c2, c3 = hex_counts(uw, uc, mw, me, dc, de)
    else:
        c0, c1, c2, c3 = vonneumann_counts(uc, mw, me, dc)
    return _rule_word(c0, c1, c2, c3, mc, bm, sm)


# --------------------------------------------------------------------------------------
# Kernels (serial: see the note on threads in the module docstring).
# --------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _pack(x, p):
    """Pack 0/1 bytes ``x (N, H, W)`` into ``p (N, H, nw)`` (bit j of word k = column 64k+j)."""
    n, h, w = x.shape
    nw = p.shape[2]
    magic = np.uint64(0x0102040810204080)
    for b in range(n):
        for r in range(h):
            row = x[b, r]
            prow = p[b, r]
            for k in range(nw):
                c0 = 64 * k
                word = np.uint64(0)
                if c0 + 64 <= w:
                    sub = row[c0 : c0 + 64]
                    for q in range(8):
                        v = (
                            np.uint64(sub[8 * q])
                            | (np.uint64(sub[8 * q + 1]) << np.uint64(8))
                            | (np.uint64(sub[8 * q + 2]) << np.uint64(16))
                            | (np.uint64(sub[8 * q + 3]) << np.uint64(24))
                            | (np.uint64(sub[8 * q + 4]) << np.uint64(32))
                            | (np.uint64(sub[8 * q + 5]) << np.uint64(40))
                            | (np.uint64(sub[8 * q + 6]) << np.uint64(48))
                            | (np.uint64(sub[8 * q + 7]) << np.uint64(56))
                        )
                        word |= ((v * magic) >> np.uint64(56)) << np.uint64(8 * q)
                else:
                    for j in range(w - c0):
                        word |= np.uint64(row[c0 + j] & 1) << np.uint64(j)
                prow[k] = word


@numba.njit(inline="always")
def _unpack_row(words, out, lut):
    """Write the bits of one packed row into ``out`` (a 1-D uint8 row of length W)."""
    w = out.shape[0]
    for k in range(words.shape[0]):
        word = words[k]
        c0 = 64 * k
        if c0 + 64 <= w:
            sub = out[c0 : c0 + 64]
            for q in range(8):
                v = lut[(word >> np.uint64(8 * q)) & np.uint64(255)]
                for z in range(8):  # LLVM merges these into one 8-byte store
                    sub[8 * q + z] = np.uint8((v >> np.uint64(8 * z)) & np.uint64(255))
        else:
            for j in range(w - c0):
                out[c0 + j] = np.uint8((word >> np.uint64(j)) & np.uint64(1))


@numba.njit(cache=True)
def _unpack(p, out, lut):
    """Unpack ``p (N, H, nw)`` into ``out (N, H, W)``."""
    n, h, nw = p.shape
    for b in range(n):
        for r in range(h):
            _unpack_row(p[b, r], out[b, r], lut)


@numba.njit(inline="always")
def _middle(src, b, ru, r, rd, mu, md, dst, last, nb, bm, sm):
    """Words 1 .. last - 1 of row ``r``: carries from the neighbouring words only."""
    one = np.uint64(1)
    s63 = np.uint64(63)
    for k in range(1, last):
        uc = src[b, ru, k] & mu
        mc = src[b, r, k]
        dc = src[b, rd, k] & md
        dst[b, r, k] = _word(
            nb,
            (uc << one) | ((src[b, ru, k - 1] & mu) >> s63),
            uc,
            (uc >> one) | ((src[b, ru, k + 1] & mu) << s63),
            (mc << one) | (src[b, r, k - 1] >> s63),
            mc,
            (mc >> one) | (src[b, r, k + 1] << s63),
            (dc << one) | ((src[b, rd, k - 1] & md) >> s63),
            dc,
            (dc >> one) | ((src[b, rd, k + 1] & md) << s63),
            bm,
            sm,
        )


@numba.njit(inline="always")
def _edge(src, b, ru, r, rd, mu, md, k, pu, pm, pd, nu, nm, nd, nb, bm, sm):
    """Next state of word ``k`` given the carries from the west (``p*``) and east (``n*``)."""
    one = np.uint64(1)
    uc = src[b, ru, k] & mu
    mc = src[b, r, k]
    dc = src[b, rd, k] & md
    uw, ue = (uc << one) | pu, (uc >> one) | nu
    mw, me = (mc << one) | pm, (mc >> one) | nm
    dw, de = (dc << one) | pd, (dc >> one) | nd
    return _word(nb, uw, uc, ue, mw, mc, me, dw, dc, de, bm, sm)


@numba.njit(inline="always")
def _row(src, b, ru, r, rd, mu, md, dst, w, nb, torus, bm, sm):
    """Next state of packed row ``src[b, r]`` into ``dst[b, r]``.

    ``ru``/``rd`` are the rows above and below (already wrapped); ``mu``/``md`` are
    all-ones, or zero where that row lies outside a dead boundary.
    """
    nw = src.shape[2]
    last = nw - 1
    one = np.uint64(1)
    s63 = np.uint64(63)
    zero = np.uint64(0)
    top = np.uint64((w - 1) % 64)  # bit of the last column inside the last word
    lastmask = _ONES >> (s63 - top)
    # Edge bits brought round for a torus (zero for a dead boundary).
    wu = ((src[b, ru, last] >> top) & one & mu) if torus else zero
    wm = ((src[b, r, last] >> top) & one) if torus else zero
    wd = ((src[b, rd, last] >> top) & one & md) if torus else zero
    eu = (((src[b, ru, 0] & one) << top) & mu) if torus else zero
    em = ((src[b, r, 0] & one) << top) if torus else zero
    ed = (((src[b, rd, 0] & one) << top) & md) if torus else zero
    if nw == 1:
        word = _edge(src, b, ru, r, rd, mu, md, 0, wu, wm, wd, eu, em, ed, nb, bm, sm)
        dst[b, r, 0] = lastmask & word
        return
    # first word: west carry from the far edge
    nu = (src[b, ru, 1] & mu) << s63
    nm = src[b, r, 1] << s63
    nd = (src[b, rd, 1] & md) << s63
    dst[b, r, 0] = _edge(src, b, ru, r, rd, mu, md, 0, wu, wm, wd, nu, nm, nd, nb, bm, sm)
    # The middle words, with the neighbourhood as a constant in each branch: after
    # inlining, the word function has no branch left and the loop vectorises.
    if nb == 0:
        _middle(src, b, ru, r, rd, mu, md, dst, last, 0, bm, sm)
    elif nb == 1:
        _middle(src, b, ru, r, rd, mu, md, dst, last, 1, bm, sm)
    else:
        _middle(src, b, ru, r, rd, mu, md, dst, last, 2, bm, sm)
    # last word: east carry from the far edge, bits past W cleared
    pu = (src[b, ru, last - 1] & mu) >> s63
    pm = src[b, r, last - 1] >> s63
    pd = (src[b, rd, last - 1] & md) >> s63
    word = _edge(src, b, ru, r, rd, mu, md, last, pu, pm, pd, eu, em, ed, nb, bm, sm)
    dst[b, r, last] = lastmask & word


@numba.njit(cache=True)
def _run(src, dst, frames, t0, steps, torus, nb, bm, sm, code, out, regs, lut, store):
    """Advance the packed boards ``src (N, H, nw)`` by ``steps`` generations.

    ``nb`` >= 0 selects the adder network of an outer-totalistic rule (masks ``bm``,
    ``sm``); ``nb`` = -1 runs the table program ``code`` (result in register ``out``,
    scratch ``regs`` of ``(registers, rows per block * nw)`` words). With ``store``,
    generation ``t0 + s`` is unpacked into ``frames[:, t0 + s]`` (uint8 ``(N, T, H, W)``)
    while its row is in cache; without it the boards stay packed throughout and ``frames``
    is not touched. ``dst`` is scratch shaped like ``src``. Returns the array holding the
    final packed state.
    """
    n, h, nw = src.shape
    w = frames.shape[3]
    block = regs.shape[1] // nw  # rows per block of the table program
    # The masks as tuples of scalars: values the compiler may keep in registers (an
    # array could alias the output, so it would be reloaded for every word).
    bm = (bm[0], bm[1], bm[2], bm[3], bm[4], bm[5], bm[6], bm[7], bm[8], bm[9])
    sm = (sm[0], sm[1], sm[2], sm[3], sm[4], sm[5], sm[6], sm[7], sm[8], sm[9])
    a = src
    c = dst
    for s in range(1, steps + 1):
        for b in range(n):
            if nb < 0:
                for r0 in range(0, h, block):
                    r1 = min(h, r0 + block)
                    table_rows(a, b, r0, r1, c, w, torus, code, out, regs)
                    if store:
                        for r in range(r0, r1):
                            _unpack_row(c[b, r], frames[b, t0 + s, r], lut)
                continue
            for r in range(h):
                # Rows above and below, wrapped; masked to zero outside a dead boundary.
                ru = r - 1 if r > 0 else h - 1
                rd = r + 1 if r < h - 1 else 0
                mu = _ONES if (r > 0 or torus) else np.uint64(0)
                md = _ONES if (r < h - 1 or torus) else np.uint64(0)
                _row(a, b, ru, r, rd, mu, md, c, w, nb, torus, bm, sm)
                if store:
                    _unpack_row(c[b, r], frames[b, t0 + s, r], lut)
        a, c = c, a
    return a


# --------------------------------------------------------------------------------------
# Python drivers.
# --------------------------------------------------------------------------------------
def _packed(x: np.ndarray) -> np.ndarray:
    """Pack a ``(N, H, W)`` 0/1 batch into ``(N, H, ceil(W / 64))`` uint64 words."""
    n, h, w = x.shape
    p = np.empty((n, h, (w + 63) // 64), dtype=np.uint64)
    _pack(np.ascontiguousarray(x, dtype=np.uint8), p)
    return p


def _unpacked(p: np.ndarray, w: int) -> np.ndarray:
    """Inverse of `_packed`: ``(N, H, nw)`` words to ``(N, H, w)`` uint8 cells."""
    out = np.empty(p.shape[:2] + (w,), dtype=np.uint8)
    _unpack(p, out, _LUT)
    return out


class _Kernel(NamedTuple):
    """The rule as `_run` takes it: adder network or table program."""

    nb: int
    bm: np.ndarray
    sm: np.ndarray
    code: np.ndarray
    out: int
    registers: int
    #: ``(512,)`` window table: what the rule's compiled kernel (`_bitjit`) computes
    table: np.ndarray


_NO_MASKS = np.zeros(10, dtype=np.uint64)
_NO_CODE = np.zeros((0, 5), dtype=np.int64)


def _kernel(rule: Any) -> _Kernel:
    """Adder network for outer-totalistic tables (whatever the rule's class), else a program."""
    if getattr(rule, "family", "outer-totalistic") == "outer-totalistic" and hasattr(rule, "table"):
        found: Optional[tuple] = (rule.neighbourhood, rule.table)
    else:
        found = outer_totalistic(window_table(rule))
    if found is not None:
        bm, sm = _rule_masks(found[1])
        table = ot_window_table(*found)
        return _Kernel(_NB_CODE[found[0]], bm, sm, _NO_CODE, 0, FIRST_FREE, table)
    table = window_table(rule)
    program = compile_table(table)
    return _Kernel(-1, _NO_MASKS, _NO_MASKS, program.code, program.out, program.registers, table)


def _advance_generic(
    state: np.ndarray, frames: np.ndarray, t0: int, steps: int, torus: bool, k: _Kernel, store: bool
) -> np.ndarray:
    """Run `_run` on packed ``state``; returns the new packed state (a fresh array)."""
    nw = state.shape[2]
    regs = np.empty((k.registers, nw * min(state.shape[1], block_rows(nw))), dtype=np.uint64)
    regs[ZERO], regs[ONE] = 0, _ONES
    scratch = np.empty_like(state)
    return _run(
        state, scratch, frames, t0, steps, torus, k.nb, k.bm, k.sm, k.code, k.out, regs, _LUT, store
    )


@numba.njit(cache=True)
def _run_frames(src, dst, frames, t0, steps, torus, w, address, width, lut):
    """`lifecore.simulate._bitjit`'s serial run on padded rows ``src (N, H, nw + 2)``,
    generation ``t0 + s`` unpacked into ``frames[:, t0 + s]`` once computed."""
    n, h, stride = src.shape
    top, zeros, tails = _buffers(stride, w, width, 1)
    a, c = src, dst
    for s in range(1, steps + 1):
        for b in range(n):
            _generation(a, c, b, 0, h, torus, top, address, width, zeros, tails[0])
            for r in range(h):
                _unpack_row(c[b, r, 1 : stride - 1], frames[b, t0 + s, r], lut)
        a, c = c, a
    return a


def _advance(
    state: np.ndarray, frames: np.ndarray, t0: int, steps: int, torus: bool, k: _Kernel, store: bool
) -> np.ndarray:
    """``steps`` generations of packed ``state`` (generation ``t0 + s`` unpacked into
    ``frames[:, t0 + s]`` with ``store``; ``frames`` ``(N, T, H, W)`` gives the width):
    on the kernel compiled for the rule if it was compiled before or the call repays
    compiling it, and is big enough (`JIT_AT`), else on the generic kernels. Returns the
    new packed state."""
    n, h, _ = state.shape
    w = frames.shape[3]
    use_at, compile_at = JIT_AT["adders" if k.nb >= 0 else "program"]
    updates = n * h * w * steps
    if updates < use_at or (updates < compile_at and not is_compiled(k.table)):
        return _advance_generic(state, frames, t0, steps, torus, k, store)
    if not store:
        return jit_run(k.table, _threads(h, w))(state, None, steps, torus, w)
    rows = padded(state, w, torus)
    _, address, width = jit_run(k.table).compiled
    final = _run_frames(
        rows, np.empty_like(rows), frames, t0, steps, torus, w, address, width, _LUT
    )
    return unpadded(final, w)


def step(x: np.ndarray, rule: Any, boundary: str) -> np.ndarray:
    """One generation of ``rule`` on a batch ``x`` of 0/1 uint8 boards ``(N, H, W)``.

    A single ``(H, W)`` board is accepted too. ``boundary`` is ``"torus"`` or ``"dead"``
    (cells outside the board are dead). Returns a new C-contiguous uint8 array of the
    same shape.
    """
    if x.ndim == 2:
        return step(x[None], rule, boundary)[0]
    n, h, w = x.shape
    out = np.empty((n, 1, h, w), dtype=np.uint8)
    # t0 = -1: the one generation computed is written to out[:, 0]
    _advance(_packed(x), out, -1, 1, boundary == "torus", _kernel(rule), True)
    return out.reshape(n, h, w)


def _threads(h: int, w: int) -> int:
    """Threads for a compiled run on ``(h, w)`` boards: numba's, but no more than the
    cores no other task is running on now (`lifecore.cores.free_threads`), and one under
    `PARALLEL_AT` cells. A thread sharing a core with another task makes every
    generation's end wait for it: measured on 2 cores, a 2-thread run was 0.3 to 0.5
    times one thread's speed at load 9, and 10 to 100 times slower than idle with two
    other processes running at load 1.5."""
    if h * w < PARALLEL_AT:
        return 1
    return free_threads(numba.get_num_threads())


def _no_frames(x: np.ndarray) -> np.ndarray:
    return np.empty((x.shape[0], 1, 1, x.shape[2]), dtype=np.uint8)


def simulate(
    x: np.ndarray,
    rule: Any,
    steps: int,
    boundary: str,
    stop: Optional[str] = None,
    keep: str = "all",
    max_bytes: Optional[int] = None,
) -> Union[np.ndarray, Stopped]:
    """Trajectory ``(N, steps + 1, H, W)`` uint8 of a batch ``x`` ``(N, H, W)``.

    ``keep="last"`` returns only the final boards ``(N, H, W)``; they stay packed from
    the first step to the last. With ``stop`` ``"fixed"`` or ``"cycle"``, stop once every
    board has repeated a state (a fixed point only, or any earlier state) and return
    ``Stopped(frames, report)``, the frames trimmed to the time the last board stopped
    (see `lifecore.simulate.simulate`). Sizes are checked against ``max_bytes`` before
    anything is allocated.
    """
    n, h, w = x.shape
    torus = boundary == "torus"
    kernel = _kernel(rule)
    if stop is not None:
        return _simulate_until_repeat(x, kernel, steps, torus, stop, keep, max_bytes)
    if keep == "last":
        final = _advance(_packed(x), _no_frames(x), 0, steps, torus, kernel, False)
        return _unpacked(final, w)
    check_result_size(n * (steps + 1) * h * w, max_bytes)
    frames = np.empty((n, steps + 1, h, w), dtype=np.uint8)
    frames[:, 0] = x
    _advance(_packed(x), frames, 0, steps, torus, kernel, True)
    return frames


def _simulate_until_repeat(x, kernel, steps, torus, stop, keep, max_bytes) -> Stopped:
    """Find where every board repeats (packed, no frames kept), then build the frames.

    The first pass keeps only the packed state (and, for ``"cycle"``, one key per
    generation, 1 bit per cell), so a blinker asked for ``10**9`` steps answers at once;
    the frames are then allocated once at their final size and filled by a second pass.
    """
    n, h, w = x.shape
    frame_bytes = n * h * w
    detector = RepeatDetector(n, stop, max_bytes)
    state = _packed(x)
    detector.see(0, state)
    t = 0
    for t in range(1, steps + 1):
        if keep == "all":
            check_result_size((t + 1) * frame_bytes, max_bytes)
        state = _advance(state, _no_frames(x), 0, 1, torus, kernel, False)
        if detector.see(t, state):
            break
    report = detector.report(t + 1)
    if keep == "last":
        return Stopped(_unpacked(state, w), report)
    frames = np.empty((n, t + 1, h, w), dtype=np.uint8)
    frames[:, 0] = x
    _advance(_packed(x), frames, 0, t, torus, kernel, True)
    return Stopped(frames, report)
